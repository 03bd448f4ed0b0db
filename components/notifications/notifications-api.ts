'use client';

/** The Notifications page calls /api/admin/notifications through the admin pages' one API helper. */
import { callSetupApi, type SetupApiResult } from '@/components/setup/setup-api';

export type NotificationsApiResult<T> = SetupApiResult<T>;

export function callNotificationsApi<T>(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown): Promise<NotificationsApiResult<T>> {
  return callSetupApi<T>(method, url, body);
}
