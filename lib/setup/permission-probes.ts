import 'server-only';
import type { ManageClient } from '@/lib/connectwise/client';
import {
  decideFromRole,
  PERMISSION_PROBES,
  probeManagePermission,
  readApiMemberRole,
  type PermissionProbe,
} from '@/lib/connectwise/permissions';
import type { DeskbellDatabase } from '@/lib/store/database';
import { withSetupClient } from './manage-access';
import { recordSetupCheck, type DecisionMethod, type ProbeResult, type ProbeVerdict } from './setup-checks';
import { plural } from '@/lib/text/plural';

/**
 * The wizard's Permissions step: every permission Deskbell needs (lib/connectwise/permissions.ts
 * knows them, how Manage names them and how to check them) decided from the API member's
 * security role when it can be read, by test requests for the lines the role cannot decide,
 * then shown line by line and recorded as the step's last check.
 */

function resultOf(probe: PermissionProbe, method: DecisionMethod, verdict: ProbeVerdict, how: string[], fallback?: string): ProbeResult {
  const result: ProbeResult = { id: probe.id, permission: probe.permission, purpose: probe.purpose, fix: probe.fix, method, verdict, how };
  return fallback === undefined ? result : { ...result, fallback };
}

/** Decides the line by its test requests; `fallback` says why the role did not decide it. */
async function runPermissionProbe(client: ManageClient, probe: PermissionProbe, fallback?: string): Promise<ProbeResult> {
  const { verdict, how } = await probeManagePermission(client, probe);
  return resultOf(probe, 'probe', verdict, how, fallback);
}

/**
 * Decides every line: from the API member's role when it can be read, by test requests for the
 * lines the role cannot decide. Sends no test request for a line the role decided.
 */
export async function decidePermissions(client: ManageClient, probes: readonly PermissionProbe[] = PERMISSION_PROBES): Promise<ProbeResult[]> {
  const reading = await readApiMemberRole(client);
  return Promise.all(
    probes.map((probe) => {
      if (!reading.readable) {
        return runPermissionProbe(client, probe, `The API member\u2019s security role could not be read: ${reading.reason}.`);
      }
      const decision = decideFromRole(probe, reading.role.name, reading.settings);
      if (decision.decided) return resultOf(probe, 'role', decision.verdict, decision.how);
      return runPermissionProbe(client, probe, `${decision.missing}.`);
    }),
  );
}

export type PermissionCheck = { ok: boolean; at: string; probes: ProbeResult[] };

/** Decides every permission with the stored connection and records the lines as the step's last check. */
export async function checkManagePermissions(db: DeskbellDatabase): Promise<PermissionCheck> {
  const probes = await withSetupClient(db, (client) => decidePermissions(client));
  const failing = probes.filter((p) => p.verdict === 'fail').length;
  const unknown = probes.filter((p) => p.verdict === 'unknown').length;
  const ok = failing === 0 && unknown === 0;
  const summary = ok
    ? `All ${probes.length} permissions are granted.`
    : [failing ? `${plural(failing, 'permission')} missing` : '', unknown ? `${unknown} could not be checked` : ''].filter(Boolean).join(', ') + '.';
  const stored = await recordSetupCheck(db, 'permissions', { ok, summary, probes });
  return { ok, at: stored.at, probes };
}
