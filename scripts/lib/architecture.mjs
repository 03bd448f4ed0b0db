/**
 * The architecture as data: the one place that says which code may import which. The lint rules
 * (eslint.config.mjs) and the import-graph test (tests/unit/architecture.test.ts) both read it, so
 * the picture in the README, the linter and the test cannot drift apart.
 *
 * Plain JavaScript (with architecture.d.mts beside it) because eslint.config.mjs loads it without
 * a TypeScript loader.
 */
import path from 'node:path';

/**
 * The lib nodes from the top down. A node may import only nodes listed after it. A node is a
 * folder (everything under it) or a single file at lib's top level; lib/rules/engine is a node of
 * its own, so lib/rules may use the engine but the engine knows nothing of rule versions.
 */
export const LIB_LAYERS = [
  { node: 'lib/api', holds: 'route wrappers (withAdmin, withAgent, withPod, withManageCallback, withPublic)' },
  { node: 'lib/setup', holds: "the wizard's server side" },
  { node: 'lib/registrations', holds: 'Manage registrations: one reconciler; callbacks and the pod are descriptors' },
  { node: 'lib/pod', holds: 'pod tokens, sessions, pod data' },
  { node: 'lib/rules', holds: 'rule versions and the rule test runner' },
  { node: 'lib/notifications', holds: 'callbacks -> ticket events -> end-user notifications, agent inbox' },
  { node: 'lib/intake', holds: 'accept, the press pipeline, retry' },
  { node: 'lib/presses', holds: 'the press store and the press read models' },
  { node: 'lib/jobs', holds: 'the durable queue' },
  { node: 'lib/manage-client', holds: "the app's Manage context (one shared client + lookup-table cache)" },
  { node: 'lib/auth', holds: 'admin users and sessions, agent tokens, the setup code' },
  { node: 'lib/settings', holds: 'settings in the database, the active rule version' },
  { node: 'lib/audit', holds: 'who changed what' },
  { node: 'lib/rules/engine', holds: 'the Python rule engine' },
  // The base: no domain knowledge. Ordered too, so that even the base has no cycle.
  { node: 'lib/connectwise', holds: 'the Manage adapter: all Manage knowledge', base: true },
  { node: 'lib/cluster', holds: 'signals between instances (LISTEN/NOTIFY), once-per-cluster work', base: true },
  { node: 'lib/store', holds: 'the database (Kysely) and its migrations', base: true },
  { node: 'lib/secrets', holds: 'sealing of stored secrets', base: true },
  { node: 'lib/http', holds: 'HTTP errors, body reading, origin checks, long-poll', base: true },
  { node: 'lib/images', holds: 'image sniffing', base: true },
  { node: 'lib/security', holds: "the pages' security headers (used by proxy.ts)", base: true },
  { node: 'lib/text', holds: 'wording helpers', base: true },
  { node: 'lib/version.ts', holds: "the app's version", base: true },
  { node: 'lib/env.ts', holds: 'the only reader of process.env', base: true },
];

/** The composition root wires every folder together; it may import any lib node and no lib node imports it. */
export const COMPOSITION_ROOT = ['lib/runtime.ts', 'lib/health.ts'];

/** The only lib nodes the Manage adapter may use: it stays free of settings, the store and features. */
export const ADAPTER_MAY_IMPORT = ['lib/env.ts', 'lib/text'];

/** Code that gets its database and Manage calls through lib, never directly (app -> lib -> store/connectwise). */
export const NOT_FROM_APP_OR_UI = ['lib/store', 'lib/connectwise'];

/** The tables one module owns, and the files that are that module. */
export const PRESS_TABLES = ['presses', 'press_files', 'press_file_thumbnails'];
export const PRESS_STORE_FILES = ['lib/presses/press-store.ts', 'lib/presses/press-read-store.ts', 'lib/presses/press-file-store.ts'];
/** Schema history and tests may name the press tables. */
export const PRESS_TABLES_EXEMPT = ['lib/store/migrations/**', 'tests/**'];

const RANK = new Map([...COMPOSITION_ROOT.map((node) => [node, -1]), ...LIB_LAYERS.map(({ node }, index) => [node, index])]);

/** The layer order as one line, for messages. */
export const LAYER_ORDER_TEXT = LIB_LAYERS.map(({ node }) => node.replace(/^lib\//, '')).join(' > ');

const toPosix = (file) => file.split(path.sep).join('/');

/**
 * The lib node a repository-relative path belongs to, or null outside lib. Nested folders belong
 * to their first-level folder unless they are a node of their own (lib/rules/engine).
 */
export function libNodeOf(file) {
  const posix = toPosix(file).replace(/^\.\//, '');
  if (!posix.startsWith('lib/')) return null;
  const parts = posix.split('/');
  if (parts.length === 2) {
    // '@/lib/store' is a folder (its index); '@/lib/env' is the file lib/env.ts.
    const bare = posix.replace(/\.tsx?$/, '');
    return RANK.has(bare) ? bare : bare + '.ts';
  }
  for (let depth = parts.length - 1; depth >= 2; depth -= 1) {
    const candidate = parts.slice(0, depth).join('/');
    if (RANK.has(candidate)) return candidate;
  }
  return parts.slice(0, 2).join('/');
}

/** Whether the node is in the architecture at all: a new folder must be placed before it is used. */
export function isKnownLibNode(node) {
  return RANK.has(node);
}

/**
 * Why a lib node may not import another lib node, or null when it may. Both are nodes
 * (libNodeOf); an unknown node is a violation of its own, so a new folder is placed consciously.
 */
export function layerViolation(fromNode, toNode) {
  if (fromNode === toNode) return null;
  for (const node of [fromNode, toNode]) {
    if (!RANK.has(node)) return `${node} is not in the layer order (scripts/lib/architecture.mjs): add it there first`;
  }
  if (COMPOSITION_ROOT.includes(toNode)) return `${toNode} is the composition root: lib imports nothing from it (it imports lib)`;
  if (fromNode === 'lib/connectwise' && !ADAPTER_MAY_IMPORT.includes(toNode)) {
    return `lib/connectwise (the Manage adapter) imports only ${ADAPTER_MAY_IMPORT.join(', ')} from lib, not ${toNode}`;
  }
  if (RANK.get(toNode) <= RANK.get(fromNode)) {
    return `${fromNode} may not import ${toNode}: a lib folder imports only folders below it (${LAYER_ORDER_TEXT})`;
  }
  return null;
}

/**
 * Resolves an import specifier to a repository-relative path without its extension ('@/x' and
 * relative paths), or null for packages. `fromFile` is repository-relative.
 */
export function resolveSpecifier(fromFile, specifier) {
  if (specifier.startsWith('@/')) return path.posix.normalize(specifier.slice(2));
  if (specifier.startsWith('./') || specifier.startsWith('../')) {
    return path.posix.normalize(path.posix.join(path.posix.dirname(toPosix(fromFile)), specifier));
  }
  return null;
}

const startsWithFolder = (target, folder) => target === folder || target.startsWith(folder + '/');

/** UI: components and every .tsx under app (including the route files' .tsx siblings). */
export function isUiFile(file) {
  const posix = toPosix(file);
  return posix.startsWith('components/') || (posix.startsWith('app/') && posix.endsWith('.tsx'));
}

/** API route files: the only app code that may use lib/api's wrappers. */
export function isApiRouteFile(file) {
  return /^app\/api\/(.+\/)?route\.ts$/.test(toPosix(file));
}

/**
 * Every boundary an import from `fromFile` (repository-relative) to the resolved `target` crosses,
 * as messages; empty when the import is allowed. Tests are not checked: they exercise every layer.
 */
export function importViolations(fromFile, target) {
  const from = toPosix(fromFile);
  if (target === null || from.startsWith('tests/')) return [];
  const found = [];
  const fromNode = libNodeOf(from);
  const toNode = libNodeOf(target);
  if (fromNode !== null) {
    if (startsWithFolder(target, 'app') || startsWithFolder(target, 'components')) {
      found.push(`lib never imports ${target.split('/')[0]}/: lib is below the pages and the UI`);
    }
    if (toNode !== null) {
      const why = layerViolation(fromNode, toNode);
      if (why) found.push(why);
    }
    return found;
  }
  if (toNode === 'lib/api' && !isApiRouteFile(from)) {
    found.push('lib/api (the route wrappers) is imported only by app/api/**/route.ts (and tests)');
  }
  if (from.startsWith('app/') || from.startsWith('components/')) {
    if (NOT_FROM_APP_OR_UI.includes(toNode)) {
      const who = isUiFile(from) ? 'UI code' : 'app code';
      found.push(`${who} never imports ${toNode}, not even types: call a lib function that resolves the database or Manage itself (app -> lib -> store/connectwise)`);
    }
  }
  return found;
}

/** Kysely methods whose first argument names a table (or a CTE, which could shadow one). */
export const TABLE_METHODS = [
  'selectFrom', 'insertInto', 'replaceInto', 'updateTable', 'deleteFrom', 'mergeInto',
  'innerJoin', 'leftJoin', 'rightJoin', 'fullJoin', 'crossJoin',
  'innerJoinLateral', 'leftJoinLateral', 'crossJoinLateral', 'crossApply', 'outerApply',
  'from', 'using', 'with', 'withRecursive', 'table', 'selectAll', 'returningAll',
  'createTable', 'alterTable', 'dropTable',
];

/** The press table a Kysely table reference ('presses', 'presses as p') names, or null. */
export function pressTableNamed(reference) {
  const table = String(reference).trim().split(/\s+as\s+/i)[0]?.trim();
  return PRESS_TABLES.includes(table) ? table : null;
}

/** The press table a raw SQL text names, or null. */
export function pressTableInSql(text) {
  const match = new RegExp(`\\b(${PRESS_TABLES.join('|')})\\b`).exec(text);
  return match ? match[1] : null;
}
