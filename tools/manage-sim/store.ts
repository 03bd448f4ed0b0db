/**
 * The simulator's in-memory records. Each collection holds raw Manage-shaped JSON objects
 * (what the API returns), keyed by id; tests may read, add and mutate them directly.
 */

export type JsonObject = { [key: string]: unknown };
export type SimRecord = JsonObject & { id: number };
export type Ref = { id: number; name?: string; identifier?: string; [key: string]: unknown };

export class SimCollection<T extends SimRecord = SimRecord> {
  private readonly byId = new Map<number, T>();
  private sorted: T[] | null = null;
  private nextId: number;

  constructor(
    readonly name: string,
    private readonly firstId = 1,
  ) {
    this.nextId = firstId;
  }

  /** Adds a record; without an id it gets the next free one. Returns the stored object. */
  insert(record: Omit<T, 'id'> & { id?: number }): T {
    const id = record.id ?? this.nextId;
    if (!Number.isInteger(id) || id <= 0) throw new Error(`${this.name}: id must be a positive integer`);
    if (this.byId.has(id)) throw new Error(`${this.name}: id ${id} already exists`);
    // id first, as Manage renders it.
    const stored = { id, ...record } as T;
    stored.id = id;
    this.byId.set(id, stored);
    if (id >= this.nextId) this.nextId = id + 1;
    this.sorted = null;
    return stored;
  }

  /** Reserves the next id without storing anything (for records built around their id). */
  allocateId(): number {
    return this.nextId++;
  }

  get(id: number): T | undefined {
    return this.byId.get(id);
  }

  /** All records in id order. The array is cached: do not mutate it. */
  list(): readonly T[] {
    if (!this.sorted) this.sorted = [...this.byId.values()].sort((a, b) => a.id - b.id);
    return this.sorted;
  }

  find(predicate: (record: T) => boolean): T | undefined {
    return this.list().find(predicate);
  }

  filter(predicate: (record: T) => boolean): T[] {
    return this.list().filter(predicate);
  }

  /** Replaces the record with the same id (which must exist). */
  replace(record: T): T {
    if (!this.byId.has(record.id)) throw new Error(`${this.name}: id ${record.id} does not exist`);
    this.byId.set(record.id, record);
    this.sorted = null;
    return record;
  }

  delete(id: number): boolean {
    const removed = this.byId.delete(id);
    if (removed) this.sorted = null;
    return removed;
  }

  clear(): void {
    this.byId.clear();
    this.sorted = null;
    this.nextId = this.firstId;
  }

  get size(): number {
    return this.byId.size;
  }
}

export type SimCompany = SimRecord & { identifier: string; name: string; status?: Ref; deletedFlag?: boolean };
export type SimContact = SimRecord & {
  firstName?: string;
  lastName?: string;
  company?: Ref;
  inactiveFlag?: boolean;
  communicationItems?: { id?: number; type?: Ref; value?: string; communicationType?: string; defaultFlag?: boolean }[];
};
export type SimConfiguration = SimRecord & { name: string; company: Ref; activeFlag?: boolean; deviceIdentifier?: string };
export type SimBoard = SimRecord & { name: string; inactiveFlag?: boolean };
export type SimBoardStatus = SimRecord & {
  name: string;
  board: Ref;
  sortOrder?: number;
  inactive?: boolean;
  closedStatus?: boolean;
  defaultFlag?: boolean;
};
export type SimBoardChild = SimRecord & { name: string; board?: Ref; boardId?: number; inactiveFlag?: boolean };
export type SimBoardSubType = SimBoardChild & { typeAssociationIds?: number[] };
export type SimPriority = SimRecord & { name: string; sortOrder?: number; defaultFlag?: boolean; level?: string };
export type SimNamed = SimRecord & { name: string; defaultFlag?: boolean };
export type SimSla = SimRecord & { name: string; defaultFlag?: boolean };
export type SimMember = SimRecord & {
  identifier: string;
  firstName: string;
  lastName: string;
  inactiveFlag?: boolean;
  licenseClass?: string;
  serviceDefaultBoard?: Ref;
  officeEmail?: string;
};
export type SimTicket = SimRecord & { summary: string; company: Ref; board?: Ref; status?: Ref; externalXRef?: string };
export type SimNote = SimRecord & { ticketId: number; text: string };
export type SimTicketConfiguration = SimRecord & { ticketId: number; configurationId: number };
/** DocumentInfo fields plus what only the simulator needs (stripped from responses). */
export type SimDocument = SimRecord & {
  title?: string;
  fileName?: string;
  size?: number;
  recordType: string;
  recordId: number;
  content: Buffer;
  contentType: string;
};
export type SimCallback = SimRecord & { url: string; objectId: number; type: string; level: string };
export type SimHostedSetup = SimRecord & { screenId: number; description: string; url: string; type: string };
/**
 * A Manage UI session a hosted pod can present (memberHash); accepted as Basic
 * `companyId+memberIdentifier:memberHash` or as cookies.
 */
export type SimMemberSession = SimRecord & { memberId: number; memberHash: string };

export type SimSettings = {
  /** The member the API keys belong to (licenseClass 'A'). */
  apiMemberId: number;
  companyName: string;
  systemInfo: JsonObject;
  nextCommunicationItemId: number;
};

export type SimStore = {
  companies: SimCollection<SimCompany>;
  companyStatuses: SimCollection<SimNamed>;
  companyTypes: SimCollection<SimNamed>;
  contacts: SimCollection<SimContact>;
  communicationTypes: SimCollection<SimNamed & { communicationType: string }>;
  configurations: SimCollection<SimConfiguration>;
  boards: SimCollection<SimBoard>;
  boardStatuses: SimCollection<SimBoardStatus>;
  boardTypes: SimCollection<SimBoardChild>;
  boardSubTypes: SimCollection<SimBoardSubType>;
  boardItems: SimCollection<SimBoardChild>;
  boardTeams: SimCollection<SimBoardChild>;
  priorities: SimCollection<SimPriority>;
  sources: SimCollection<SimNamed>;
  impacts: SimCollection<SimNamed>;
  severities: SimCollection<SimNamed>;
  slas: SimCollection<SimSla>;
  tickets: SimCollection<SimTicket>;
  ticketNotes: SimCollection<SimNote>;
  ticketConfigurations: SimCollection<SimTicketConfiguration>;
  documents: SimCollection<SimDocument>;
  callbacks: SimCollection<SimCallback>;
  hostedSetups: SimCollection<SimHostedSetup>;
  members: SimCollection<SimMember>;
  memberSessions: SimCollection<SimMemberSession>;
  settings: SimSettings;
};

/** First ids per collection: realistic magnitudes, and distinct so ids are not confused. */
export const FIRST_IDS = {
  companies: 250,
  contacts: 1001,
  configurations: 5001,
  tickets: 48201,
  ticketNotes: 910001,
  documents: 70001,
  callbacks: 101,
  hostedSetups: 31,
} as const;

export function createEmptyStore(): SimStore {
  return {
    companies: new SimCollection('companies', FIRST_IDS.companies),
    companyStatuses: new SimCollection('companyStatuses'),
    companyTypes: new SimCollection('companyTypes'),
    contacts: new SimCollection('contacts', FIRST_IDS.contacts),
    communicationTypes: new SimCollection('communicationTypes'),
    configurations: new SimCollection('configurations', FIRST_IDS.configurations),
    boards: new SimCollection('boards'),
    boardStatuses: new SimCollection('boardStatuses'),
    boardTypes: new SimCollection('boardTypes'),
    boardSubTypes: new SimCollection('boardSubTypes'),
    boardItems: new SimCollection('boardItems'),
    boardTeams: new SimCollection('boardTeams'),
    priorities: new SimCollection('priorities'),
    sources: new SimCollection('sources'),
    impacts: new SimCollection('impacts'),
    severities: new SimCollection('severities'),
    slas: new SimCollection('slas'),
    tickets: new SimCollection('tickets', FIRST_IDS.tickets),
    ticketNotes: new SimCollection('ticketNotes', FIRST_IDS.ticketNotes),
    ticketConfigurations: new SimCollection('ticketConfigurations'),
    documents: new SimCollection('documents', FIRST_IDS.documents),
    callbacks: new SimCollection('callbacks', FIRST_IDS.callbacks),
    hostedSetups: new SimCollection('hostedSetups', FIRST_IDS.hostedSetups),
    members: new SimCollection('members'),
    memberSessions: new SimCollection('memberSessions'),
    settings: { apiMemberId: 0, companyName: '', systemInfo: {}, nextCommunicationItemId: 1 },
  };
}

/** Empties every collection in place (so references held by tests stay valid). */
export function clearStore(store: SimStore): void {
  for (const value of Object.values(store)) {
    if (value instanceof SimCollection) value.clear();
  }
  store.settings.apiMemberId = 0;
  store.settings.companyName = '';
  store.settings.systemInfo = {};
  store.settings.nextCommunicationItemId = 1;
}

export function isoSeconds(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A clock for `_info.lastUpdated` of changed tickets: ISO with milliseconds, strictly
 * increasing (bumped by 1 ms when two changes fall in the same millisecond) and always later
 * than `after` (the previous value), so a record's lastUpdated never goes backwards.
 */
export function createChangeClock(): (after?: unknown) => string {
  let last = 0;
  return (after?: unknown) => {
    let next = Math.max(Date.now(), last + 1);
    const previous = typeof after === 'string' ? Date.parse(after) : Number.NaN;
    if (Number.isFinite(previous) && previous >= next) next = previous + 1;
    last = next;
    return new Date(next).toISOString();
  };
}
