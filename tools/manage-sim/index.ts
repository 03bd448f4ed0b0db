/**
 * ConnectWise Manage simulator: a real HTTP server speaking the subset of the Manage REST
 * API Deskbell uses (demo mode, tests, benchmarks). See README.md in this folder.
 */
export { DEMO_CREDENTIALS, type SimCredentials } from './constants';
export { startManageSim, isLoopbackHost, type ManageSim, type StartManageSimOptions } from './server';
export type { SimFaultRule, SimMatch } from './faults';
export type { SimCallbackAction, SimCallbackDelivery, SimCallbackPayload } from './callbacks';
export { SIM_PERMISSIONS, type SimPermission, type SimPermissionName, type SimPermissionSettings } from './permissions';
export type { SimRequestRecord } from './request-log';
export { SimCollection, type SimStore } from './store';
export { API_MEMBER_IDENTIFIER, DEMO_LIMITED_MEMBER_SESSION, DEMO_MEMBER_SESSION, type SeedName } from './demo-data';
