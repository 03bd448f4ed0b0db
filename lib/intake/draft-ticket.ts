import 'server-only';
import type { CreateTicketInput } from '@/lib/connectwise/tickets';
import type { RuleVariables } from '@/lib/rules/engine/rule-engine';
import type { TicketDefaults } from '@/lib/settings/intake-settings';
import type { PressFacts } from './press-facts';
import { resolveTicketFields, type ResolvedTicketFields, type LookupTableReader } from './resolve-ticket-fields';
import { formatDescription, formatInternalAnalysis, summaryFromSubject } from './ticket-text';

export type PressContact = {
  id: number;
  companyId: number;
  companyName: string | null;
  registered: boolean;
  name: string | null;
};

export type TicketDraft = {
  input: CreateTicketInput;
  fields: ResolvedTicketFields;
  /** Everything to report under [Submission Errors], earlier steps' first. */
  submissionErrors: string[];
};

/**
 * The ticket a press becomes, from the values after the rules: names resolved on the final
 * board, the text, the internal note. The pipeline sends it; the setup wizard's preview shows
 * it, so what an admin previews is what a press creates.
 */
export async function draftTicket(args: {
  tables: LookupTableReader;
  defaults: TicketDefaults;
  facts: PressFacts;
  contact: PressContact;
  variables: RuleVariables;
  pressId: string;
  publicUrl: string;
  earlierErrors: readonly string[];
}): Promise<TicketDraft> {
  const { facts, contact, variables: v } = args;
  const { fields, submissionErrors: resolutionErrors } = await resolveTicketFields(
    args.tables,
    {
      board: v.board,
      state: v.state,
      type: v.type,
      subtype: v.subtype,
      item: v.item,
      team: v.team,
      priority: v.priority,
      source: v.source,
      owner: v.owner,
      impact: v.impact,
      urgency: v.urgency,
    },
    args.defaults,
  );
  const submissionErrors = [...args.earlierErrors, ...resolutionErrors];
  const input: CreateTicketInput = {
    summary: summaryFromSubject(v.subject, v.msg),
    company: { id: contact.companyId },
    contactId: contact.id,
    // The catch-all contact is not the person who pressed: keep who they said they are.
    ...(contact.registered ? {} : { contactName: facts.name, contactEmailAddress: facts.email }),
    boardId: fields.boardId,
    statusId: fields.statusId,
    typeId: fields.typeId,
    subTypeId: fields.subTypeId,
    itemId: fields.itemId,
    teamId: fields.teamId,
    priorityId: fields.priorityId,
    sourceId: fields.sourceId,
    owner: fields.ownerId === undefined ? undefined : { id: fields.ownerId },
    impact: fields.impact,
    severity: fields.severity,
    externalXRef: args.pressId,
    initialDescription: formatDescription(v.msg, [v.append]),
    initialInternalAnalysis: formatInternalAnalysis({
      reportUrl: `${args.publicUrl.replace(/\/$/, '')}/presses/${args.pressId}`,
      host: facts.host,
      registration: contact.registered ? undefined : facts.registration,
      privAppend: [v.priv_append],
      submissionErrors,
    }),
  };
  return { input, fields, submissionErrors };
}
