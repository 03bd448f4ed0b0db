/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and wasm packages must stay outside the server bundle.
  serverExternalPackages: ['better-sqlite3', 'pyodide', 'nodemailer', 'sharp'],
  // The rule sandbox is a plain .mjs run by its own `node` process and finds Pyodide by path
  // (lib/rules/engine/sandbox-paths.ts): nothing imports them, so tracing must be told to keep them.
  outputFileTracingIncludes: { '/**': ['./lib/rules/engine/sandbox/**/*', './node_modules/pyodide/**/*'] },
  poweredByHeader: false,
  // `npm test` typechecks the whole project as its own step (tsc --noEmit), tests included;
  // doing it again inside every build only doubles the wait.
  typescript: { ignoreBuildErrors: true },
  reactStrictMode: true,
  // Every response, API and static files included: no content sniffing. The pages' other
  // security headers (CSP with a per-request nonce, Referrer-, Permissions-Policy, HSTS) come
  // from proxy.ts, which alone sees each request.
  async headers() {
    return [{ source: '/:path*', headers: [{ key: 'X-Content-Type-Options', value: 'nosniff' }] }];
  },
};

export default nextConfig;
