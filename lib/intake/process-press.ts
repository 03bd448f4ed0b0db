import 'server-only';
import { findActiveConfigurationsByHostname, linkConfigurationToTicket } from '@/lib/connectwise/configurations';
import { findContactsByEmail } from '@/lib/connectwise/contacts';
import { listTicketDocuments, uploadTicketDocument } from '@/lib/connectwise/documents';
import { isManageError, type ManageError } from '@/lib/connectwise/errors';
import { createTicket, findTicketsByExternalXRef, type CreateTicketInput } from '@/lib/connectwise/tickets';
import type { ManageConfiguration, ManageContact, ManageTicket } from '@/lib/connectwise/types';
import { applyRules, type RuleEngine, type RuleRun, type RuleVariables } from '@/lib/rules/engine/rule-engine';
import { PermanentJobError } from '@/lib/jobs/worker';
import { personName } from '@/lib/presses/person-name';
import { listPressFiles, readPressFileBytes, recordDocumentUpload, type StoredPressFile } from '@/lib/presses/press-file-store';
import type { PressOutcome, RuleTrace } from '@/lib/presses/press-outcome';
import {
  isPressFinished,
  loadPipelinePress,
  markPressProcessing,
  markPressRefused,
  markPressTicketCreated,
  recordPressOutcome,
  recordPressTicket,
} from '@/lib/presses/press-store';
import type { IntakeSettings } from '@/lib/settings/intake-settings';
import type { DeskbellDatabase } from '@/lib/store/database';
import type { ManageAvailability, ManageContext } from '@/lib/manage-client/manage-context';
import { withManageCallLog } from '@/lib/manage-client/manage-context';
import { pressFactsFromPayload, type PressFacts } from './press-facts';
import { draftTicket, type PressContact } from './draft-ticket';
import { subjectFromMessage } from './ticket-text';

/** What the pipeline knows of the ticket it created (or found from an earlier attempt). */
export type CreatedTicket = {
  id: number;
  summary: string;
  statusId: number | null;
  statusName: string | null;
  ownerIdentifier: string | null;
  ownerName: string | null;
  enteredBy: string | null;
  lastUpdated: string | null;
};

export type PressPipelineDeps = {
  db: DeskbellDatabase;
  manage: () => ManageAvailability | Promise<ManageAvailability>;
  loadSettings: (db: DeskbellDatabase) => Promise<IntakeSettings>;
  rules: RuleEngine | null;
  /** Where the report page lives: `${publicUrl}/presses/{id}`. */
  publicUrl: string;
  uploadConcurrency?: number;
  /**
   * Told as soon as the ticket id is stored, before files are attached and the press is marked
   * done (so a failure here is retried with the press, and must be idempotent): the "created"
   * notification and the baseline later callbacks are compared with.
   */
  onTicketCreated?: (pressId: string, ticket: CreatedTicket) => Promise<void>;
  /**
   * Told once the press is done, never awaited and never failing it: the pod's previews of
   * its screenshots (whatever this misses is made on first view).
   */
  makeThumbnails?: (pressId: string) => Promise<void>;
};

const NO_RULE_TRACE: RuleTrace = { refusal: null, error: null, output: '', durationMs: 0, warnings: [], changed: [], before: null, after: null, version: null };

type Contact = PressContact;

/** Thrown to refuse a press on purpose (a rule set `exception`); the job ends without retrying. */
class PressRefused extends Error {}

async function timed<T>(steps: PressOutcome['steps'], name: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await run();
  } finally {
    steps.push({ name, ms: Math.round((performance.now() - started) * 10) / 10 });
  }
}

/** Runs `work` over `items` with at most `limit` at once; every item is attempted. */
async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (err) {
        errors.push(err);
      }
    }
  });
  await Promise.all(runners);
  if (errors.length > 0) throw errors[0];
}

function contactFrom(found: ManageContact, registered: boolean): Contact {
  if (found.companyId === null) throw new Error(`Manage contact ${found.id} has no company`);
  return {
    id: found.id,
    companyId: found.companyId,
    companyName: found.companyName,
    registered,
    name: `${found.firstName} ${found.lastName}`.trim() || null,
  };
}

/** The contact by email; an unknown email goes to the unregistered catch-all contact. */
export async function resolveContact(
  context: ManageContext,
  settings: IntakeSettings,
  email: string | undefined,
): Promise<Contact> {
  if (email) {
    const matches = (await findContactsByEmail(context.client, email)).filter((c) => c.companyId !== null);
    const best = matches.find((c) => !c.inactive) ?? matches[0];
    if (best) return contactFrom(best, true);
  }
  const catchAllEmail = settings.unregistered.email;
  // The catch-all rarely changes: keep it with the lookup tables so a press does not pay for it.
  const catchAll = await context.cache.get(`unregistered/${catchAllEmail.toLowerCase()}`, async () => {
    const found = await findContactsByEmail(context.client, catchAllEmail);
    const preferred = settings.unregistered.contactId
      ? found.find((c) => c.id === settings.unregistered.contactId)
      : undefined;
    const chosen = preferred ?? found.find((c) => !c.inactive && c.companyId !== null) ?? found[0];
    if (!chosen) {
      throw new Error(
        `The unregistered catch-all contact (${catchAllEmail}) does not exist in Manage; create it (setup step "Unregistered users"), then retry the press`,
      );
    }
    return chosen;
  });
  return contactFrom(catchAll, false);
}

export function ruleVariablesFor(facts: PressFacts, settings: IntakeSettings, contact: Contact): RuleVariables {
  const d = settings.defaults;
  return {
    priority: d.priority,
    state: d.status,
    team: d.team,
    type: d.type,
    subtype: d.subtype,
    item: d.item,
    msg: facts.message,
    subject: subjectFromMessage(facts.message),
    source: d.source,
    impact: d.impact,
    urgency: d.severity,
    owner: d.owner,
    board: d.board,
    append: facts.append.join('\n\n'),
    priv_append: '',
    exception: null,
    selections: facts.selections.join('\n'),
    name: personName(facts.name, contact) ?? '',
    email: facts.email ?? '',
    ip: facts.host.localIp ?? '',
    mac: facts.host.mac ?? '',
    hostname: facts.host.hostname ?? '',
    username: facts.host.username ?? '',
    os: facts.host.os ?? '',
    company: contact.companyName ?? '',
    registered: contact.registered,
  };
}

function changedVariables(run: RuleRun): string[] {
  return (Object.keys(run.after) as (keyof RuleVariables)[]).filter((k) => run.after[k] !== run.before[k]);
}

function ruleTraceOf(run: RuleRun, ran: boolean, version: number | null): RuleTrace {
  if (!ran) return NO_RULE_TRACE;
  return {
    refusal: run.refusal,
    error: run.error,
    output: run.output,
    durationMs: run.durationMs,
    warnings: run.warnings,
    changed: changedVariables(run),
    before: run.before,
    after: run.after,
    version,
  };
}

function describeRuleError(run: RuleRun): string | null {
  if (!run.error) return null;
  const where = run.error.line ? ` (line ${run.error.line})` : '';
  return `Dispatcher rules failed: ${run.error.type}: ${run.error.message}${where}; the ticket uses the values from before the rules ran`;
}

/** Finds the ticket an earlier attempt created, so a retry never makes a second one. */
async function findEarlierTicket(context: ManageContext, pressId: string): Promise<ManageTicket | undefined> {
  const found = await findTicketsByExternalXRef(context.client, pressId);
  return found.sort((a, b) => a.id - b.id)[0];
}

async function createTicketOnce(
  context: ManageContext,
  pressId: string,
  mayExistAlready: boolean,
  input: CreateTicketInput,
  submissionErrors: string[],
): Promise<{ ticket: ManageTicket; reused: boolean }> {
  if (mayExistAlready) {
    const earlier = await findEarlierTicket(context, pressId);
    if (earlier) return { ticket: earlier, reused: true };
  }
  try {
    return { ticket: await createTicket(context.client, input), reused: false };
  } catch (err) {
    // Manage refused the content (a field it will not take). Nothing was created, so one
    // plain create is safe; the refusal goes to Submission Errors instead of losing the press.
    if (!isManageError(err) || err.status !== 400) throw err;
    const reason = err.fieldErrors.map((f) => f.message).join('; ') || err.message;
    submissionErrors.push(`Manage refused the ticket fields (${reason}); created with Manage's defaults`);
    const plain: CreateTicketInput = {
      summary: input.summary,
      company: input.company,
      contactId: input.contactId,
      contactName: input.contactName,
      contactEmailAddress: input.contactEmailAddress,
      externalXRef: input.externalXRef,
      initialDescription: input.initialDescription,
      initialInternalAnalysis: input.initialInternalAnalysis?.replace(
        /\[Submission Errors\][\s\S]*$/,
        ['[Submission Errors]', ...submissionErrors.map((e) => `- ${e}`)].join('\n'),
      ),
    };
    if (!plain.initialInternalAnalysis?.includes('[Submission Errors]')) {
      plain.initialInternalAnalysis = `${plain.initialInternalAnalysis ?? ''}\n\n[Submission Errors]\n${submissionErrors.map((e) => `- ${e}`).join('\n')}`.trim();
    }
    return { ticket: await createTicket(context.client, plain), reused: false };
  }
}

function documentTitle(file: StoredPressFile): string {
  if (file.kind === 'attachment') return file.filename;
  const parts = [`Screenshot ${file.position + 1}`];
  if (file.monitor !== null) parts.push(`monitor ${file.monitor}`);
  if (file.capturedAt) parts.push(file.capturedAt);
  return parts.join(' · ');
}

/**
 * The press job: contact -> rules -> names -> ticket (exactly once) -> documents and
 * configuration in parallel -> outcome. With warm caches its critical path is three Manage
 * round trips: contact lookup, ticket create, then uploads and the configuration link.
 */
export async function processPress(deps: PressPipelineDeps, pressId: string, attempt: number): Promise<void> {
  const press = await loadPipelinePress(deps.db, pressId);
  if (!press) throw new PermanentJobError(`press ${pressId} no longer exists`);
  if (isPressFinished(press.status)) return;

  const manage = await deps.manage();
  if (!manage.ok) throw new Error(manage.reason);
  const { context } = manage;

  // Any earlier run (a retry, or a dead press an admin revived, whose attempts restart at 1)
  // may have created the ticket before its answer was lost.
  const ranBefore = attempt > 1 || press.ranBefore;
  await markPressProcessing(deps.db, pressId, attempt);
  const facts = pressFactsFromPayload(press.payload);
  const outcome: PressOutcome = {
    attempt,
    steps: [],
    calls: [],
    submissionErrors: [],
    contact: null,
    ticket: null,
    fields: null,
    configuration: null,
    documents: [],
    fileErrors: [],
    rules: NO_RULE_TRACE,
  };

  try {
    await withManageCallLog(outcome.calls, async () => {
      const settings = await deps.loadSettings(deps.db);
      const [contact] = await timed(outcome.steps, 'contact', () =>
        // Warming is a head start for the names step, not a requirement: a table this press
        // does not need (members without an owner) must not fail it.
        Promise.all([resolveContact(context, settings, facts.email), context.tables.warm().catch(() => undefined)]),
      );
      outcome.contact = {
        id: contact.id,
        companyId: contact.companyId,
        companyName: contact.companyName,
        registered: contact.registered,
        name: contact.registered ? contact.name : null,
      };

      const run = await timed(outcome.steps, 'rules', () =>
        applyRules(deps.rules, settings.rulesSource, ruleVariablesFor(facts, settings, contact)),
      );
      outcome.rules = ruleTraceOf(run, deps.rules !== null && (settings.rulesSource ?? '').trim() !== '', settings.rulesVersion ?? null);
      const ruleError = describeRuleError(run);
      if (ruleError) outcome.submissionErrors.push(ruleError);
      if (run.refusal !== null) throw new PressRefused(run.refusal);

      const draft = await timed(outcome.steps, 'names', () =>
        draftTicket({
          tables: context.tables,
          defaults: settings.defaults,
          facts,
          contact,
          variables: run.after,
          pressId,
          publicUrl: deps.publicUrl,
          earlierErrors: outcome.submissionErrors,
        }),
      );
      outcome.submissionErrors = draft.submissionErrors;
      outcome.fields = draft.fields.used;
      const input = draft.input;

      const hostname = facts.host.hostname;
      const [{ ticket, reused }, configurations] = await timed(outcome.steps, 'ticket', () =>
        Promise.all([
          press.ticketId !== null
            ? Promise.resolve({ ticket: { id: press.ticketId } as ManageTicket, reused: true })
            : createTicketOnce(context, pressId, ranBefore, input, outcome.submissionErrors),
          hostname
            ? findActiveConfigurationsByHostname(context.client, contact.companyId, hostname)
            : Promise.resolve([] as ManageConfiguration[]),
        ]),
      );
      // Stored at once: from here on a retry continues with this ticket and never creates another.
      // The outcome so far goes with it: the "created" notification (next) and any early
      // callback read the matched contact's name from it.
      await recordPressTicket(deps.db, pressId, ticket.id, outcome);
      const created: CreatedTicket = {
        id: ticket.id,
        // A ticket reused from an earlier attempt is only an id here: our own draft says the rest.
        summary: ticket.summary ?? input.summary,
        statusId: ticket.statusId ?? null,
        statusName: ticket.statusName ?? null,
        ownerIdentifier: ticket.ownerIdentifier ?? null,
        ownerName: ticket.ownerName ?? null,
        enteredBy: ticket.enteredBy ?? null,
        lastUpdated: ticket.lastUpdated ?? null,
      };
      // At once, not after the uploads: a technician's change that calls back while files
      // are still uploading must find the baseline to compare with.
      if (deps.onTicketCreated) await deps.onTicketCreated(pressId, created);
      outcome.ticket = {
        id: ticket.id,
        number: String(ticket.id),
        reused,
        boardName: ticket.boardName ?? null,
        statusName: ticket.statusName ?? null,
      };

      const configuration = configurations[0];
      const linkedBefore = press.previousOutcome?.configuration ?? null;
      const files = await listPressFiles(deps.db, pressId);
      await timed(outcome.steps, 'documents+configuration', () =>
        Promise.all([
          uploadPressFiles(deps, context, ticket.id, files, outcome, reused || ranBefore),
          linkedBefore
            ? Promise.resolve(void (outcome.configuration = linkedBefore))
            : configuration
              ? linkConfiguration(context, ticket.id, configuration, outcome)
              : Promise.resolve(),
        ]),
      );
    });
  } catch (err) {
    if (err instanceof PressRefused) {
      await markPressRefused(deps.db, pressId, err.message, outcome);
      return;
    }
    await recordPressOutcome(deps.db, pressId, outcome);
    throw err;
  }

  await markPressTicketCreated(deps.db, pressId, outcome);
  // The pod's previews, once the press is done and never awaited: started beside the uploads
  // they made that step measurably slower on two cores (decoding competes with the pipeline).
  // Whatever this misses is made on first view.
  if (deps.makeThumbnails) void deps.makeThumbnails(pressId).catch(() => undefined);
}

/** True for a refusal Manage will repeat on every retry (content or permission, not load). */
function isFinalRefusal(err: unknown): err is ManageError {
  return isManageError(err) && err.status !== null && err.status >= 400 && err.status < 500 && err.status !== 429;
}

async function linkConfiguration(
  context: ManageContext,
  ticketId: number,
  configuration: ManageConfiguration,
  outcome: PressOutcome,
): Promise<void> {
  try {
    await linkConfigurationToTicket(context.client, ticketId, configuration.id);
    outcome.configuration = { id: configuration.id, name: configuration.name };
  } catch (err) {
    if (!isFinalRefusal(err)) throw err;
    outcome.configurationError = `Configuration '${configuration.name}' could not be linked: ${err.message}`;
  }
}

async function uploadPressFiles(
  deps: PressPipelineDeps,
  context: ManageContext,
  ticketId: number,
  files: StoredPressFile[],
  outcome: PressOutcome,
  mayExistAlready: boolean,
): Promise<void> {
  const pending = files.filter((f) => {
    if (f.manageDocumentId !== null) outcome.documents.push({ fileId: f.id, documentId: f.manageDocumentId });
    return f.manageDocumentId === null && f.removedAt === null;
  });
  // An upload whose answer was lost may have landed: on a retry, match what the ticket
  // already has (same title and size) before sending a file again.
  const existing = mayExistAlready && pending.length > 0 ? await listTicketDocuments(context.client, ticketId) : [];
  await forEachBounded(pending, deps.uploadConcurrency ?? 4, async (file) => {
    const title = documentTitle(file);
    const landed = existing.find((d) => d.title === title && d.size === file.size);
    if (landed) {
      await recordDocumentUpload(deps.db, file.id, landed.id);
      outcome.documents.push({ fileId: file.id, documentId: landed.id });
      return;
    }
    const bytes = await readPressFileBytes(deps.db, file.id);
    if (!bytes) return;
    try {
      const document = await uploadTicketDocument(context.client, {
        ticketId,
        filename: file.filename,
        contentType: file.contentType,
        bytes,
        title,
        privateFlag: true,
      });
      await recordDocumentUpload(deps.db, file.id, document.id);
      outcome.documents.push({ fileId: file.id, documentId: document.id });
    } catch (err) {
      // A file Manage will never take (type, size) is reported; anything else is retried.
      if (isFinalRefusal(err)) {
        outcome.fileErrors.push({ fileId: file.id, filename: file.filename, message: err.message });
        return;
      }
      throw err;
    }
  });
}
