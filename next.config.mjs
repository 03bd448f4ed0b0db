/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and wasm packages must stay outside the server bundle.
  serverExternalPackages: ['better-sqlite3', 'pyodide'],
  poweredByHeader: false,
  // `npm test` typechecks the whole project as its own step (tsc --noEmit), tests included;
  // doing it again inside every build only doubles the wait.
  typescript: { ignoreBuildErrors: true },
  reactStrictMode: true,
};

export default nextConfig;
