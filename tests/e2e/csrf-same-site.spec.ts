/**
 * Same-site request forgery: a page on ANOTHER PORT of 127.0.0.1 is the same site as Deskbell
 * (ports do not count for SameSite), so the signed-in admin's Lax cookie goes along with its
 * requests. Every state-changing admin route, found in the file system so a route added later
 * is covered too, must refuse such a request: as an auto-submitting text/plain form, as a
 * no-cors fetch, and as a JSON request carrying the cookie and the attacker's Origin. The
 * admin's data must be unchanged afterwards.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { signIn } from './admin-sign-in';
import { e2eStack } from './e2e-stack';

const appDir = path.resolve(import.meta.dirname, '../../app');
const SAMPLE_UUID = '00000000-0000-4000-8000-000000000000';

type Route = { method: string; url: string; file: string };

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? walk(full) : [full];
  });
}

/**
 * Plausible values for the path's dynamic segments, looked up as `parent/[segment]` then
 * `[segment]` (Manage ids are numbers, press and token ids UUIDs); the agent token is a real one.
 */
function toUrl(file: string, values: Record<string, string>): string {
  const segments = path.relative(appDir, path.dirname(file)).split(path.sep);
  const filled = segments.map((s, i) => (s.startsWith('[') ? (values[`${segments[i - 1]}/${s}`] ?? values[s] ?? SAMPLE_UUID) : s));
  return `/${filled.join('/')}`;
}

function listStateChangingAdminRoutes(values: Record<string, string>): Route[] {
  return walk(path.join(appDir, 'api/admin'))
    .filter((f) => f.endsWith(`${path.sep}route.ts`))
    .flatMap((file) => {
      const source = fs.readFileSync(file, 'utf8');
      const methods = [...source.matchAll(/export\s+(?:async\s+)?(?:function|const)\s+(POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]!);
      // A repair is `POST …?action=repair`: send it as the page would, so only the origin can refuse it.
      const query = /ActionSchema|\?action=repair/.test(source) ? '?action=repair' : '';
      return methods.map((method) => ({ method, file, url: `${toUrl(file, values)}${method === 'POST' ? query : ''}` }));
    });
}

/** What a forger would send to each route; the refusal must not depend on it being wrong. */
function forgedBody(url: string): Record<string, unknown> {
  if (url.endsWith('/setup/agents')) return { name: 'forged by another port' };
  if (url.includes('/rules/')) return { source: "subject = 'forged'\n", note: 'forged' };
  if (url.includes('/setup/connection')) return { endpoint: 'https://evil.example', saveAnyway: true };
  if (url.endsWith('/setup/callbacks')) return { level: 'owner' };
  if (url.endsWith('/setup/pod')) return { tabs: { ticket: true, company: true } };
  if (url.includes('/unregistered')) return { email: 'forged@evil.example', confirm: true, address: { line1: '1 Evil Way' } };
  return {};
}

/** The attacker's site: two static pages that do what any web page may do without asking. */
const ATTACKER_PAGES: Record<string, string> = {
  '/form.html': `<!doctype html><title>form</title><iframe name="sink"></iframe><script>
    const { target, body } = JSON.parse(decodeURIComponent(location.hash.slice(1)));
    // text/plain sends name=value: hide the "=" inside a JSON string so the body is valid JSON.
    const text = JSON.stringify({ ...body, _: '=' });
    const cut = text.lastIndexOf('=');
    const form = document.createElement('form');
    form.method = 'POST'; form.enctype = 'text/plain'; form.action = target; form.target = 'sink';
    const input = document.createElement('input');
    input.name = text.slice(0, cut); input.value = text.slice(cut + 1);
    form.append(input); document.body.append(form); form.submit();
  </script>`,
  '/fetch.html': `<!doctype html><title>fetch</title><script>
    const { target, method, body, mode } = JSON.parse(decodeURIComponent(location.hash.slice(1)));
    // body null: no body and no Content-Type at all, as a bodyless action would be sent.
    const init = body === null ? {} : { headers: { 'content-type': 'text/plain' }, body: JSON.stringify(body) };
    fetch(target, { method, mode, credentials: 'include', ...init })
      .then(() => { document.title = 'sent'; }, (e) => { document.title = 'blocked: ' + e.name; });
  </script>`,
  '/peek.html': `<!doctype html><title>peek</title><iframe name="sink"></iframe><script>
    frames.sink.location = JSON.parse(decodeURIComponent(location.hash.slice(1))).target;
  </script>`,
};

let attacker: http.Server;
let attackerUrl: string;

test.beforeAll(async () => {
  attacker = http.createServer((req, res) => {
    const page = ATTACKER_PAGES[new URL(req.url ?? '/', 'http://x').pathname];
    res.writeHead(page ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page ?? 'not found');
  });
  // Port 0: a free port on the same host, so the attacker is same-site but not same-origin.
  await new Promise<void>((resolve) => attacker.listen(0, e2eStack.appHost, resolve));
  attackerUrl = `http://${e2eStack.appHost}:${(attacker.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => attacker.close(() => resolve()));
});

const own = { origin: e2eStack.appUrl, 'content-type': 'application/json' };

/** Everything a forged request could have changed, read as the admin from Deskbell's own origin. */
async function snapshot(request: APIRequestContext): Promise<Record<string, unknown>> {
  const read = async (url: string) => {
    const res = await request.get(url, { headers: { origin: e2eStack.appUrl } });
    expect(res.status(), url).toBe(200);
    return res.json();
  };
  const agents = (await read('/api/admin/setup/agents')) as { tokens: unknown[] };
  const rules = (await read('/api/admin/rules/versions')) as Record<string, unknown>;
  const notifications = (await read('/api/admin/notifications')) as { settings: unknown };
  const callbacks = (await read('/api/admin/setup/callbacks')) as { registration: unknown; rows: unknown };
  const pod = (await read('/api/admin/setup/pod')) as { registration: unknown; rows: unknown };
  return {
    tokens: agents.tokens,
    rules,
    notifications: notifications.settings,
    callbacks: [callbacks.registration, callbacks.rows],
    pod: [pod.registration, pod.rows],
  };
}

let visits = 0;

/** A fresh document every time (a change of the fragment alone would not run the page again). */
async function openAttackerPage(page: Page, name: string, config: unknown): Promise<void> {
  visits += 1;
  await page.goto(`${attackerUrl}/${name}?visit=${visits}#${encodeURIComponent(JSON.stringify(config))}`);
}

test('a page on another port of the same host cannot change anything through the admin API', async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, '/setup/agents');

  // A real token for the DELETE route to aim at, created from Deskbell's own origin.
  const probe = await page.request.post('/api/admin/setup/agents', { headers: own, data: { name: 'csrf probe' } });
  expect(probe.status()).toBe(201);
  const probeId = ((await probe.json()) as { agentToken: { id: string } }).agentToken.id;

  const routes = listStateChangingAdminRoutes({
    'agents/[id]': probeId,
    'callbacks/[id]': '1',
    'pod/[id]': '1',
    '[version]': '1',
    '[boardId]': '1',
  });
  // The listing really covers the admin API (agents, rules, connection, callbacks, pod, ...).
  expect(routes.length).toBeGreaterThanOrEqual(20);
  expect(routes.map((r) => `${r.method} ${r.url}`)).toEqual(
    expect.arrayContaining([`POST /api/admin/setup/agents`, `DELETE /api/admin/setup/agents/${probeId}`, 'POST /api/admin/rules/versions', 'PUT /api/admin/setup/connection']),
  );

  const before = await snapshot(page.request);

  // The precondition of the attack holds: the admin's cookie does travel with the other port's requests.
  await openAttackerPage(page, 'peek.html', { target: `${e2eStack.appUrl}/api/admin/setup/agents` });
  await expect.poll(async () => (await page.frame({ name: 'sink' })?.content()) ?? '').toContain(probeId);

  const refusals: string[] = [];
  for (const route of routes) {
    const target = `${e2eStack.appUrl}${route.url}`;
    const body = forgedBody(route.url);
    const label = `${route.method} ${route.url}`;

    // 1. The cookie, JSON, and the other port's Origin: only the origin check can refuse this one.
    const direct = await page.request.fetch(target, {
      method: route.method,
      headers: { origin: attackerUrl, 'content-type': 'application/json', 'sec-fetch-site': 'same-site' },
      data: JSON.stringify(body),
      maxRedirects: 0,
    });
    // Soft: a broken guard shows every route it lets through, not only the first.
    expect.soft(direct.status(), `${label} with the attacker's Origin`).toBe(403);
    expect.soft(((await direct.json()) as { error?: { code: string } }).error?.code, label).toBe('forbidden');

    if (route.method === 'POST') {
      // 2. An auto-submitting text/plain form, answered into a frame the attacker's page holds.
      const formAnswer = page.waitForResponse((r) => r.url() === target && r.request().method() === 'POST');
      await openAttackerPage(page, 'form.html', { target, body });
      const answered = await formAnswer;
      expect.soft(answered.status(), `${label} as a form`).toBe(403);
      expect(answered.request().headers().origin).toBe(attackerUrl);
      await expect.soft.poll(async () => (await page.frame({ name: 'sink' })?.content()) ?? '', `${label} as a form`).toContain('forbidden');

      // 3. A no-cors fetch with the cookie, with a text/plain body and with none at all (as a
      // bodyless action is sent): opaque to the page, but the browser saw the answer.
      for (const sent of [body, null]) {
        const fetchAnswer = page.waitForResponse((r) => r.url() === target && r.request().method() === 'POST');
        await openAttackerPage(page, 'fetch.html', { target, method: 'POST', body: sent, mode: 'no-cors' });
        expect.soft((await fetchAnswer).status(), `${label} as a no-cors fetch ${sent === null ? 'without a body' : 'with a text/plain body'}`).toBe(403);
        await expect(page).toHaveTitle('sent');
      }
    } else {
      // 2-3. A page cannot send PUT/PATCH/DELETE cross-origin at all: no-cors refuses the method,
      // and a CORS request dies at the preflight, which Deskbell never answers with CORS headers.
      const reached: string[] = [];
      const watch = (r: { url(): string; request(): { method(): string } }) => {
        if (r.url() === target && r.request().method() === route.method) reached.push(label);
      };
      page.on('response', watch);
      for (const mode of ['no-cors', 'cors']) {
        await openAttackerPage(page, 'fetch.html', { target, method: route.method, body, mode });
        await expect(page, `${label} as a ${mode} fetch`).toHaveTitle('blocked: TypeError');
      }
      page.off('response', watch);
      expect(reached, `${label} reached Deskbell from the attacker's page`).toEqual([]);
    }
    refusals.push(label);
  }
  expect(refusals).toHaveLength(routes.length);

  // Nothing changed: the same tokens (none new, the probe not revoked), rules, settings, registrations.
  const after = await snapshot(page.request);
  expect(after).toEqual(before);

  const revoked = await page.request.delete(`/api/admin/setup/agents/${probeId}`, { headers: { origin: e2eStack.appUrl } });
  expect(revoked.status()).toBe(200);
});
