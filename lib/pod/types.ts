/**
 * What the pod API answers, as plain data. Type-only and browser-safe (no server-only): the
 * pod UI imports these shapes; everything that produces them lives beside this file.
 */
import type { PressReport, PressStatus } from '@/lib/presses/types';

/** The Manage screens a pod is hosted on. */
export type PodScreen = 'ticket' | 'company';

/** What a pod token lets its holder see: the one ticket or company Manage framed the pod on. */
export type PodScope = { screen: PodScreen; id: number };

/** POST /api/pod/session → 200. */
export type PodSessionGrant = {
  /** The bearer token for every other pod route; keep it in memory only. */
  token: string;
  /** ISO time; renew (ask Manage for the member authentication again) at about 80% of the lifetime. */
  expiresAt: string;
  member: { identifier: string; name: string };
  scope: PodScope;
};

/**
 * The press report as the pod shows it: file URLs are the pod's (token required), each
 * screenshot whose bytes still exist has a `thumbnailSrc`, and the configuration links into Manage.
 */
export type PodPress = Omit<PressReport, 'configuration'> & {
  configuration: { id: number; name: string; url: string | null } | null;
};

/** GET /api/pod/tickets/{ticketId}: null when Deskbell did not create that ticket. */
export type PodTicketResponse = { press: PodPress | null };

export type PodCompanyPress = {
  id: string;
  receivedAt: string;
  name: string | null;
  email: string | null;
  hostname: string | null;
  ticketId: number | null;
  ticketNumber: string | null;
  status: PressStatus;
  /** The ticket's status in Manage as last seen (callbacks), else as filed. */
  ticketStatusName: string | null;
};

/** GET /api/pod/companies/{companyId}/presses. */
export type PodCompanyPresses = {
  presses: PodCompanyPress[];
  /** The hosts that pressed most often among the company's recent presses, most first. */
  topHosts: { hostname: string; presses: number }[];
};
