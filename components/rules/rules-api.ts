'use client';

/** The Rules step calls /api/admin/rules through the admin pages' one API helper. */
import { callSetupApi, type AdminApiDetail, type SetupApiResult } from '@/components/setup/setup-api';

export type RulesApiDetail = AdminApiDetail;
export type RulesApiResult<T> = SetupApiResult<T>;

export function callRulesApi<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<RulesApiResult<T>> {
  return callSetupApi<T>(method, url, body);
}
