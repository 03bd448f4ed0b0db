/**
 * The pod's defences, in Chromium with two real origins of the same server:
 * http://127.0.0.1:<port> (Deskbell's own origin, allowed to frame the pod in demo mode) and
 * http://localhost:<port> (any other site). Pages that play Manage or an attacker are served by
 * Playwright's router on those origins; the pod itself is always the real one.
 * - a postMessage from another origin is ignored (the pod never signs in with it);
 * - the pod refuses to be framed by another origin: the CSP header says so, and Chromium does
 *   not render it; admin pages may be framed by Deskbell only;
 * - a forged memberHash is refused; screenshot URLs are unguessable and need the token.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { DEMO_MEMBER_SESSION } from '../../tools/manage-sim/demo-data';
import { buildPng } from '../support/press-fixtures';
import { createAgentTokenWithCli, demoManage, pressWithCli, ticketsWithExternalXRef } from './app-process';
import { e2eStack } from './e2e-stack';

const e2eDataDir = path.resolve(import.meta.dirname, '../../test-results/e2e-data');
const APP = e2eStack.appUrl; // http://127.0.0.1:<port>
const OTHER = `http://localhost:${e2eStack.appPort}`;
const SIM_SITE = new URL(e2eStack.simUrl).host; // what Manage (the simulator) calls its site
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const member = {
  site: SIM_SITE,
  companyid: demoManage.companyId,
  memberid: DEMO_MEMBER_SESSION.memberIdentifier,
  memberHash: DEMO_MEMBER_SESSION.memberHash,
  memberContext: 'e2e',
};

let ticketId: number;

/** The frame-ancestors directive of a page's CSP (the rest of the policy is the header spec's business). */
function frameAncestorsOf(csp: string | undefined): string | undefined {
  return csp?.split(';').map((d) => d.trim()).find((d) => d.startsWith('frame-ancestors'));
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  const token = createAgentTokenWithCli(e2eDataDir, 'pod security e2e');
  const file = path.join(e2eDataDir, 'pod-security-shot.png');
  fs.writeFileSync(file, buildPng({ width: 640, height: 400, shade: 90 }));
  const press = pressWithCli([
    '--server', APP, '--token', token, '--message', 'Pod security check',
    '--email', 'dana.whitfield@acme-mfg.example', '--hostname', 'ACME-PC-01', '--screenshot', file,
  ]);
  expect(press.status, press.stderr || press.stdout).toBe(0);
  const pressId = /Press ([0-9a-f-]{36}) accepted/.exec(press.stdout)![1]!;
  const [ticket] = await ticketsWithExternalXRef(pressId);
  ticketId = ticket!.id;
});

/**
 * Manage's side of the Hosted API as a page script (the same wire format as
 * components/pod/hosted-api/demo-host.ts), started on demand so a test decides when "Manage" answers.
 */
const MANAGE_SCRIPT = `
window.startManage = (podOrigin, member, screenObject) => {
  const frame = document.getElementById('pod');
  let frameId = null;
  window.addEventListener('message', (event) => {
    if (event.origin !== podOrigin || event.source !== frame.contentWindow) return;
    let message; try { message = JSON.parse(event.data); } catch { return; }
    const post = (m) => frame.contentWindow.postMessage(JSON.stringify(m), podOrigin);
    if (message.message === 'ready') {
      frameId = 'manage-' + Math.random().toString(16).slice(2);
      post({ MessageFrameID: frameId });
      post({ event: 'onLoad', _id: 1, data: { screenObject } }); // on every screen load, as Manage does
    } else if (message.hosted_request === 'getMemberAuthentication' && message.frameID === frameId) {
      post({ response: 'getmemberauthentication', data: member });
    }
  });
};`;

/**
 * A page on the other origin that keeps posting what Manage would say, with a forged member,
 * straight into the pod's window (a sibling frame can reach it through parent.frames).
 */
const ATTACKER_PAGE = `<!doctype html><title>attacker</title><script>
window.sent = 0;
const forged = { site: ${JSON.stringify(SIM_SITE)}, companyid: ${JSON.stringify(demoManage.companyId)}, memberid: 'attacker', memberHash: 'forged-hash', memberContext: 'x' };
setInterval(() => {
  const pod = parent.frames[0];
  for (const m of [{ MessageFrameID: 'evil-frame' }, { response: 'getmemberauthentication', data: forged },
                   { event: 'onLoad', _id: 99, data: { screenObject: { screen: 'ticket', id: 1, hostedAs: 'tab' } } }]) {
    pod.postMessage(JSON.stringify(m), '*');
    window.sent += 1;
  }
}, 50);
</script>`;

async function serveFakeManage(page: Page, podUrl: string): Promise<void> {
  await page.route(`${APP}/__e2e/manage`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><title>fake Manage</title><script>${MANAGE_SCRIPT}</script>
        <iframe id="pod" src="${podUrl}" style="width:900px;height:360px"></iframe>
        <iframe id="attacker" src="${OTHER}/__e2e/attacker" style="width:10px;height:10px"></iframe>`,
    }),
  );
  await page.route(`${OTHER}/__e2e/attacker`, (route) => route.fulfill({ contentType: 'text/html', body: ATTACKER_PAGE }));
}

test('a postMessage from another origin is ignored: the pod signs in only with the real Manage', async ({ page }) => {
  test.setTimeout(90_000);
  const sessions: unknown[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/api/pod/session')) sessions.push(request.postDataJSON());
  });
  const podUrl = `${APP}/pod?id=${ticketId}&screen=ticket`;
  await serveFakeManage(page, podUrl);
  await page.goto(`${APP}/__e2e/manage`);

  const pod = page.frameLocator('#pod');
  const attacker = page.frames().find((f) => f.url().startsWith(OTHER));
  expect(attacker, 'the attacker frame is on the other origin').toBeTruthy();
  // "Manage" stays silent; only the attacker answers the pod's ready, over and over.
  const error = pod.getByTestId('pod-error');
  await expect(error).toBeVisible({ timeout: 20_000 });
  await expect(error).toHaveAttribute('data-kind', 'timeout');
  expect(await attacker!.evaluate(() => (window as unknown as { sent: number }).sent)).toBeGreaterThan(30);
  expect(sessions, 'no sign-in was attempted with the forged messages').toEqual([]);

  // The real Manage (the allowed origin, the parent window) answers: the pod signs in as jsmith,
  // while the attacker keeps posting its forged member.
  await page.evaluate(
    ([origin, auth, id]) => (window as unknown as { startManage: (...a: unknown[]) => void }).startManage(origin, auth, { screen: 'ticket', id, hostedAs: 'pod' }),
    [APP, member, ticketId] as const,
  );
  await pod.getByRole('button', { name: 'Try again' }).click();
  await expect(pod.getByTestId('pod-ticket')).toBeVisible({ timeout: 30_000 });
  await expect(pod.getByTestId('pod-app')).toHaveAttribute('data-hosted-as', 'pod');
  expect(sessions).toHaveLength(1);
  expect(sessions[0]).toMatchObject({ auth: { memberid: 'jsmith', memberHash: DEMO_MEMBER_SESSION.memberHash }, screen: 'ticket', id: ticketId });
  expect(JSON.stringify(sessions)).not.toContain('forged-hash');
});

test('the pod refuses to be framed by another origin: CSP header, and Chromium does not render it', async ({ page, request }) => {
  test.setTimeout(60_000);
  const res = await request.get(`/pod?id=${ticketId}&screen=ticket`);
  expect(res.status()).toBe(200);
  const csp = frameAncestorsOf(res.headers()['content-security-policy']);
  // Exactly the simulator's web UI (the stored Manage connection) and, in demo mode, Deskbell itself.
  expect(csp).toBe(`frame-ancestors ${e2eStack.simUrl} ${APP}`);
  expect(csp).not.toContain('localhost');
  expect(res.headers()['x-frame-options']).toBeUndefined();
  // Every other page may be framed by Deskbell only (admin pages above all).
  for (const p of ['/', '/login', '/setup', '/press', `/demo/manage/ticket/${ticketId}`]) {
    const other = await request.get(p, { maxRedirects: 0 });
    expect(frameAncestorsOf(other.headers()['content-security-policy']), p).toBe("frame-ancestors 'self'");
  }

  // The real demo Manage page, opened on the other origin, frames the pod from 127.0.0.1.
  const refusals: string[] = [];
  page.on('console', (message) => {
    if (/frame-ancestors/.test(message.text())) refusals.push(message.text());
  });
  await page.goto(`${OTHER}/demo/manage/ticket/${ticketId}`);
  await expect(page.getByTestId('demo-wrong-origin')).toBeVisible();
  await expect.poll(() => refusals.length, { timeout: 15_000 }).toBeGreaterThan(0);
  // Chromium names only the refused frame's origin, and the directive that refused it.
  expect(refusals[0]).toContain(`Framing '${APP}/' violates`);
  expect(refusals[0]).toContain(csp);
  const podFrame = page.frames().find((f) => f !== page.mainFrame());
  expect(podFrame).toBeTruthy();
  // Chromium swaps a refused frame for its error page: the pod's document never loads.
  await expect.poll(async () => podFrame!.url()).not.toContain('/pod?');
  expect(await page.frameLocator('[data-testid="demo-pod-frame"]').getByTestId('pod-app').count()).toBe(0);

  // Control: the same page on the allowed origin shows the pod.
  await page.goto(`${APP}/demo/manage/ticket/${ticketId}`);
  await expect(page.frameLocator('[data-testid="demo-pod-frame"]').getByTestId('pod-ticket')).toBeVisible({ timeout: 30_000 });
});

test('a forged memberHash is refused; screenshot URLs are unguessable and need the token', async ({ request }) => {
  const forged = await request.post('/api/pod/session', {
    data: { auth: { ...member, memberHash: 'forged-hash-0000' }, screen: 'ticket', id: ticketId },
  });
  expect(forged.status()).toBe(401);

  const signIn = await request.post('/api/pod/session', { data: { auth: member, screen: 'ticket', id: ticketId } });
  expect(signIn.status()).toBe(200);
  const { token } = (await signIn.json()) as { token: string };
  const bearer = { authorization: `Bearer ${token}` };

  expect((await request.get(`/api/pod/tickets/${ticketId}`)).status()).toBe(401);
  const ticket = await request.get(`/api/pod/tickets/${ticketId}`, { headers: bearer });
  expect(ticket.status()).toBe(200);
  const { press } = (await ticket.json()) as { press: { id: string; screenshots: { id: string; src: string; thumbnailSrc?: string }[] } };
  const [shot] = press.screenshots;
  expect(shot).toBeTruthy();
  // Press and file ids are random UUIDs: nothing to enumerate.
  expect(press.id).toMatch(UUID);
  expect(shot!.id).toMatch(UUID);
  expect(shot!.thumbnailSrc).toBeTruthy();

  for (const url of [shot!.src, shot!.thumbnailSrc!]) {
    expect(url).not.toContain(token);
    const without = await request.get(url);
    expect(without.status(), `${url} without a token`).toBe(401);
    const wrong = await request.get(url, { headers: { authorization: `Bearer ${token.slice(0, -4)}AAAA` } });
    expect(wrong.status(), `${url} with a tampered token`).toBe(401);
    const withCookieOnly = await request.get(url, { headers: { cookie: `token=${token}` } });
    expect(withCookieOnly.status(), `${url} with the token as a cookie`).toBe(401);
    const ok = await request.get(url, { headers: bearer });
    expect(ok.status(), `${url} with the token`).toBe(200);
    expect(ok.headers()['content-type']).toMatch(/^image\//);
    expect(ok.headers()['cache-control']).toContain('private');
  }
  const thumb = await request.get(shot!.thumbnailSrc!, { headers: bearer });
  expect(thumb.headers()['content-type']).toBe('image/webp');
  expect((await thumb.body()).length).toBeLessThanOrEqual(30 * 1024);
});
