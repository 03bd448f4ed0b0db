/**
 * Every way the pod can fail to show anything, as words a technician can act on. The kinds
 * are distinct because each has a different fix: open it from Manage, fix Deskbell's Manage
 * address, ask for a role, wait for Manage.
 */
import { HostedApiResponseError, HostedApiTimeoutError } from '@/components/pod/hosted-api/client';
import { PodApiError } from './pod-api';

export type PodErrorKind =
  | 'not-configured'
  | 'not-in-manage'
  | 'timeout'
  | 'no-member'
  | 'refused'
  | 'forbidden'
  | 'not-found'
  | 'throttled'
  | 'manage-down'
  | 'unreachable'
  | 'expired'
  | 'no-record'
  | 'failed';

export type PodError = { kind: PodErrorKind; title: string; message: string; detail?: string };

export function podError(kind: PodErrorKind, detail?: string): PodError {
  const { title, message } = TEXTS[kind];
  return detail ? { kind, title, message, detail } : { kind, title, message };
}

const TEXTS: Record<PodErrorKind, { title: string; message: string }> = {
  'not-configured': {
    title: 'Deskbell does not know your Manage address yet',
    message:
      'An admin finishes the connection step of Deskbell\u2019s setup (or sets MANAGE_UI_ORIGINS); until then the pod talks to nobody.',
  },
  'not-in-manage': {
    title: 'Open this from a ticket in ConnectWise Manage',
    message: 'The Deskbell pod shows a press inside the Manage ticket it created. Opened on its own, it has no ticket to show.',
  },
  timeout: {
    title: 'Manage did not answer',
    message:
      'The pod asked Manage who you are and heard nothing back. Reload the ticket; if it keeps happening, check that the Manage address in Deskbell\u2019s setup is the one in your browser\u2019s address bar.',
  },
  'no-member': {
    title: 'Manage did not say who you are',
    message: 'Manage answered without your member details. Reload the ticket, or sign in to Manage again.',
  },
  refused: {
    title: 'Manage did not confirm your sign-in',
    message: 'Deskbell asked Manage to confirm who you are and Manage said no. Sign in to Manage again, then reload the ticket.',
  },
  forbidden: {
    title: 'Not yours to see',
    message: 'Your Manage security role does not let you open this record, so Deskbell does not show its press either.',
  },
  'not-found': {
    title: 'Manage has no such record',
    message:
      'Manage found no ticket or company with this number that you can open: it may have been deleted or merged, or the address has the wrong number.',
  },
  throttled: {
    title: 'Too many failed sign-ins',
    message: 'Deskbell paused sign-ins for your member after several failures. Wait a few minutes, then reload the ticket.',
  },
  'manage-down': {
    title: 'Deskbell cannot reach Manage right now',
    message: 'Deskbell confirms every sign-in with Manage and could not reach it. Try again in a minute.',
  },
  unreachable: {
    title: 'Deskbell cannot be reached',
    message: 'The pod could not reach the Deskbell server. Check the network, then try again.',
  },
  expired: {
    title: 'The pod\u2019s session ended',
    message: 'Its short-lived sign-in expired and could not be renewed through Manage. Try again to sign in afresh.',
  },
  'no-record': {
    title: 'No ticket to show',
    message: 'Manage did not say which ticket or company this pod is on.',
  },
  failed: {
    title: 'Something went wrong',
    message: 'The pod could not load. Try again; if it keeps failing, an admin can check Deskbell\u2019s log.',
  },
};

/** Maps whatever the sign-in threw to a PodError. */
export function describeSignInError(err: unknown, framed: boolean): PodError {
  if (err instanceof HostedApiTimeoutError) return framed ? podError('timeout', err.message) : podError('not-in-manage');
  if (err instanceof HostedApiResponseError) return podError('no-member', err.message);
  if (err instanceof PodApiError) {
    if (err.status === 0) return podError('unreachable');
    if (err.status === 401) return podError('refused', err.message);
    // The title and message say it all; the server's sentence would only repeat it.
    if (err.status === 403) return podError('forbidden');
    if (err.status === 404) return podError('not-found');
    if (err.status === 429) return podError('throttled', err.message);
    if (err.status === 502 || err.status === 503 || err.status === 504) return podError('manage-down', err.message);
    return podError('failed', err.message);
  }
  return podError('failed', err instanceof Error ? err.message : String(err));
}
