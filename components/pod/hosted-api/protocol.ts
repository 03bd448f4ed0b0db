/**
 * ConnectWise Manage's Hosted API (pods and tabs) as messages: types, parsing and serialising.
 * Pure and browser-safe (no server-only, no process.env). Both halves use it: the pod
 * (client.ts) and the demo Manage host (demo-host.ts).
 *
 * On the wire every message is a JSON string posted with window.postMessage. The pod's side is
 * byte for byte what ConnectWise's own client (ConnectWiseHostedAPI.1.0.js) posts: the same
 * keys in the same order, `frameID` last on everything after the handshake, and no `args` key
 * on a request that has none:
 *   pod -> Manage  {"message":"ready"}
 *   Manage -> pod  {"MessageFrameID":"..."}
 *   pod -> Manage  {"hosted_request":"getMemberAuthentication","frameID":"..."}
 *   pod -> Manage  {"args":{"newTab":false,"screen":"ticket","id":7},"hosted_request":"openScreen","frameID":"..."}
 *   Manage -> pod  {"response":"getmemberauthentication","data":{...}}
 *   Manage -> pod  {"event":"onLoad","_id":1,"data":{"screenObject":{...}}}
 *   pod -> Manage  {"event":"onLoad","_id":1,"result":"success","frameID":"..."}
 * (ConnectWise's client builds a request as {request, args}, then renames `request` to
 * `hosted_request`, which moves it after `args`.) In code the same messages are a union tagged
 * with `kind`, so a switch can tell an event from its acknowledgement (both carry `event`).
 */
import { z } from 'zod';
import type { PodScreen } from '@/lib/pod/types';

export type MemberAuthentication = {
  site: string;
  companyid: string;
  memberid: string;
  memberHash: string;
  memberContext?: string;
  memberEmail?: string;
  codeBase?: string;
};
export type HostedScreen = PodScreen;
export type ScreenObject = { screen: string; id: number; hostedAs: 'pod' | 'tab' };
export type HostedEventName = 'onLoad' | 'beforeSave' | 'beforeBack';
export type HostedEvent = { event: HostedEventName; _id: unknown; data: unknown };

export const HOSTED_REQUEST_NAMES = [
  'getMemberAuthentication',
  'refreshScreen',
  'openScreen',
  'setDirty',
  'getScreenObject',
] as const;
export type HostedRequestName = (typeof HOSTED_REQUEST_NAMES)[number];

export const HOSTED_EVENT_NAMES = ['onLoad', 'beforeSave', 'beforeBack'] as const;

export type ReadyMessage = { kind: 'ready' };
export type FrameIdMessage = { kind: 'frameId'; frameId: string };
export type RequestMessage = {
  kind: 'request';
  name: HostedRequestName;
  /** Absent when the request has no arguments: then the wire carries no `args` key at all. */
  args?: Record<string, unknown>;
  frameId: string;
};
/** `name` is as Manage sent it: the request name lower-cased (`getmemberauthentication`). */
export type ResponseMessage = { kind: 'response'; name: string; data: unknown };
/**
 * `event` is a string, not HostedEventName: an event this code does not know must still be
 * acknowledged, or Manage may wait on it (beforeSave holds the save until it is answered).
 */
export type EventMessage = { kind: 'event'; event: string; _id: unknown; data: unknown };
export type AckMessage = {
  kind: 'ack';
  event: string;
  _id: unknown;
  result: 'success' | 'failure';
  errors?: unknown;
  /** The frame's id once the handshake is done (Manage may match acknowledgements by frame). */
  frameId?: string;
};
export type HostedMessage =
  | ReadyMessage
  | FrameIdMessage
  | RequestMessage
  | ResponseMessage
  | EventMessage
  | AckMessage;

/** The wire form Manage expects: a JSON string with Manage's key names. */
export function serialize(message: HostedMessage): string {
  switch (message.kind) {
    case 'ready':
      return JSON.stringify({ message: 'ready' });
    case 'frameId':
      return JSON.stringify({ MessageFrameID: message.frameId });
    case 'request':
      return JSON.stringify({
        ...(message.args === undefined ? {} : { args: message.args }),
        hosted_request: message.name,
        frameID: message.frameId,
      });
    case 'response':
      return JSON.stringify({ response: message.name, data: message.data });
    case 'event':
      return JSON.stringify({ event: message.event, _id: message._id, data: message.data });
    case 'ack':
      return JSON.stringify({
        event: message.event,
        _id: message._id,
        result: message.result,
        ...(message.errors === undefined ? {} : { errors: message.errors }),
        ...(message.frameId === undefined ? {} : { frameID: message.frameId }),
      });
  }
}

const frameIdSchema = z.object({ MessageFrameID: z.string().min(1) });
const requestSchema = z.object({
  hosted_request: z.enum(HOSTED_REQUEST_NAMES),
  args: z.record(z.string(), z.unknown()).nullish(),
  frameID: z.string().min(1),
});
const responseSchema = z.object({ response: z.string().min(1), data: z.unknown() });
const ackSchema = z.object({
  event: z.string().min(1),
  _id: z.unknown(),
  result: z.enum(['success', 'failure']),
  errors: z.unknown().optional(),
  frameID: z.string().optional(),
});
const eventSchema = z.object({ event: z.string().min(1), _id: z.unknown(), data: z.unknown() });
const readySchema = z.object({ message: z.literal('ready') });

function toRecord(data: unknown): Record<string, unknown> | null {
  let value = data;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  return value as Record<string, unknown>;
}

/**
 * A message event's data as a protocol message, or null for anything else (other scripts and
 * browser extensions post to every window too). Manage sends JSON strings; an already-parsed
 * object is accepted as well. Check the sender's origin and source before calling this.
 */
export function parseIncoming(data: unknown): HostedMessage | null {
  const record = toRecord(data);
  if (!record) return null;
  if ('MessageFrameID' in record) {
    const parsed = frameIdSchema.safeParse(record);
    return parsed.success ? { kind: 'frameId', frameId: parsed.data.MessageFrameID } : null;
  }
  if ('hosted_request' in record) {
    const parsed = requestSchema.safeParse(record);
    if (!parsed.success) return null;
    const { hosted_request: name, args, frameID } = parsed.data;
    return { kind: 'request', name, ...(args ? { args } : {}), frameId: frameID };
  }
  if ('response' in record) {
    const parsed = responseSchema.safeParse(record);
    return parsed.success ? { kind: 'response', name: parsed.data.response, data: parsed.data.data } : null;
  }
  if ('event' in record) {
    if ('result' in record) {
      const parsed = ackSchema.safeParse(record);
      if (!parsed.success) return null;
      const { event, _id, result, errors, frameID } = parsed.data;
      return {
        kind: 'ack',
        event,
        _id,
        result,
        ...(errors === undefined ? {} : { errors }),
        ...(frameID === undefined ? {} : { frameId: frameID }),
      };
    }
    const parsed = eventSchema.safeParse(record);
    return parsed.success
      ? { kind: 'event', event: parsed.data.event, _id: parsed.data._id, data: parsed.data.data }
      : null;
  }
  return readySchema.safeParse(record).success ? { kind: 'ready' } : null;
}

export function isKnownEventName(name: string): name is HostedEventName {
  return (HOSTED_EVENT_NAMES as readonly string[]).includes(name);
}

// Optional fields: some Manage versions omit them or send null; both become "absent".
const optionalText = z
  .string()
  .nullish()
  .transform((value) => (value ? value : undefined));

const memberAuthenticationSchema = z.object({
  site: z.string().min(1),
  companyid: z.string().min(1),
  memberid: z.string().min(1),
  memberHash: z.string().min(1),
  memberContext: optionalText,
  memberEmail: optionalText,
  codeBase: optionalText,
});

/**
 * getMemberAuthentication's data, or null when it lacks what the server needs to prove the
 * member. Only the named fields are kept: newer Manage versions add ssoAccessToken and
 * ssoIdToken, which Deskbell never needs and must not hold.
 */
export function parseMemberAuthentication(data: unknown): MemberAuthentication | null {
  const parsed = memberAuthenticationSchema.safeParse(data);
  if (!parsed.success) return null;
  const { site, companyid, memberid, memberHash, memberContext, memberEmail, codeBase } = parsed.data;
  return {
    site,
    companyid,
    memberid,
    memberHash,
    ...(memberContext === undefined ? {} : { memberContext }),
    ...(memberEmail === undefined ? {} : { memberEmail }),
    ...(codeBase === undefined ? {} : { codeBase }),
  };
}

const screenObjectSchema = z.object({
  screen: z.string().min(1),
  // The record id is a number in every published payload; a numeric string is tolerated.
  id: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).pipe(z.number().int().positive()),
  hostedAs: z
    .string()
    .transform((value) => value.toLowerCase())
    .pipe(z.enum(['pod', 'tab'])),
});

/** onLoad's `data.screenObject`, or null when the data carries none we understand. */
export function parseScreenObject(eventData: unknown): ScreenObject | null {
  if (typeof eventData !== 'object' || eventData === null) return null;
  const parsed = screenObjectSchema.safeParse((eventData as { screenObject?: unknown }).screenObject);
  return parsed.success ? parsed.data : null;
}
