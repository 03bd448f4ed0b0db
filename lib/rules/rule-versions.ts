import 'server-only';
import { publish } from '@/lib/cluster/cluster-signal';
import { createHash, randomUUID } from 'node:crypto';
import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from 'diff';
import { DeskbellApiError } from '@/lib/http/errors';
import { recordAudit } from '@/lib/audit/audit-log';
import type { RuleCheck } from '@/lib/rules/engine/python-engine';
import type { DeskbellDatabase } from '@/lib/store/database';
import { isUniqueViolation } from '@/lib/store/engine/unique-violation';
import type { RuleVersionsTable } from '@/lib/store/schema';
import { findActiveRules } from '@/lib/settings/active-rules';
import type { RuleCheckView, RuleSyntaxProblem, RuleVersionList, RuleVersionView, SaveRulesResult } from './types';

/**
 * Dispatcher rules, stored versioned and append-only: saving adds a version, rolling back
 * adds a copy of an old one. Every version that becomes active passed Python's own syntax
 * check first, so a typo never reaches a press.
 */

/** What saving needs from the engine: a compile-only check. */
export type RuleSyntaxChecker = { check(source: string): Promise<RuleCheck> };

export const RULES_MAX_CHARS = 200_000;
export const RULE_VERSIONS_PAGE = 20;
// A diff is a courtesy: past this budget the list says "too large" instead of stalling.
const DIFF_TIMEOUT_MS = 250;

type VersionRow = RuleVersionsTable;

/** Line endings as the editor sends them, so identical rules hash and diff identically. */
export function normaliseRuleSource(source: string): string {
  return source.replace(/\r\n?/g, '\n');
}

export function hashRuleSource(source: string): string {
  return createHash('sha256').update(source, 'utf8').digest('hex');
}

const lineCount = (source: string): number => (source === '' ? 0 : source.replace(/\n$/, '').split('\n').length);

/** A unified diff between two versions, with counts; null when it cannot be computed within the budget. */
export function diffRuleSources(
  before: { version: number; source: string } | null,
  after: { version: number; source: string },
): { diff: string | null; added: number; removed: number } {
  const patch = structuredPatch(
    before ? `rules v${before.version}` : 'no rules',
    `rules v${after.version}`,
    before?.source ?? '',
    after.source,
    undefined,
    undefined,
    { context: 3, timeout: DIFF_TIMEOUT_MS },
  );
  if (!patch) return { diff: null, added: 0, removed: 0 };
  let added = 0;
  let removed = 0;
  for (const hunk of patch.hunks) {
    for (const line of hunk.lines) {
      if (line.startsWith('+')) added += 1;
      else if (line.startsWith('-')) removed += 1;
    }
  }
  return { diff: patch.hunks.length === 0 ? '' : formatPatch(patch, FILE_HEADERS_ONLY), added, removed };
}

function toView(row: VersionRow, previous: VersionRow | null, activeVersion: number): RuleVersionView {
  return {
    version: row.version,
    createdAt: row.created_at,
    createdBy: row.created_by,
    note: row.note,
    sha256: row.sha256,
    lines: lineCount(row.source),
    active: row.version === activeVersion,
    ...diffRuleSources(previous, row),
  };
}

/** Newest first, each with its diff from the version before. `before` pages to older versions. */
export async function listRuleVersions(
  db: DeskbellDatabase,
  options: { limit?: number; before?: number } = {},
): Promise<RuleVersionList> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? RULE_VERSIONS_PAGE), 1), 100);
  let query = db.selectFrom('rule_versions').selectAll().orderBy('version', 'desc').limit(limit + 1);
  if (options.before !== undefined) query = query.where('version', '<', options.before);
  // One row more than the page: the oldest shown version needs its predecessor for the diff.
  const [rows, active, total] = await Promise.all([
    query.execute(),
    findActiveRules(db),
    db.selectFrom('rule_versions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const shown = rows.slice(0, limit);
  return {
    active,
    total: Number(total.n),
    versions: shown.map((row, i) => toView(row, rows[i + 1] ?? null, active?.version ?? 0)),
  };
}

/** Python's verdict on the source; an empty source means "no rules" and needs none. */
async function findSyntaxProblem(checker: RuleSyntaxChecker, source: string): Promise<RuleSyntaxProblem | null> {
  if (source.trim() === '') return null;
  let result: RuleCheck;
  try {
    result = await checker.check(source);
  } catch (err) {
    console.error('[rules] the syntax check could not run:', err instanceof Error ? err.message : err);
    throw new DeskbellApiError('service_unavailable', 'The rules engine is not available right now, so the rules could not be checked (nothing was saved). Try again in a moment.');
  }
  return result.ok ? null : result.error;
}

/** "Line 3, column 7: SyntaxError: invalid syntax" */
export function describeSyntaxProblem(problem: RuleSyntaxProblem): string {
  const where = [problem.line !== null ? `line ${problem.line}` : null, problem.column !== null ? `column ${problem.column}` : null].filter(Boolean).join(', ');
  const what = `${problem.type}: ${problem.message}`;
  return where ? `${where.charAt(0).toUpperCase()}${where.slice(1)}: ${what}` : what;
}

async function refuseInvalidRules(checker: RuleSyntaxChecker, source: string): Promise<void> {
  const problem = await findSyntaxProblem(checker, source);
  if (!problem) return;
  throw new DeskbellApiError('unprocessable_entity', `${describeSyntaxProblem(problem)}. The rules were not saved.`, [
    { path: 'source', message: `${problem.type}: ${problem.message}`, line: problem.line, column: problem.column },
  ]);
}

async function findVersion(db: DeskbellDatabase, version: number): Promise<VersionRow | undefined> {
  return db.selectFrom('rule_versions').selectAll().where('version', '=', version).executeTakeFirst();
}

/**
 * Appends a version unless the source equals the active one. `baseVersion` is the version the
 * editor started from (null: none existed): if someone saved meanwhile, this save is refused
 * rather than silently undoing their change.
 */
async function appendVersion(
  db: DeskbellDatabase,
  input: { source: string; note: string | null; baseVersion?: number | null; rollbackOf?: number },
  actor: string,
): Promise<SaveRulesResult> {
  const sha256 = hashRuleSource(input.source);
  const saved = await db.transaction().execute(async (trx) => {
    const latest = await trx.selectFrom('rule_versions').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst();
    if (input.baseVersion !== undefined && (latest?.version ?? null) !== input.baseVersion) {
      throw new DeskbellApiError(
        'conflict',
        `The rules changed while you were editing: version ${latest?.version ?? 0} was saved by ${latest?.created_by ?? 'someone'}. Reload, then apply your change again.`,
        { activeVersion: latest?.version ?? null },
      );
    }
    if (latest && latest.sha256 === sha256) return { row: latest, previous: null, unchanged: true };
    const row: VersionRow = {
      id: randomUUID(),
      version: (latest?.version ?? 0) + 1,
      source: input.source,
      sha256,
      created_at: new Date().toISOString(),
      created_by: actor.slice(0, 320),
      note: input.note,
    };
    await trx.insertInto('rule_versions').values(row).execute();
    // Every instance hears of the new version with this transaction's commit.
    await publish(trx, 'settings', 'rules');
    await recordAudit(trx, {
      actor,
      action: input.rollbackOf !== undefined ? 'rules.rolled_back' : 'rules.saved',
      target: `rules v${row.version}`,
      details: {
        version: row.version,
        previousVersion: latest?.version ?? null,
        ...(input.rollbackOf !== undefined ? { rollbackOf: input.rollbackOf } : {}),
        sha256,
        lines: lineCount(row.source),
        note: row.note,
      },
    });
    return { row, previous: latest ?? null, unchanged: false };
  }).catch((err: unknown) => {
    // Two saves at the same moment on PostgreSQL both read version N and both write N+1: the
    // unique version refuses the loser, which is the same conflict as a stale baseVersion.
    if (!isUniqueViolation(err)) throw err;
    throw new DeskbellApiError('conflict', 'Someone else saved the rules at the same moment, so this save was not applied. Reload, then apply your change again.', {
      activeVersion: null,
    });
  });
  return { version: toView(saved.row, saved.previous, saved.row.version), unchanged: saved.unchanged };
}

export async function saveRuleVersion(
  db: DeskbellDatabase,
  checker: RuleSyntaxChecker,
  input: { source: string; note?: string | null; baseVersion?: number | null },
  actor: string,
): Promise<SaveRulesResult> {
  const source = normaliseRuleSource(input.source);
  if (source.length > RULES_MAX_CHARS) {
    throw new DeskbellApiError('unprocessable_entity', `Rules are limited to ${RULES_MAX_CHARS.toLocaleString('en-US')} characters.`, [
      { path: 'source', message: `Rules are limited to ${RULES_MAX_CHARS.toLocaleString('en-US')} characters.` },
    ]);
  }
  await refuseInvalidRules(checker, source);
  return appendVersion(db, { source, note: input.note?.trim() || null, baseVersion: input.baseVersion }, actor);
}

/** One click: the old version's source becomes a new, active version; history keeps everything. */
export async function rollbackRuleVersion(
  db: DeskbellDatabase,
  checker: RuleSyntaxChecker,
  version: number,
  actor: string,
): Promise<SaveRulesResult> {
  const target = await findVersion(db, version);
  if (!target) throw new DeskbellApiError('not_found', `There is no rules version ${version}.`);
  // Versions imported from before versioning never met the check: hold them to it now.
  await refuseInvalidRules(checker, target.source);
  return appendVersion(db, { source: target.source, note: `Rolled back to v${version}`, rollbackOf: version }, actor);
}

/** Python's verdict without saving, for the editor's Check button. */
export async function checkRuleSource(checker: RuleSyntaxChecker, source: string): Promise<RuleCheckView> {
  const problem = await findSyntaxProblem(checker, normaliseRuleSource(source));
  return problem ? { ok: false, error: problem } : { ok: true };
}
