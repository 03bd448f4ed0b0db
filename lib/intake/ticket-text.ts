/**
 * How a press reads in Manage. Pure functions: the same press always gives the same text,
 * which the rule tester and the ticket preview rely on.
 */
import type { HostDetails, RegistrationRequest } from '@/lib/presses/types';

export const SUBJECT_MAX = 50;
export const SUMMARY_MAX = 100;

/** Cuts at the last word boundary within `max` characters; a single overlong word is cut hard. */
export function cutAtWordBoundary(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  if (chars.length <= max) return flat;
  const head = chars.slice(0, max).join('');
  if (/\s/.test(chars[max] ?? '')) return head.trimEnd();
  const lastSpace = head.lastIndexOf(' ');
  return (lastSpace > 0 ? head.slice(0, lastSpace) : head).trimEnd();
}

/** The incumbent's default subject: the first 50 characters of the message, at a word boundary. */
export function subjectFromMessage(message: string): string {
  return cutAtWordBoundary(message, SUBJECT_MAX);
}

export function summaryFromSubject(subject: string, message: string): string {
  const summary = cutAtWordBoundary(subject, SUMMARY_MAX);
  return summary || subjectFromMessage(message) || 'Help button press';
}

export function formatDescription(message: string, append: readonly string[]): string {
  return [message.trim(), ...append.map((a) => a.trim()).filter(Boolean)].join('\n\n');
}

export type InternalNoteInput = {
  reportUrl: string;
  host: HostDetails;
  /** Present when the email matched no contact and the catch-all contact was used. */
  registration?: RegistrationRequest;
  privAppend: readonly string[];
  submissionErrors: readonly string[];
};

function lines(pairs: [string, string | undefined][]): string[] {
  return pairs.filter(([, v]) => v !== undefined && v.trim() !== '').map(([k, v]) => `${k}: ${v!.trim()}`);
}

export function formatInternalAnalysis(input: InternalNoteInput): string {
  const sections: string[] = [`Deskbell report: ${input.reportUrl}`];
  const host = lines([
    ['Hostname', input.host.hostname],
    ['Username', input.host.domain && input.host.username ? `${input.host.domain}\\${input.host.username}` : input.host.username],
    ['Local IP', input.host.localIp],
    ['MAC', input.host.mac],
    ['OS', input.host.os],
    ['Agent version', input.host.agentVersion],
  ]);
  if (host.length) sections.push(['[Host Details]', ...host].join('\n'));
  if (input.registration) {
    const r = input.registration;
    sections.push(
      [
        '[User Registration Requested]',
        ...lines([
          ['Name', r.name],
          ['Email Address', r.email],
          ['Phone', r.phone],
          ['Extension', r.extension],
          ['Cell', r.cell],
          ['Business Name', r.businessName],
        ]),
      ].join('\n'),
    );
  }
  const priv = input.privAppend.map((p) => p.trim()).filter(Boolean);
  if (priv.length) sections.push(priv.join('\n\n'));
  if (input.submissionErrors.length) {
    sections.push(['[Submission Errors]', ...input.submissionErrors.map((e) => `- ${e}`)].join('\n'));
  }
  return sections.join('\n\n');
}
