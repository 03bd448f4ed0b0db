/**
 * Every admin page and admin API route refuses a request without a session. The routes are
 * found in the file system, so a route added later is covered without editing this test.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { e2eStack } from './e2e-stack';

const appDir = path.resolve(import.meta.dirname, '../../app');
const SAMPLE_ID = '00000000-0000-4000-8000-000000000000';

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? walk(full) : [full];
  });
}

/** app/(admin)/presses/[id]/page.tsx -> /presses/<uuid>; route groups vanish from URLs. */
function toUrlPath(file: string): string {
  const rel = path.relative(appDir, path.dirname(file)).split(path.sep);
  const segments = rel
    .filter((s) => !(s.startsWith('(') && s.endsWith(')')))
    .map((s) => (s.startsWith('[...') || s.startsWith('[[...') ? 'x' : s.startsWith('[') ? SAMPLE_ID : s));
  return `/${segments.join('/')}`;
}

const adminPages = walk(path.join(appDir, '(admin)'))
  .filter((f) => /page\.tsx?$/.test(f))
  .map(toUrlPath);

const adminApi = walk(path.join(appDir, 'api/admin'))
  .filter((f) => /route\.ts$/.test(f))
  .flatMap((file) => {
    const source = fs.readFileSync(file, 'utf8');
    const methods = [...source.matchAll(/export\s+(?:async\s+)?(?:function|const)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]!);
    return methods.map((method) => ({ method, url: toUrlPath(file) }));
  });

test('the route lists are not empty (the guard test really covers something)', () => {
  expect(adminPages.length).toBeGreaterThanOrEqual(3);
  expect(adminApi.length).toBeGreaterThanOrEqual(3);
});

for (const page of adminPages) {
  test(`page ${page} redirects to sign-in without a session`, async ({ request }) => {
    const res = await request.get(page, { maxRedirects: 0 });
    expect([302, 303, 307, 308]).toContain(res.status());
    // Back to this very page after signing in (the report link in a ticket's note relies on it).
    expect(res.headers().location).toBe(`/login?next=${encodeURIComponent(page)}`);
    // Only the signed-in layout renders the admin's menu; page titles are static metadata.
    const body = await res.text();
    expect(body).not.toContain('Sign out');
  });
}

for (const { method, url } of adminApi) {
  test(`${method} ${url} answers 401 without a session`, async ({ request }) => {
    const res = await request.fetch(url, {
      method,
      maxRedirects: 0,
      headers: { 'content-type': 'application/json', origin: e2eStack.appUrl },
      data: method === 'GET' ? undefined : '{}',
    });
    expect(res.status()).toBe(401);
    expect(res.headers()['cache-control']).toBe('no-store');
    const body = await res.json();
    expect(body.error.code).toBe('unauthorized');
  });
}
