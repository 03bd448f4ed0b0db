/**
 * Deterministic demo data for a believable MSP ("Harborview Technology Partners") and its
 * clients. Everything is generated here in code; the same seed gives the same ids and values.
 */
import { SEED_TIME, SERVER_VERSION } from './constants';
import type { SimContext } from './context';
import { createTicket } from './resources/tickets';
import { SECURITY_ROLES } from './security-roles';
import type { SimBoard, SimCompany, SimContact, SimMember, SimStore } from './store';

export type SeedName = 'demo' | 'empty';

/** Stable UUIDs for seeded records (version-4 layout, counter in the node field). */
function seedGuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

const info = (extra: Record<string, string> = {}) => ({
  lastUpdated: SEED_TIME,
  updatedBy: 'jsmith',
  dateEntered: SEED_TIME,
  enteredBy: 'jsmith',
  ...extra,
});

const LOCATION = { id: 2, name: 'Portland' };
const DEPARTMENT = { id: 10, identifier: 'SVC', name: 'Service' };
const TIME_ZONE = { id: 3, name: 'Pacific Standard Time' };
const COUNTRY = { id: 1, identifier: 'US', name: 'United States' };
type MemberSeed = {
  identifier: string;
  firstName: string;
  lastName: string;
  title: string;
  role: keyof typeof SECURITY_ROLES;
  licenseClass: 'F' | 'A';
  inactive?: boolean;
};

const MEMBERS: MemberSeed[] = [
  { identifier: 'jsmith', firstName: 'John', lastName: 'Smith', title: 'Service Manager', role: 'admin', licenseClass: 'F' },
  { identifier: 'akhan', firstName: 'Aisha', lastName: 'Khan', title: 'Help Desk Technician', role: 'technician', licenseClass: 'F' },
  { identifier: 'mgarcia', firstName: 'Miguel', lastName: 'Garcia', title: 'Senior Engineer', role: 'technician', licenseClass: 'F' },
  { identifier: 'lchen', firstName: 'Li', lastName: 'Chen', title: 'Project Engineer', role: 'technician', licenseClass: 'F' },
  { identifier: 'tnguyen', firstName: 'Tam', lastName: 'Nguyen', title: 'NOC Analyst', role: 'technician', licenseClass: 'F' },
  { identifier: 'rjones', firstName: 'Rachel', lastName: 'Jones', title: 'Former Technician', role: 'technician', licenseClass: 'F', inactive: true },
  { identifier: 'deskbell', firstName: 'Deskbell', lastName: 'Integration', title: 'API Member', role: 'api', licenseClass: 'A' },
  // Appended so the ids of the members above stay as they were.
  { identifier: 'kbrooks', firstName: 'Kim', lastName: 'Brooks', title: 'Account Manager', role: 'sales', licenseClass: 'F' },
];

/** The member the demo API keys belong to; present in every seed. */
export const API_MEMBER_IDENTIFIER = 'deskbell';
/** A pod (hosted API) session for jsmith in the demo seed. */
export const DEMO_MEMBER_SESSION = { memberIdentifier: 'jsmith', memberHash: 'demo-hash-jsmith-7f3a9c' } as const;
/** A pod session for kbrooks (security role Sales: no service tickets) in the demo seed. */
export const DEMO_LIMITED_MEMBER_SESSION = { memberIdentifier: 'kbrooks', memberHash: 'demo-hash-kbrooks-4d82e1' } as const;

function seedMembers(ctx: SimContext, only?: string): void {
  const { store, refs } = ctx;
  MEMBERS.forEach((m, index) => {
    if (only && m.identifier !== only) return;
    const id = index + 1;
    store.members.insert({
      id,
      identifier: m.identifier,
      disableOnlineFlag: false,
      licenseClass: m.licenseClass,
      employeeIdentifer: `E${String(100 + id)}`,
      enableMobileGpsFlag: false,
      inactiveFlag: m.inactive === true,
      ...(m.inactive ? { inactiveDate: '2025-06-30T00:00:00Z' } : {}),
      firstName: m.firstName,
      lastName: m.lastName,
      hireDate: `20${String(15 + index).padStart(2, '0')}-03-01T00:00:00Z`,
      country: COUNTRY,
      officeEmail: `${m.identifier}@harborview-tech.example`,
      primaryEmail: `${m.identifier}@harborview-tech.example`,
      defaultEmail: 'Office',
      officePhone: `503555${String(1100 + id).slice(-4)}`,
      defaultPhone: 'Office',
      securityRole: { ...SECURITY_ROLES[m.role] },
      title: m.title,
      enableMobileFlag: m.licenseClass === 'F',
      type: { id: m.licenseClass === 'A' ? 3 : 1, name: m.licenseClass === 'A' ? 'API' : 'Employee' },
      timeZone: TIME_ZONE,
      adminFlag: m.role === 'admin',
      defaultLocation: LOCATION,
      defaultDepartment: DEPARTMENT,
      workRole: { id: 4, name: 'Technician' },
      dailyCapacity: 8,
      requireTimeSheetEntryFlag: m.licenseClass === 'F',
      requireExpenseEntryFlag: false,
      serviceDefaultLocation: LOCATION,
      serviceDefaultDepartment: DEPARTMENT,
      excludedServiceBoardIds: [],
      teams: [],
      serviceBoardTeamIds: [],
      _info: { lastUpdated: SEED_TIME, updatedBy: 'jsmith', image_href: refs.href(`/system/members/${id}/image`) },
      customFields: [],
    } as Omit<SimMember, 'id'>);
  });
}

function seedSystem(store: SimStore, companyName: string): void {
  store.settings.companyName = companyName;
  store.settings.systemInfo = {
    version: SERVER_VERSION,
    isCloud: false,
    serverTimeZone: 'Pacific Standard Time',
    licenseBits: [
      { name: 'Service', activeFlag: true },
      { name: 'Hosted API', activeFlag: true },
      { name: 'Callbacks', activeFlag: true },
      { name: 'Procurement', activeFlag: false },
    ],
    maxWorkFlowRecordsAllowed: 1000,
  };
  store.communicationTypes.insert({ id: 1, name: 'Email', communicationType: 'Email', defaultFlag: true });
  store.communicationTypes.insert({ id: 2, name: 'Direct', communicationType: 'Phone', defaultFlag: true });
  store.communicationTypes.insert({ id: 3, name: 'Cell', communicationType: 'Phone' });
  store.communicationTypes.insert({ id: 4, name: 'Fax', communicationType: 'Fax', defaultFlag: true });
}

type CompanySeed = {
  identifier: string;
  name: string;
  address: [string, string, string, string];
  phone: string;
  website?: string;
  type: number;
  status?: number;
  employees: number;
};

const COMPANIES: CompanySeed[] = [
  { identifier: 'HarborviewTech', name: 'Harborview Technology Partners', address: ['1200 NW Naito Pkwy, Suite 400', 'Portland', 'OR', '97209'], phone: '5035551100', website: 'https://harborview-tech.example', type: 2, employees: 24 },
  { identifier: 'AcmeMfg', name: 'Acme Manufacturing Co.', address: ['4410 Industrial Blvd', 'Dayton', 'OH', '45414'], phone: '9375550142', website: 'https://acme-mfg.example', type: 1, employees: 180 },
  { identifier: 'NorthwindDental', name: 'Northwind Dental Group', address: ['88 Pike St, Floor 3', 'Seattle', 'WA', '98101'], phone: '2065550199', website: 'https://northwinddental.example', type: 1, employees: 35 },
  { identifier: 'ContosoLegal', name: 'Contoso Legal LLP', address: ['1 Federal St', 'Boston', 'MA', '02110'], phone: '6175550123', website: 'https://contosolegal.example', type: 1, employees: 60 },
  { identifier: 'FabrikamLogistics', name: 'Fabrikam Logistics', address: ['2900 Airways Blvd', 'Memphis', 'TN', '38116'], phone: '9015550177', website: 'https://fabrikam-logistics.example', type: 1, employees: 240 },
  { identifier: 'RiverbendVet', name: 'Riverbend Veterinary Clinic', address: ['615 W Bannock St', 'Boise', 'ID', '83702'], phone: '2085550110', type: 1, employees: 18 },
  { identifier: 'SummitCPA', name: 'Summit Accounting Partners', address: ['1660 Lincoln St, Suite 2100', 'Denver', 'CO', '80264'], phone: '3035550166', website: 'https://summitcpa.example', type: 1, employees: 42 },
  { identifier: 'UnregisteredUsers', name: 'Unregistered Users', address: ['1200 NW Naito Pkwy, Suite 400', 'Portland', 'OR', '97209'], phone: '5035551100', type: 1, employees: 0 },
  { identifier: 'OldTownBakery', name: 'Old Town Bakery', address: ['31 NW 1st Ave', 'Portland', 'OR', '97209'], phone: '5035550133', type: 1, status: 2, employees: 9 },
];

type ContactSeed = {
  company: string;
  firstName: string;
  lastName: string;
  title: string;
  emails: string[];
  phone?: string;
  inactive?: boolean;
  primary?: boolean;
};

const CONTACTS: ContactSeed[] = [
  { company: 'AcmeMfg', firstName: 'Dana', lastName: 'Whitfield', title: 'Office Manager', emails: ['dana.whitfield@acme-mfg.example'], phone: '9375550143', primary: true },
  { company: 'AcmeMfg', firstName: 'Marcus', lastName: 'Lee', title: 'Plant Supervisor', emails: ['marcus.lee@acme-mfg.example', 'marcus.lee.home@mail.example'], phone: '9375550144' },
  { company: 'AcmeMfg', firstName: 'Priya', lastName: 'Raman', title: 'Controller', emails: ['Priya.Raman@Acme-Mfg.example'] },
  { company: 'AcmeMfg', firstName: 'Tom', lastName: 'Becker', title: 'Former Buyer', emails: ['tom.becker@acme-mfg.example'], inactive: true },
  { company: 'NorthwindDental', firstName: 'Grace', lastName: 'Holloway', title: 'Practice Manager', emails: ['grace.holloway@northwinddental.example'], phone: '2065550198', primary: true },
  { company: 'NorthwindDental', firstName: 'Victor', lastName: 'Osei', title: 'Dentist', emails: ['victor.osei@northwinddental.example'] },
  { company: 'NorthwindDental', firstName: 'Front', lastName: 'Desk', title: 'Reception', emails: ['frontdesk@northwinddental.example'], phone: '2065550190' },
  { company: 'ContosoLegal', firstName: 'Elena', lastName: 'Petrova', title: 'Managing Partner', emails: ['epetrova@contosolegal.example'], primary: true },
  { company: 'ContosoLegal', firstName: 'James', lastName: "O'Connor", title: 'Paralegal', emails: ["james.o'connor@contosolegal.example"] },
  { company: 'ContosoLegal', firstName: 'Aiko', lastName: 'Tanaka', title: 'IT Liaison', emails: ['aiko.tanaka@contosolegal.example'], phone: '6175550124' },
  { company: 'FabrikamLogistics', firstName: 'Luis', lastName: 'Ortega', title: 'Warehouse Lead', emails: ['luis.ortega@fabrikam-logistics.example'], primary: true },
  { company: 'FabrikamLogistics', firstName: 'Nora', lastName: 'Jensen', title: 'Dispatcher', emails: ['nora.jensen@fabrikam-logistics.example'], phone: '9015550178' },
  { company: 'RiverbendVet', firstName: 'Sam', lastName: 'Patel', title: 'Veterinarian', emails: ['dr.patel@riverbendvet.example'], primary: true },
  { company: 'RiverbendVet', firstName: 'Olivia', lastName: 'Brooks', title: 'Receptionist', emails: ['reception@riverbendvet.example'] },
  { company: 'SummitCPA', firstName: 'Hannah', lastName: 'Kim', title: 'Partner', emails: ['hannah.kim@summitcpa.example'], primary: true },
  { company: 'SummitCPA', firstName: 'David', lastName: 'Alvarez', title: 'Senior Accountant', emails: ['david.alvarez@summitcpa.example'], phone: '3035550167' },
  { company: 'UnregisteredUsers', firstName: 'Unregistered', lastName: 'User', title: 'Catch-all contact', emails: ['unregistered@helpdeskbuttons.com'], primary: true },
  { company: 'HarborviewTech', firstName: 'Support', lastName: 'Desk', title: 'Help Desk', emails: ['support@harborview-tech.example'], phone: '5035551100', primary: true },
];

type ConfigurationSeed = {
  company: string;
  name: string;
  type: number;
  active: boolean;
  deviceIdentifier?: string;
  contact?: string;
  os: string;
  ip: string;
};

const CONFIGURATION_TYPES: Record<number, string> = { 1: 'Workstation', 2: 'Laptop', 3: 'Server', 4: 'Firewall', 5: 'Printer' };
const WIN11 = 'Windows 11 Pro';
const SRV = 'Windows Server 2022 Standard';

const CONFIGURATIONS: ConfigurationSeed[] = [
  { company: 'AcmeMfg', name: 'ACME-PC-01', type: 1, active: true, deviceIdentifier: 'ACME-PC-01', contact: 'dana.whitfield@acme-mfg.example', os: WIN11, ip: '10.20.1.21' },
  { company: 'AcmeMfg', name: 'ACME-PC-02', type: 1, active: false, deviceIdentifier: 'ACME-PC-02', os: 'Windows 10 Pro', ip: '10.20.1.22' },
  { company: 'AcmeMfg', name: 'ACME-PC-02', type: 1, active: true, deviceIdentifier: 'ACME-PC-02', contact: 'marcus.lee@acme-mfg.example', os: WIN11, ip: '10.20.1.23' },
  { company: 'AcmeMfg', name: 'ACME-LT-07', type: 2, active: true, deviceIdentifier: 'acme-lt-07.acme.local', contact: 'Priya.Raman@Acme-Mfg.example', os: WIN11, ip: '10.20.1.57' },
  { company: 'AcmeMfg', name: 'ACME-SRV-01', type: 3, active: true, deviceIdentifier: 'acme-srv-01.acme.local', os: SRV, ip: '10.20.0.10' },
  { company: 'AcmeMfg', name: 'ACME-FW-01', type: 4, active: true, os: 'FortiOS 7.4', ip: '10.20.0.1' },
  { company: 'NorthwindDental', name: 'Reception PC', type: 1, active: true, deviceIdentifier: 'NWD-FRONT-01', contact: 'frontdesk@northwinddental.example', os: WIN11, ip: '192.168.10.31' },
  { company: 'NorthwindDental', name: 'NWD-OP-02', type: 1, active: true, deviceIdentifier: 'NWD-OP-02', contact: 'victor.osei@northwinddental.example', os: WIN11, ip: '192.168.10.42' },
  { company: 'NorthwindDental', name: 'NWD-XRAY-01', type: 1, active: false, deviceIdentifier: 'NWD-XRAY-01', os: 'Windows 10 IoT Enterprise', ip: '192.168.10.60' },
  { company: 'NorthwindDental', name: 'FRONTDESK-PC', type: 1, active: true, deviceIdentifier: 'FRONTDESK-PC', os: WIN11, ip: '192.168.10.32' },
  { company: 'ContosoLegal', name: 'CONTOSO-LT-14', type: 2, active: true, deviceIdentifier: 'CONTOSO-LT-14.contoso.local', contact: 'aiko.tanaka@contosolegal.example', os: WIN11, ip: '172.16.4.114' },
  { company: 'ContosoLegal', name: 'CONTOSO-DC01', type: 3, active: true, deviceIdentifier: 'contoso-dc01.contoso.local', os: SRV, ip: '172.16.4.10' },
  { company: 'FabrikamLogistics', name: 'FAB-WH-SCAN-03', type: 1, active: true, deviceIdentifier: 'FAB-WH-SCAN-03', contact: 'luis.ortega@fabrikam-logistics.example', os: 'Windows 10 IoT Enterprise', ip: '10.8.3.103' },
  { company: 'FabrikamLogistics', name: 'FAB-OFFICE-01', type: 1, active: true, deviceIdentifier: 'FAB-OFFICE-01', contact: 'nora.jensen@fabrikam-logistics.example', os: WIN11, ip: '10.8.1.11' },
  { company: 'FabrikamLogistics', name: 'FAB-PRN-02', type: 5, active: true, os: 'HP FutureSmart 5', ip: '10.8.1.250' },
  { company: 'RiverbendVet', name: 'FRONTDESK-PC', type: 1, active: true, deviceIdentifier: 'FRONTDESK-PC', contact: 'reception@riverbendvet.example', os: WIN11, ip: '192.168.1.20' },
  { company: 'RiverbendVet', name: 'RBV-SURGERY-02', type: 1, active: true, deviceIdentifier: 'RBV-SURGERY-02', contact: 'dr.patel@riverbendvet.example', os: WIN11, ip: '192.168.1.32' },
  { company: 'SummitCPA', name: 'SUMMIT-PC-01', type: 1, active: true, deviceIdentifier: 'SUMMIT-PC-01', contact: 'hannah.kim@summitcpa.example', os: WIN11, ip: '10.50.0.21' },
  { company: 'SummitCPA', name: 'SUMMIT-PC-02', type: 1, active: false, deviceIdentifier: 'SUMMIT-PC-02', os: 'Windows 10 Pro', ip: '10.50.0.22' },
  { company: 'SummitCPA', name: 'SUMMIT-LT-03', type: 2, active: true, deviceIdentifier: 'summit-lt-03.summitcpa.local', contact: 'david.alvarez@summitcpa.example', os: WIN11, ip: '10.50.0.63' },
];

type BoardSeed = {
  name: string;
  statuses: { name: string; closed?: boolean; default?: boolean; inactive?: boolean; escalation: string }[];
  types: { name: string; category: 'Reactive' | 'Proactive'; default?: boolean }[];
  subTypes: { name: string; onlyTypes?: string[] }[];
  items: string[];
  teams: { name: string; leader: string; members: string[]; default?: boolean }[];
};

const STANDARD_TYPES: BoardSeed['types'] = [
  { name: 'Incident', category: 'Reactive', default: true },
  { name: 'Service Request', category: 'Proactive' },
  { name: 'Problem', category: 'Reactive' },
];

const BOARDS: BoardSeed[] = [
  {
    name: 'Help Desk',
    statuses: [
      { name: 'New', default: true, escalation: 'NotResponded' },
      { name: 'In Progress', escalation: 'Responded' },
      { name: 'Waiting on Client', escalation: 'Responded' },
      { name: 'Scheduled', escalation: 'ResolutionPlan' },
      { name: 'Escalated', inactive: true, escalation: 'Responded' },
      { name: 'Completed', closed: true, escalation: 'Resolved' },
      { name: 'Closed', closed: true, escalation: 'Resolved' },
    ],
    types: STANDARD_TYPES,
    subTypes: [
      { name: 'Hardware' },
      { name: 'Software' },
      { name: 'Network' },
      { name: 'Email' },
      { name: 'Printing' },
      { name: 'Account Access', onlyTypes: ['Service Request'] },
    ],
    items: ['Workstation', 'Laptop', 'Server', 'Printer', 'Mobile Device'],
    teams: [
      { name: 'Tier 1', leader: 'akhan', members: ['akhan', 'jsmith'], default: true },
      { name: 'Tier 2', leader: 'mgarcia', members: ['mgarcia'] },
    ],
  },
  {
    name: 'Professional Services',
    statuses: [
      { name: 'New', default: true, escalation: 'NotResponded' },
      { name: 'Scheduled', escalation: 'ResolutionPlan' },
      { name: 'In Progress', escalation: 'Responded' },
      { name: 'Waiting on Client', escalation: 'Responded' },
      { name: 'Completed', closed: true, escalation: 'Resolved' },
    ],
    types: STANDARD_TYPES,
    subTypes: [{ name: 'Hardware' }, { name: 'Software' }, { name: 'Network' }],
    items: ['Workstation', 'Server', 'Network Equipment'],
    teams: [{ name: 'Projects', leader: 'lchen', members: ['lchen', 'mgarcia'], default: true }],
  },
  {
    name: 'Alerts',
    statuses: [
      { name: 'New', default: true, escalation: 'NotResponded' },
      { name: 'In Progress', escalation: 'Responded' },
      { name: 'Waiting on Client', escalation: 'Responded' },
      { name: 'Completed', closed: true, escalation: 'Resolved' },
    ],
    types: [...STANDARD_TYPES, { name: 'Alert', category: 'Reactive' }],
    subTypes: [{ name: 'Backup' }, { name: 'Disk Space' }, { name: 'Offline' }],
    items: ['Server', 'Firewall'],
    teams: [{ name: 'NOC', leader: 'tnguyen', members: ['tnguyen'], default: true }],
  },
];

function seedBoards(ctx: SimContext): SimBoard[] {
  const { store, refs } = ctx;
  const memberId = (identifier: string) => store.members.find((m) => m.identifier === identifier)!.id;
  return BOARDS.map((seed, index) => {
    const board = store.boards.insert({
      id: index + 1,
      name: seed.name,
      location: LOCATION,
      department: DEPARTMENT,
      inactiveFlag: false,
      sendToContactFlag: false,
      sendToResourceFlag: false,
      projectFlag: false,
      billTicketsAfterClosedFlag: false,
      billTicketSeparatelyFlag: false,
      billUnapprovedTimeExpenseFlag: false,
      overrideBillingSetupFlag: false,
      dispatchMember: refs.member(store.members.find((m) => m.identifier === seed.teams[0]!.leader)!),
      serviceManagerMember: refs.member(store.members.find((m) => m.identifier === 'jsmith')!),
      billTime: 'Billable',
      billExpense: 'Billable',
      billProduct: 'Billable',
      autoAssignNewTicketsFlag: false,
      autoAssignNewECTicketsFlag: false,
      autoAssignNewPortalTicketsFlag: false,
      discussionsLockedFlag: false,
      timeEntryLockedFlag: false,
      closedLoopDiscussionsFlag: false,
      closedLoopResolutionFlag: false,
      closedLoopInternalAnalysisFlag: false,
      timeEntryDiscussionFlag: false,
      timeEntryResolutionFlag: false,
      timeEntryInternalAnalysisFlag: false,
      problemSort: 'Ascending',
      resolutionSort: 'Ascending',
      internalAnalysisSort: 'Ascending',
      emailConnectorAllowReopenClosedFlag: false,
      useMemberDisplayNameFlag: false,
      sendToCCFlag: false,
      autoAssignTicketOwnerFlag: false,
      closedLoopAllFlag: false,
      allSort: 'Ascending',
      markFirstNoteIssueFlag: false,
      restrictBoardByDefaultFlag: false,
      sendToBundledFlag: false,
      _info: info(),
    });
    const boardRef = refs.board(board);
    seed.statuses.forEach((status, sortOrder) => {
      store.boardStatuses.insert({
        name: status.name,
        board: boardRef,
        sortOrder,
        displayOnBoard: !status.closed,
        inactive: status.inactive === true,
        closedStatus: status.closed === true,
        timeEntryNotAllowed: false,
        roundRobinCatchall: false,
        defaultFlag: status.default === true,
        escalationStatus: status.escalation,
        customerPortalFlag: true,
        customerPortalDescription: status.name,
        saveTimeAsNote: false,
        parentId: board.id,
        _info: info(),
      });
    });
    const typeIds = new Map<string, number>();
    for (const type of seed.types) {
      const record = store.boardTypes.insert({
        name: type.name,
        category: type.category,
        defaultFlag: type.default === true,
        inactiveFlag: false,
        requestForChangeFlag: false,
        board: boardRef,
        location: LOCATION,
        department: DEPARTMENT,
        parentId: board.id,
        _info: info(),
      });
      typeIds.set(type.name, record.id);
    }
    for (const subType of seed.subTypes) {
      store.boardSubTypes.insert({
        name: subType.name,
        inactiveFlag: false,
        typeAssociationIds: (subType.onlyTypes ?? seed.types.map((t) => t.name)).map((n) => typeIds.get(n)!),
        addAllTypesFlag: subType.onlyTypes === undefined,
        removeAllTypesFlag: false,
        board: boardRef,
        parentId: board.id,
        _info: info(),
      });
    }
    for (const item of seed.items) {
      store.boardItems.insert({ name: item, inactiveFlag: false, board: boardRef, parentId: board.id, _info: info() });
    }
    for (const team of seed.teams) {
      store.boardTeams.insert({
        name: team.name,
        teamLeader: refs.member(store.members.get(memberId(team.leader))!),
        members: team.members.map(memberId),
        defaultFlag: team.default === true,
        notifyOnTicketDelete: false,
        defaultRoundRobinFlag: false,
        roundRobinFlag: false,
        boardId: board.id,
        locationId: LOCATION.id,
        businessUnitId: DEPARTMENT.id,
        parentId: board.id,
        _info: info(),
      });
    }
    return board;
  });
}

function seedServiceTables(ctx: SimContext): void {
  const { store, refs } = ctx;
  const priorities = [
    { name: 'Priority 1 - Emergency Response', color: 'Red', level: 'Critical' },
    { name: 'Priority 2 - Quick Response', color: 'Orange', level: 'High' },
    { name: 'Priority 3 - Normal Response', color: 'Green', level: 'Medium', defaultFlag: true },
    { name: 'Priority 4 - Schedule Maintenance', color: 'Blue', level: 'Low' },
    { name: 'Do Not Respond', color: 'Gray', level: 'Low' },
  ];
  priorities.forEach((p, index) =>
    store.priorities.insert({
      id: index + 1,
      name: p.name,
      color: p.color,
      sortOrder: index + 1,
      defaultFlag: p.defaultFlag === true,
      level: p.level,
      _info: { lastUpdated: SEED_TIME, updatedBy: 'jsmith', image_href: refs.href(`/service/priorities/${index + 1}/image`) },
    }),
  );
  ['Email', 'Phone', 'Portal', 'Helpdesk Button'].forEach((name, index) =>
    store.sources.insert({
      id: index + 1,
      name,
      defaultFlag: name === 'Phone',
      enteredBy: 'jsmith',
      dateEntered: SEED_TIME,
      _info: { lastUpdated: SEED_TIME, updatedBy: 'jsmith' },
    }),
  );
  const levels = [
    { name: 'High', impact: 'Affects the whole company or a critical system', severity: 'Work is stopped' },
    { name: 'Medium', impact: 'Affects a department or several users', severity: 'Work is degraded', defaultFlag: true },
    { name: 'Low', impact: 'Affects a single user', severity: 'Work can continue' },
  ];
  levels.forEach((l, index) => {
    store.impacts.insert({ id: index + 1, name: l.name, description: l.impact, defaultFlag: l.defaultFlag === true, _info: { lastUpdated: SEED_TIME, updatedBy: 'jsmith' } });
    store.severities.insert({ id: index + 1, name: l.name, description: l.severity, defaultFlag: l.defaultFlag === true, _info: { lastUpdated: SEED_TIME, updatedBy: 'jsmith' } });
  });
  const p = (id: number) => refs.priority(store.priorities.get(id)!);
  store.slas.insert({
    id: 1,
    name: 'Standard SLA',
    basedOn: 'AllHours',
    defaultFlag: true,
    applicationOrder: 1,
    hiImpactHiUrgency: p(1),
    hiImpactMedUrgency: p(2),
    hiImpactLowUrgency: p(3),
    medImpactHiUrgency: p(2),
    medImpactMedUrgency: p(3),
    medImpactLowUrgency: p(3),
    lowImpactHiUrgency: p(3),
    lowImpactMedUrgency: p(4),
    lowImpactLowUrgency: p(4),
    respondHours: 1,
    respondPercent: 25,
    planWithin: 4,
    planWithinPercent: 50,
    resolutionHours: 24,
    resolutionPercent: 100,
    _info: { lastUpdated: SEED_TIME, updatedBy: 'jsmith' },
  });
  store.slas.insert({
    id: 2,
    name: 'Premium SLA',
    basedOn: 'Custom',
    defaultFlag: false,
    applicationOrder: 2,
    hiImpactHiUrgency: p(1),
    hiImpactMedUrgency: p(1),
    hiImpactLowUrgency: p(2),
    medImpactHiUrgency: p(1),
    medImpactMedUrgency: p(2),
    medImpactLowUrgency: p(3),
    lowImpactHiUrgency: p(2),
    lowImpactMedUrgency: p(3),
    lowImpactLowUrgency: p(4),
    respondHours: 0.5,
    respondPercent: 25,
    planWithin: 2,
    planWithinPercent: 50,
    resolutionHours: 8,
    resolutionPercent: 100,
    _info: { lastUpdated: SEED_TIME, updatedBy: 'jsmith' },
  });
}

function seedCompanies(ctx: SimContext): Map<string, SimCompany> {
  const { store, refs } = ctx;
  [
    { name: 'Active', defaultFlag: true },
    { name: 'Inactive', inactiveFlag: true, disallowSavingFlag: true },
    { name: 'Not-Approved', notifyFlag: true },
  ].forEach((s, index) =>
    store.companyStatuses.insert({
      id: index + 1,
      name: s.name,
      defaultFlag: s.defaultFlag === true,
      inactiveFlag: s.inactiveFlag === true,
      notifyFlag: s.notifyFlag === true,
      disallowSavingFlag: s.disallowSavingFlag === true,
      customNoteFlag: false,
      cancelOpenTracksFlag: false,
      _info: { lastUpdated: SEED_TIME, updatedBy: 'jsmith' },
    }),
  );
  ['Client', 'Owner', 'Prospect', 'Vendor'].forEach((name, index) =>
    store.companyTypes.insert({
      id: index + 1,
      name,
      defaultFlag: name === 'Client',
      vendorFlag: name === 'Vendor',
      serviceAlertFlag: false,
      _info: { lastUpdated: SEED_TIME, updatedBy: 'jsmith' },
    }),
  );
  const companies = new Map<string, SimCompany>();
  COMPANIES.forEach((c, index) => {
    const id = store.companies.allocateId();
    const status = store.companyStatuses.get(c.status ?? 1)!;
    const company = store.companies.insert({
      id,
      identifier: c.identifier,
      name: c.name,
      status: refs.named(status),
      addressLine1: c.address[0],
      city: c.address[1],
      state: c.address[2],
      zip: c.address[3],
      country: COUNTRY,
      phoneNumber: c.phone,
      ...(c.website ? { website: c.website } : {}),
      territory: LOCATION,
      market: { id: 1, name: 'Small Business' },
      accountNumber: `HV-${String(1000 + index)}`,
      dateAcquired: `20${String(16 + index).padStart(2, '0')}-01-15T00:00:00Z`,
      numberOfEmployees: c.employees,
      leadFlag: false,
      unsubscribeFlag: false,
      timeZoneSetup: TIME_ZONE,
      deletedFlag: false,
      mobileGuid: seedGuid(id),
      isVendorFlag: false,
      types: [refs.named(store.companyTypes.get(c.type)!)],
      site: { id: 1000 + id, name: 'Main' },
      _info: info({ contacts_href: refs.href(`/company/contacts?conditions=company/id=${id}`) }),
      customFields: [],
    });
    companies.set(c.identifier, company);
  });
  return companies;
}

function seedContacts(ctx: SimContext, companies: Map<string, SimCompany>): Map<string, SimContact> {
  const { store, refs } = ctx;
  const byEmail = new Map<string, SimContact>();
  const email = store.communicationTypes.get(1)!;
  const direct = store.communicationTypes.get(2)!;
  for (const seed of CONTACTS) {
    const company = companies.get(seed.company)!;
    const items: NonNullable<SimContact['communicationItems']> = seed.emails.map((value, index) => ({
      id: store.settings.nextCommunicationItemId++,
      type: refs.named(email),
      value,
      defaultFlag: index === 0,
      communicationType: 'Email',
    }));
    if (seed.phone) {
      items.push({ id: store.settings.nextCommunicationItemId++, type: refs.named(direct), value: seed.phone, defaultFlag: true, communicationType: 'Phone' });
    }
    const id = store.contacts.allocateId();
    const contact = store.contacts.insert({
      id,
      firstName: seed.firstName,
      lastName: seed.lastName,
      company: refs.company(company),
      site: company.site,
      addressLine1: company.addressLine1,
      city: company.city,
      state: company.state,
      zip: company.zip,
      country: COUNTRY,
      inactiveFlag: seed.inactive === true,
      title: seed.title,
      marriedFlag: false,
      childrenFlag: false,
      disablePortalLoginFlag: false,
      unsubscribeFlag: false,
      mobileGuid: seedGuid(100_000 + id),
      ...(seed.phone ? { defaultPhoneType: 'Direct', defaultPhoneNbr: seed.phone } : {}),
      defaultBillingFlag: seed.primary === true,
      defaultFlag: seed.primary === true,
      communicationItems: items,
      types: [],
      customFields: [],
      _info: info({ communications_href: refs.href(`/company/contacts/${id}/communications`) }),
    });
    if (seed.primary) company.defaultContact = refs.contact(contact);
    byEmail.set(seed.emails[0]!, contact);
  }
  return byEmail;
}

function seedConfigurations(ctx: SimContext, companies: Map<string, SimCompany>, contacts: Map<string, SimContact>): void {
  const { store, refs } = ctx;
  CONFIGURATIONS.forEach((seed, index) => {
    const id = store.configurations.allocateId();
    const company = companies.get(seed.company)!;
    const contact = seed.contact ? contacts.get(seed.contact) : undefined;
    const laptop = seed.type === 2;
    store.configurations.insert({
      id,
      name: seed.name,
      type: { id: seed.type, name: CONFIGURATION_TYPES[seed.type]! },
      status: seed.active ? { id: 1, name: 'Active' } : { id: 2, name: 'Inactive' },
      company: refs.company(company),
      ...(contact ? { contact: refs.contact(contact) } : {}),
      site: company.site,
      ...(seed.deviceIdentifier ? { deviceIdentifier: seed.deviceIdentifier } : {}),
      serialNumber: `SN${(0x5a17 * (index + 3)).toString(16).toUpperCase().padStart(8, '0')}`,
      modelNumber: seed.type === 3 ? 'PowerEdge R650' : seed.type === 4 ? 'FortiGate 60F' : seed.type === 5 ? 'LaserJet M611' : laptop ? 'Latitude 5440' : 'OptiPlex 7010',
      manufacturer: seed.type === 4 ? { id: 3, name: 'Fortinet' } : seed.type === 5 ? { id: 4, name: 'HP' } : { id: 2, name: 'Dell' },
      purchaseDate: `202${index % 5}-0${(index % 9) + 1}-12T00:00:00Z`,
      warrantyExpirationDate: `202${(index % 5) + 3}-0${(index % 9) + 1}-12T00:00:00Z`,
      macAddress: `00:1A:2B:${(index + 16).toString(16).toUpperCase().padStart(2, '0')}:4C:5D`,
      ...(contact ? { lastLoginName: `${String(contact.firstName).toLowerCase()}.${String(contact.lastName).toLowerCase().replace(/[^a-z]/g, '')}` } : {}),
      ipAddress: seed.ip,
      osType: seed.os,
      osInfo: seed.os,
      cpuSpeed: seed.type === 3 ? '2.8 GHz' : '3.2 GHz',
      ram: seed.type === 3 ? '64 GB' : '16 GB',
      billFlag: false,
      questions: [],
      activeFlag: seed.active,
      mobileGuid: seedGuid(200_000 + id),
      displayVendorFlag: false,
      showRemoteFlag: false,
      showAutomateFlag: false,
      needsRenewalFlag: false,
      _info: info(),
      customFields: [],
    });
  });
}

const DEMO_TICKETS: { contact: string; summary: string; board: number; status: string; type?: string; impact?: 'Low' | 'Medium' | 'High'; severity?: 'Low' | 'Medium' | 'High'; owner?: string; source: string; description: string }[] = [
  { contact: 'dana.whitfield@acme-mfg.example', summary: 'Outlook keeps asking for password', board: 1, status: 'In Progress', type: 'Incident', owner: 'akhan', source: 'Helpdesk Button', description: 'Since this morning Outlook prompts for my password every few minutes.' },
  { contact: 'marcus.lee@acme-mfg.example', summary: 'Shop floor label printer offline', board: 1, status: 'New', type: 'Incident', impact: 'High', severity: 'High', source: 'Phone', description: 'The Zebra printer on line 2 shows offline; shipping is blocked.' },
  { contact: 'grace.holloway@northwinddental.example', summary: 'New hire onboarding - hygienist starting Monday', board: 1, status: 'Waiting on Client', type: 'Service Request', source: 'Email', description: 'Please set up an account and email for our new hygienist.' },
  { contact: 'epetrova@contosolegal.example', summary: 'Migrate document server to new hardware', board: 2, status: 'Scheduled', type: 'Service Request', owner: 'lchen', source: 'Portal', description: 'Project to replace CONTOSO-DC01 storage.' },
  { contact: 'luis.ortega@fabrikam-logistics.example', summary: 'Scanner FAB-WH-SCAN-03 cannot reach WMS', board: 1, status: 'Completed', type: 'Incident', owner: 'mgarcia', source: 'Helpdesk Button', description: 'Handheld scanner errors when submitting picks.' },
  { contact: 'dr.patel@riverbendvet.example', summary: 'Backup job failed on RBV-SURGERY-02', board: 3, status: 'New', type: 'Alert', impact: 'Medium', severity: 'High', source: 'Email', description: 'Nightly backup reported failure (exit code 23).' },
  { contact: 'hannah.kim@summitcpa.example', summary: 'Tax software license renewal', board: 1, status: 'New', type: 'Service Request', impact: 'Low', severity: 'Low', source: 'Portal', description: 'Our tax prep software license expires at the end of the month.' },
];

function seedTickets(ctx: SimContext, contacts: Map<string, SimContact>): void {
  const { store } = ctx;
  const member = store.members.find((m) => m.identifier === 'jsmith')!;
  DEMO_TICKETS.forEach((t, index) => {
    const contact = contacts.get(t.contact)!;
    const ticket = createTicket(
      ctx,
      {
        summary: t.summary,
        board: { id: t.board },
        status: { name: t.status },
        company: { id: contact.company!.id },
        contact: { id: contact.id },
        ...(t.type ? { type: { name: t.type } } : {}),
        ...(t.owner ? { owner: { identifier: t.owner } } : {}),
        source: { name: t.source },
        ...(t.impact ? { impact: t.impact } : {}),
        ...(t.severity ? { severity: t.severity } : {}),
        initialDescription: t.description,
      },
      member,
      `2026-01-0${(index % 5) + 1}T1${index % 8}:15:00Z`,
    );
    ticket.mobileGuid = seedGuid(300_000 + ticket.id);
  });
}

/** Fills an empty store. 'empty' keeps only what authentication needs (the API member). */
export function seedStore(ctx: SimContext, seed: SeedName): void {
  const { store } = ctx;
  if (seed === 'empty') {
    seedSystem(store, 'Deskbell Demo');
    seedMembers(ctx, API_MEMBER_IDENTIFIER);
    store.settings.apiMemberId = store.members.find((m) => m.identifier === API_MEMBER_IDENTIFIER)!.id;
    return;
  }
  seedSystem(store, 'Harborview Technology Partners');
  seedMembers(ctx);
  const boards = seedBoards(ctx);
  const apiMember = store.members.find((m) => m.identifier === API_MEMBER_IDENTIFIER)!;
  store.settings.apiMemberId = apiMember.id;
  // Service defaults of the API member decide where a ticket without a board goes.
  apiMember.serviceDefaultBoard = ctx.refs.board(boards[0]!);
  for (const member of store.members.list()) {
    if (member.licenseClass === 'F') member.serviceDefaultBoard = ctx.refs.board(boards[0]!);
  }
  seedServiceTables(ctx);
  const companies = seedCompanies(ctx);
  const contacts = seedContacts(ctx, companies);
  seedConfigurations(ctx, companies, contacts);
  seedTickets(ctx, contacts);
  const jsmith = store.members.find((m) => m.identifier === DEMO_MEMBER_SESSION.memberIdentifier)!;
  store.memberSessions.insert({ memberId: jsmith.id, memberHash: DEMO_MEMBER_SESSION.memberHash });
  const kbrooks = store.members.find((m) => m.identifier === DEMO_LIMITED_MEMBER_SESSION.memberIdentifier)!;
  store.memberSessions.insert({ memberId: kbrooks.id, memberHash: DEMO_LIMITED_MEMBER_SESSION.memberHash });
}
