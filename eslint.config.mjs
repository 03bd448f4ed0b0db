import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';
import path from 'node:path';
import {
  PRESS_STORE_FILES,
  PRESS_TABLES_EXEMPT,
  TABLE_METHODS,
  importViolations,
  pressTableInSql,
  pressTableNamed,
  resolveSpecifier,
} from './scripts/lib/architecture.mjs';

const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Every HTTP method a route file exports is `export const METHOD = withSomething(...)`: the
 * wrapper (lib/api/with-*.ts) owns the session or token, the origin check, parsing, no-store
 * and error mapping, so a new route cannot quietly skip them.
 */
const routeUsesWrapper = {
  meta: { type: 'problem', schema: [], messages: { wrap: 'Export {{name}} as `export const {{name}} = withAdmin|withAgent|withPod|withPodSignIn|withManageCallback|withPublic(...)` (lib/api).' } },
  create(context) {
    const report = (node, name) => context.report({ node, messageId: 'wrap', data: { name } });
    // Only a wrapper imported from lib/api/with-*.ts counts, not any local function named withX.
    const wrappers = new Set();
    return {
      ImportDeclaration(node) {
        if (!/^@\/lib\/api\/with-[a-z-]+$/.test(node.source.value)) return;
        for (const specifier of node.specifiers) {
          if (specifier.type === 'ImportSpecifier' && /^with[A-Z]/.test(specifier.imported.name)) wrappers.add(specifier.local.name);
        }
      },
      ExportNamedDeclaration(node) {
        const declaration = node.declaration;
        if (declaration?.type === 'FunctionDeclaration' && HTTP_METHODS.has(declaration.id?.name)) report(declaration, declaration.id.name);
        if (declaration?.type === 'VariableDeclaration') {
          for (const d of declaration.declarations) {
            if (d.id.type !== 'Identifier' || !HTTP_METHODS.has(d.id.name)) continue;
            const init = d.init;
            const wrapped = init?.type === 'CallExpression' && init.callee.type === 'Identifier' && wrappers.has(init.callee.name);
            if (!wrapped) report(d, d.id.name);
          }
        }
        for (const specifier of node.specifiers ?? []) {
          const name = specifier.exported.name ?? specifier.exported.value;
          if (HTTP_METHODS.has(name)) report(specifier, name);
        }
      },
    };
  },
};

/**
 * The dependency rules of scripts/lib/architecture.mjs (the lib layer order, app -> lib ->
 * store/connectwise, lib/api only for route files, the adapter's few imports). A custom rule
 * rather than no-restricted-imports: it resolves relative paths as well as '@/...', sees
 * `import type`, `export ... from` and dynamic import() alike, and says which boundary and order
 * an import breaks; tests/unit/architecture.test.ts checks the same table on the whole graph.
 */
const importBoundaries = {
  meta: { type: 'problem', schema: [], messages: { boundary: '{{why}}' } },
  create(context) {
    const file = path.relative(context.cwd, context.filename).split(path.sep).join('/');
    const check = (node, source) => {
      if (source?.type === 'TSLiteralType') source = source.literal;
      if (source?.type !== 'Literal' || typeof source.value !== 'string') return;
      for (const why of importViolations(file, resolveSpecifier(file, source.value))) context.report({ node, messageId: 'boundary', data: { why } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
      TSImportType: (node) => check(node, node.argument),
    };
  },
};

const stringsOf = (node) => {
  if (node?.type === 'Literal' && typeof node.value === 'string') return [node.value];
  if (node?.type === 'TemplateLiteral' && node.expressions.length === 0) return [node.quasis[0].value.cooked];
  if (node?.type === 'ArrayExpression') return node.elements.flatMap(stringsOf);
  return [];
};

/**
 * Only the press store (the files in PRESS_STORE_FILES: press-store, press-read-store, press-file-store) names the tables
 * presses and press_files in a query, so status transitions and the outcome's shape have one
 * owner. Catches the Kysely methods that take a table and raw `sql` text.
 */
const pressTablesInStore = {
  meta: { type: 'problem', schema: [], messages: { store: "Only the press store ({{store}}) queries `{{table}}`: call one of its functions." } },
  create(context) {
    const methods = new Set(TABLE_METHODS);
    const report = (node, table) => context.report({ node, messageId: 'store', data: { table, store: PRESS_STORE_FILES.join(', ') } });
    return {
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== 'MemberExpression' || callee.property.type !== 'Identifier') return;
        const name = callee.property.name;
        const isRaw = name === 'raw' && callee.object.type === 'Identifier' && callee.object.name === 'sql';
        if (!methods.has(name) && !isRaw) return;
        for (const text of stringsOf(node.arguments[0])) {
          const table = isRaw ? pressTableInSql(text) : pressTableNamed(text);
          if (table) report(node, table);
        }
      },
      TaggedTemplateExpression(node) {
        const tag = node.tag;
        const isSql = (tag.type === 'Identifier' && tag.name === 'sql') || (tag.type === 'MemberExpression' && tag.object.type === 'Identifier' && tag.object.name === 'sql');
        if (!isSql) return;
        const table = pressTableInSql(node.quasi.quasis.map((quasi) => quasi.value.cooked).join(' '));
        if (table) report(node, table);
      },
    };
  },
};

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([
    '.next/**',
    'node_modules/**',
    'data/**',
    'bench-results/**',
    'test-results/**',
    'playwright-report/**',
    'next-env.d.ts',
  ]),
  {
    plugins: {
      deskbell: {
        rules: {
          'route-uses-wrapper': routeUsesWrapper,
          'import-boundaries': importBoundaries,
          'press-tables-in-store': pressTablesInStore,
        },
      },
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Configuration has one reader (lib/env.ts) so every setting is validated and documented.
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through lib/env.ts.' },
      ],
    },
  },
  {
    files: ['lib/env.ts', 'instrumentation.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Route files declare schemas and call lib; the wrapper does the rest.
    files: ['app/api/**/route.ts'],
    rules: {
      'deskbell/route-uses-wrapper': 'error',
      'max-lines-per-function': ['error', { max: 30, skipBlankLines: true, skipComments: true }],
      'max-lines': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@/lib/http/errors', importNames: ['toErrorResponse', 'toErrorBody'], message: 'The route wrapper maps errors (lib/api/with-*.ts).' },
            { name: '@/lib/auth/admin-session', message: 'withAdmin checks the session (lib/api/with-admin.ts).' },
            { name: 'next-auth/next', message: 'withAdmin checks the session (lib/api/with-admin.ts).' },
            { name: '@/lib/store/database', importNames: ['getDatabase'], message: 'The route wrapper hands the handler its database.' },
            { name: '@/lib/http/request-body', message: 'The route wrapper reads the body: declare `body` in its spec.' },
            { name: '@/lib/intake/read-press-request', importNames: ['requireAgentToken'], message: 'withAgent checks the agent token.' },
            { name: '@/lib/pod/pod-session', importNames: ['authorizePodRequest'], message: 'withPod checks the pod token.' },
            { name: '@/lib/notifications/receive-callback', importNames: ['verifyManageCallback'], message: 'withManageCallback verifies the callback.' },
          ],
        },
      ],
    },
  },
  {
    // Boundaries between layers (scripts/lib/architecture.mjs). Tests exercise every layer.
    files: ['**/*.{ts,tsx,mts,mjs,js}'],
    ignores: ['tests/**'],
    rules: { 'deskbell/import-boundaries': 'error' },
  },
  {
    // The press tables have one owner; schema history and tests may name them.
    files: ['**/*.{ts,tsx,mts,mjs,js}'],
    ignores: [...PRESS_STORE_FILES, ...PRESS_TABLES_EXEMPT],
    rules: { 'deskbell/press-tables-in-store': 'error' },
  },
  {
    // next-auth's own handler: its sign-in posts are forms protected by its CSRF token, and it sets its own headers.
    files: ['app/api/auth/[[]...nextauth]/route.ts'],
    rules: { 'deskbell/route-uses-wrapper': 'off' },
  },
]);
