/**
 * What the presses dashboard and the press report show, as plain data. The report
 * components (components/report) take these shapes as props and fetch nothing, so the
 * Manage pod can feed them from its own routes later. Type-only: safe for client bundles.
 */
import type { PressStatus } from '@/lib/store/schema';

export type { PressStatus };

export const PRESS_STATUSES = ['queued', 'processing', 'retrying', 'ticket_created', 'refused', 'dead'] as const satisfies readonly PressStatus[];

/** One row of the dashboard list. */
export type PressListItem = {
  id: string;
  status: PressStatus;
  receivedAt: string;
  /** Null until Manage answered: the company of the contact the press was filed under. */
  companyName: string | null;
  /** The person as typed on the press, else the name of the Manage contact its email matched. */
  contactName: string | null;
  contactEmail: string | null;
  /** False when the email matched no Manage contact and the catch-all contact was used; null before the contact step ran. */
  registered: boolean | null;
  hostname: string | null;
  messagePreview: string;
  ticketId: number | null;
  ticketNumber: string | null;
  /** The ticket in Manage's UI; null when there is no ticket or no Manage connection to link to. */
  ticketUrl: string | null;
  ticketCreatedAt: string | null;
  /** ticketCreatedAt - receivedAt, in milliseconds. */
  msToTicket: number | null;
  attempt: number;
  /** Why the last attempt failed, while the press waits for another; null otherwise. */
  retryReason: string | null;
  /** When the next attempt is due, while retrying. */
  nextAttemptAt: string | null;
  /** A stopped press that waits for an admin (a Manage permission or the connection): the fix in words. */
  needsAdminReason: string | null;
};

export type PressListPage = {
  items: PressListItem[];
  /** Opaque; pass back as `cursor` for the next (older) page. Null on the last page. */
  nextCursor: string | null;
};

export type PressDayStat = {
  /** UTC day, YYYY-MM-DD. */
  date: string;
  presses: number;
  ticketed: number;
  /** Median of ticket_created_at - received_at over that day's ticketed presses. */
  medianMsToTicket: number | null;
};

export type PressStats = {
  days: PressDayStat[];
  total: number;
  medianMsToTicket: number | null;
};

export type ManageCallView = {
  method: string;
  path: string;
  status: number | null;
  ms: number;
  attempt: number;
  error?: string;
};

export type PipelineStepView = { name: string; ms: number };

export type RuleTraceValue = string | number | boolean | null;

export type RuleTraceView = {
  refusal: string | null;
  error: { type: string; message: string; line: number | null } | null;
  output: string;
  durationMs: number;
  changed: string[];
  /** Recorded since versioned rules (rule version warnings); absent on older presses. */
  warnings?: string[];
  before?: Record<string, RuleTraceValue> | null;
  after?: Record<string, RuleTraceValue> | null;
  version?: number | null;
};

/** The same shapes the ticket's internal note is written from. */
export type HostDetails = {
  hostname?: string;
  username?: string;
  domain?: string;
  localIp?: string;
  mac?: string;
  os?: string;
  agentVersion?: string;
};

export type RegistrationRequest = {
  name?: string;
  email?: string;
  phone?: string;
  extension?: string;
  cell?: string;
  businessName?: string;
};

export type HostDetailsView = HostDetails;
export type PressPersonView = RegistrationRequest;

export type ScreenshotView = {
  id: string;
  /** Where the full image is served; the caller decides (admin route, pod route with a token). */
  src: string;
  /** A smaller image for the thumbnail strip; the full image is used when absent. */
  thumbnailSrc?: string;
  filename: string;
  width: number | null;
  height: number | null;
  capturedAt: string | null;
  monitor: number | null;
  /** Set when retention removed the bytes; `src` then serves nothing. */
  removedAt: string | null;
};

export type AttachmentView = {
  id: string;
  href: string;
  filename: string;
  contentType: string;
  size: number;
  removedAt: string | null;
};

export type FileErrorView = { filename: string; message: string };

export type TimelineEventKind =
  | 'received'
  | 'processing'
  | 'retrying'
  | 'ticket_created'
  | 'refused'
  | 'dead'
  | 'files_removed'
  // What happened to the ticket in Manage afterwards (from callbacks), and who was told.
  | 'status_changed'
  | 'note_added'
  | 'internal_note'
  | 'assigned'
  | 'closed';

export type TimelineEvent = {
  kind: TimelineEventKind;
  /** ISO time; null when the moment is not recorded (e.g. the start of processing). */
  at: string | null;
  label: string;
  detail?: string;
};

export type RetryInfo = {
  attempt: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  deadReason: string | null;
};

/** Everything the report page shows about one press, built from two queries (no file bytes). */
export type PressReport = {
  id: string;
  status: PressStatus;
  receivedAt: string;
  updatedAt: string;
  ticketCreatedAt: string | null;
  msToTicket: number | null;
  person: PressPersonView;
  registered: boolean | null;
  companyName: string | null;
  message: string;
  selections: string[];
  append: string[];
  custom: Record<string, string | number | boolean>;
  host: HostDetailsView;
  ticket: { id: number; number: string; url: string | null; boardName: string | null; statusName: string | null; reused: boolean } | null;
  configuration: { id: number; name: string } | null;
  refusedMessage: string | null;
  retry: RetryInfo;
  screenshots: ScreenshotView[];
  attachments: AttachmentView[];
  filesRemovedAt: string | null;
  submissionErrors: string[];
  fileErrors: FileErrorView[];
  configurationError: string | null;
  rules: RuleTraceView | null;
  calls: ManageCallView[];
  steps: PipelineStepView[];
  /** The attempt the recorded calls and steps belong to. */
  outcomeAttempt: number | null;
  timeline: TimelineEvent[];
};

/**
 * One event on a press's ticket (from Manage's callbacks, or "created") with what was sent
 * for it. Notifications record them; the report and the pod show them in the timeline.
 */
export type TicketEventEntry = {
  id: string;
  kind: 'created' | 'status_changed' | 'note_added' | 'assigned' | 'closed';
  actor: string | null;
  internal: boolean;
  occurredAt: string;
  details: { fromStatus?: string | null; toStatus?: string | null; owner?: string | null; noteId?: number; noteText?: string };
  notifications: { channel: string; status: string; deliveredAt: string | null; acknowledgedAt: string | null; lastError: string | null }[];
};
