'use server';

import { z } from 'zod';
import { serverEnv } from '@/lib/env';
import { loadManageApiOrigin } from '@/lib/manage-client/demo-manage';

/**
 * The demo Manage ticket's technician buttons: each asks the simulator to change the ticket
 * the way a technician does in Manage's UI (POST /__sim/tickets/{id}/status|notes|owner), so
 * the simulator calls Deskbell back and the end user is told, all from a browser. Demo mode
 * only, and only against the connected Manage, which in demo mode is the simulator.
 */

const ticketId = z.number().int().positive().max(2_147_483_647);
const technicianChangeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('status'), ticketId, status: z.string().trim().min(1).max(50) }).strict(),
  z.object({ kind: z.literal('note'), ticketId, text: z.string().trim().min(1, 'Write the note first.').max(4000), internal: z.boolean() }).strict(),
  z.object({ kind: z.literal('owner'), ticketId, member: z.string().trim().min(1).max(30) }).strict(),
]);

export type TechnicianChange = z.input<typeof technicianChangeSchema>;
export type TechnicianChangeResult = { ok: true; message: string } | { ok: false; message: string };

const PATHS = { status: 'status', note: 'notes', owner: 'owner' } as const;

export async function changeDemoTicket(input: TechnicianChange): Promise<TechnicianChangeResult> {
  const env = serverEnv();
  if (!env.DESKBELL_DEMO) return { ok: false, message: 'These buttons work only in demo mode (npm run demo).' };
  const parsed = technicianChangeSchema.safeParse(input);
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? 'That change is not valid.' };
  const change = parsed.data;
  const origin = await loadManageApiOrigin();
  if (!origin) return { ok: false, message: 'Deskbell is not connected to the simulator yet.' };
  // The demo technician acts (the member the pod signs in as), as they would in Manage.
  const actor = env.DESKBELL_DEMO_MEMBER?.split(':')[0];
  const body =
    change.kind === 'status'
      ? { status: change.status, ...(actor ? { member: actor } : {}) }
      : change.kind === 'note'
        ? { text: change.text, internal: change.internal, ...(actor ? { member: actor } : {}) }
        : { member: change.member, ...(actor ? { by: actor } : {}) };
  const url = `${origin}/__sim/tickets/${change.ticketId}/${PATHS[change.kind]}`;
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(5_000) });
  } catch (err) {
    return { ok: false, message: `The simulator did not answer (${err instanceof Error ? err.message : String(err)}).` };
  }
  if (!res.ok) {
    const said = (await res.json().catch(() => null)) as { message?: string } | null;
    if (res.status === 404 && !said?.message) {
      return { ok: false, message: 'The connected Manage has no technician endpoints: these buttons need the simulator.' };
    }
    return { ok: false, message: `The simulator refused the change (${res.status}): ${said?.message ?? res.statusText}` };
  }
  await res.body?.cancel().catch(() => undefined);
  const done =
    change.kind === 'status'
      ? `Status set to ${change.status}.`
      : change.kind === 'note'
        ? change.internal
          ? 'Internal note added (the end user is not told).'
          : 'Note added.'
        : 'Owner assigned.';
  return { ok: true, message: `${done} Manage calls Deskbell back; the device that pressed shows the notification.` };
}
