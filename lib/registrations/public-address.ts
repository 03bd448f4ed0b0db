import 'server-only';
import { serverEnv } from '@/lib/env';

/** Deskbell's public URL: what Manage and the technicians' browsers inside Manage use to reach this server. */
export function deskbellPublicUrl(): string {
  const env = serverEnv();
  return env.DESKBELL_PUBLIC_URL ?? `http://127.0.0.1:${env.PORT}`;
}

/** The URL's origin, or null when it is not a URL. */
export function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
