import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

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
    plugins: { deskbell: { rules: { 'route-uses-wrapper': routeUsesWrapper } } },
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
    // next-auth's own handler: its sign-in posts are forms protected by its CSRF token, and it sets its own headers.
    files: ['app/api/auth/[[]...nextauth]/route.ts'],
    rules: { 'deskbell/route-uses-wrapper': 'off' },
  },
]);
