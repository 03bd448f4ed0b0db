/**
 * Deskbell's view of Manage records: only the fields we use, flattened, with null for
 * "Manage did not say". Nothing outside lib/connectwise sees Manage's raw JSON.
 */

export type ManageLevel = 'Low' | 'Medium' | 'High';
export type ManageNamedRef = { id: number; name: string | null };

export type ManageSystemInfo = {
  version: string;
  isCloud: boolean;
  serverTimeZone: string | null;
  cloudRegion: string | null;
};

export type ManageCompany = {
  id: number;
  identifier: string;
  name: string;
  statusName: string | null;
  deleted: boolean;
};

export type ManageContact = {
  id: number;
  firstName: string;
  lastName: string;
  companyId: number | null;
  companyName: string | null;
  /** Email communication items, the default one first. */
  emails: string[];
  inactive: boolean;
};

export type ManageConfiguration = {
  id: number;
  name: string;
  deviceIdentifier: string | null;
  companyId: number | null;
  active: boolean;
  typeName: string | null;
  statusName: string | null;
};

export type ManageTicket = {
  id: number;
  summary: string;
  boardId: number | null;
  boardName: string | null;
  statusId: number | null;
  statusName: string | null;
  typeId: number | null;
  typeName: string | null;
  subTypeId: number | null;
  subTypeName: string | null;
  itemId: number | null;
  itemName: string | null;
  teamId: number | null;
  teamName: string | null;
  priorityId: number | null;
  priorityName: string | null;
  sourceId: number | null;
  sourceName: string | null;
  companyId: number | null;
  companyIdentifier: string | null;
  companyName: string | null;
  contactId: number | null;
  contactName: string | null;
  contactEmailAddress: string | null;
  ownerId: number | null;
  ownerIdentifier: string | null;
  impact: ManageLevel | null;
  severity: ManageLevel | null;
  externalXRef: string | null;
  closedFlag: boolean;
  ownerName: string | null;
  /** Manage's `_info`: when and by which member the ticket last changed, and who entered it. */
  lastUpdated: string | null;
  updatedBy: string | null;
  enteredBy: string | null;
};

export type ManageTicketNote = {
  id: number;
  ticketId: number | null;
  text: string;
  detail: boolean;
  internal: boolean;
  resolution: boolean;
  createdBy: string | null;
  dateCreated: string | null;
};

export type ManageDocument = {
  id: number;
  title: string | null;
  fileName: string | null;
  size: number | null;
  publicFlag: boolean | null;
  imageFlag: boolean;
};

export type ManageBoard = { id: number; name: string; inactive: boolean; projectFlag: boolean };
export type ManageBoardStatus = {
  id: number;
  name: string;
  boardId: number | null;
  sortOrder: number | null;
  defaultFlag: boolean;
  inactive: boolean;
  closedStatus: boolean;
};
export type ManageBoardType = { id: number; name: string; boardId: number | null; defaultFlag: boolean; inactive: boolean };
export type ManageBoardSubType = { id: number; name: string; boardId: number | null; inactive: boolean; typeAssociationIds: number[] };
export type ManageBoardItem = { id: number; name: string; boardId: number | null; inactive: boolean };
export type ManageBoardTeam = { id: number; name: string; boardId: number | null; defaultFlag: boolean };

export type ManagePriority = { id: number; name: string; sortOrder: number | null; defaultFlag: boolean; level: string | null };
export type ManageSource = { id: number; name: string; defaultFlag: boolean };
export type ManageImpact = { id: number; name: string; description: string | null; defaultFlag: boolean };
export type ManageSeverity = ManageImpact;

/** The SLA's impact x urgency -> priority matrix ("severity" is Manage's urgency axis). */
export type ManageSla = {
  id: number;
  name: string;
  defaultFlag: boolean;
  priorityMatrix: Record<ManageLevel, Record<ManageLevel, ManageNamedRef | null>>;
};

export type ManageMember = {
  id: number;
  identifier: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  inactive: boolean;
  licenseClass: string | null;
};

export type ManageCallback = {
  id: number;
  url: string;
  objectId: number;
  type: string;
  level: string;
  description: string | null;
  inactive: boolean;
  selfSuppressed: boolean;
  payloadVersion: string | null;
  memberId: number | null;
};

export type ManageHostedSetup = {
  id: number;
  screenId: number;
  description: string;
  url: string;
  type: 'Tab' | 'Pod' | 'ToolbarButton';
  origin: string | null;
  podHeight: number | null;
  disabled: boolean;
};

/** A security-role level, as Manage's role screen offers it ("My" = only the member's own records). */
export type ManageSecurityLevel = 'None' | 'My' | 'All';

/** One module/function row of a security role (System > Security Roles > role). */
export type ManageSecurityRoleSetting = {
  moduleIdentifier: string | null;
  /** "Companies", "Service Desk", "System", ... */
  moduleName: string | null;
  functionIdentifier: string | null;
  /** "Company Maintenance", "Service Tickets", ... */
  functionName: string | null;
  /** null when Manage left the level out. */
  add: ManageSecurityLevel | null;
  edit: ManageSecurityLevel | null;
  delete: ManageSecurityLevel | null;
  inquire: ManageSecurityLevel | null;
  /** The function has an allow-list (Table Setup's "customize"), which this row does not show. */
  customized: boolean;
};

/** The member the API keys belong to, with its security role when Manage names it. */
export type ManageOwnMember = {
  id: number;
  identifier: string;
  securityRole: ManageNamedRef | null;
};
