/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and wasm packages must stay outside the server bundle.
  serverExternalPackages: ['better-sqlite3', 'pyodide'],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
