/**
 * Press page and branding: the admin routes as Next calls them (session first, zod, one lib
 * call, errors mapped), the public logo route, what the press page and the e-mail job read
 * back, and the audit trail. Real SQLite; e-mails go through a real SMTP server. The session
 * and the app database are replaced (next-auth needs a request scope).
 */
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeskbellApiError } from '@/lib/http/errors';
import type { AdminSession } from '@/lib/auth/admin-session';
import { listAuditEntries } from '@/lib/audit/audit-log';
import type { JobRecord } from '@/lib/jobs/queue';
import { createEmailJobHandler, createSmtpSender } from '@/lib/notifications/email';
import { loadBranding, loadPressPageSettings, type PressPageSettings } from '@/lib/settings/branding';
import { LOGO_MAX_BYTES } from '@/lib/settings/branding-logo';
import { loadIntakeSettings } from '@/lib/settings/intake-settings';
import type { DeskbellDatabase } from '@/lib/store/database';
import { openTestDatabase } from '@/tests/support/test-database';
import { buildJpeg, buildPng } from '@/tests/support/press-fixtures';

const state = vi.hoisted(() => ({ session: null as AdminSession | null, db: null as unknown }));

vi.mock('@/lib/auth/admin-session', () => ({
  requireAdminApi: async () => {
    if (!state.session) throw new DeskbellApiError('unauthorized', 'Sign in as a Deskbell admin to use this API.');
    return state.session;
  },
}));

vi.mock('@/lib/store/database', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@/lib/store/database')>()),
  getDatabase: async () => state.db,
}));

const brandingRoute = await import('@/app/api/admin/setup/branding/route');
const logoRoute = await import('@/app/api/admin/setup/branding/logo/route');
const publicLogoRoute = await import('@/app/api/branding/logo/[sha256]/route');

const ADMIN = 'admin@msp.example';
const ENV_CHOICES = ['Printer', 'Email'];
let db: DeskbellDatabase;

const put = (path: string, body: BodyInit, contentType = 'application/json') =>
  new Request(`http://deskbell.test${path}`, { method: 'PUT', headers: { 'content-type': contentType }, body });
const saveForm = (form: unknown) => brandingRoute.PUT(put('/api/admin/setup/branding', JSON.stringify(form)));
const uploadLogo = (bytes: Uint8Array) => logoRoute.PUT(put('/api/admin/setup/branding/logo', new Uint8Array(bytes), 'application/octet-stream'));
const fetchLogo = (url: string, headers: Record<string, string> = {}) => {
  const sha256 = url.split('/').pop()!;
  return publicLogoRoute.GET(new Request(`http://deskbell.test${url}`, { headers }), { params: Promise.resolve({ sha256 }) });
};
const signIn = () => {
  state.session = { userId: 'u1', email: ADMIN, name: 'Admin' } as AdminSession;
};
type ErrorJson = { error: { code: string; message: string; details: { path: string; message: string }[] } };
const settingsOf = async (res: Response) => ((await res.json()) as { settings: PressPageSettings }).settings;

const SVG = '<?xml version="1.0"?>\n<!-- logo -->\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#1d4ed8"/></svg>';

beforeAll(() => {
  // lib/env reads the environment once, on first use.
  vi.stubEnv('DESKBELL_PRESS_SELECTIONS', ENV_CHOICES.join('|'));
});

beforeEach(async () => {
  db = await openTestDatabase();
  state.db = db;
  state.session = null;
});

afterEach(async () => {
  await db.destroy();
});

describe('without a session', () => {
  it('every admin branding route answers 401 and changes nothing', async () => {
    const answers = [
      await saveForm({ name: 'Harbor IT', colour: '#1d4ed8', selections: [] }),
      await uploadLogo(buildPng({ width: 4, height: 4 })),
      await logoRoute.DELETE(new Request('http://deskbell.test/api/admin/setup/branding/logo', { method: 'DELETE' })),
    ];
    expect(answers.map((r) => r.status)).toEqual([401, 401, 401]);
    expect(await loadBranding(db)).toBeNull();
    expect(await listAuditEntries(db)).toEqual([]);
  });
});

describe('name, colour and choices', () => {
  it('until an admin saves, the choices come from DESKBELL_PRESS_SELECTIONS and nothing is branded', async () => {
    expect(await loadBranding(db)).toBeNull();
    expect((await loadIntakeSettings(db)).selections).toEqual(ENV_CHOICES);
    expect(await loadPressPageSettings(db)).toMatchObject({ selections: ENV_CHOICES, selectionsSource: 'environment', brandingSaved: false });
  });

  it('saves, normalizes, picks the text colour, feeds the press page, and audits old and new', async () => {
    signIn();
    const res = await saveForm({ name: '  Harbor IT  ', colour: '#FE0', selections: [' Printing ', '', 'VPN is down'] });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const saved = await settingsOf(res);
    expect(saved).toMatchObject({ selections: ['Printing', 'VPN is down'], selectionsSource: 'saved', brandingSaved: true, updatedBy: ADMIN });
    expect(await loadBranding(db)).toEqual({ name: 'Harbor IT', colour: '#ffee00', textColour: '#000000', contrast: expect.any(Number), logo: null });
    expect((await loadIntakeSettings(db)).selections).toEqual(['Printing', 'VPN is down']);

    await saveForm({ name: 'Harbor IT', colour: '#1d4ed8', selections: [] });
    expect(await loadBranding(db)).toMatchObject({ colour: '#1d4ed8', textColour: '#ffffff' });
    // An empty list is a choice too: no boxes on the press page, not the environment's.
    expect((await loadIntakeSettings(db)).selections).toEqual([]);

    const entries = await listAuditEntries(db);
    const saves = entries.filter((e) => e.action === 'press_page.saved');
    expect(saves).toHaveLength(2);
    expect(saves.map((e) => e.actor)).toEqual([ADMIN, ADMIN]);
    const details = saves.map((e) => e.details);
    expect(details).toContainEqual({
      name: 'Harbor IT',
      colour: '#1d4ed8',
      selections: [],
      previous: { name: 'Harbor IT', colour: '#ffee00', selections: ['Printing', 'VPN is down'] },
    });
    expect(details).toContainEqual(expect.objectContaining({ previous: { name: null, colour: null, selections: ENV_CHOICES } }));
  });

  it('refuses a bad colour, a repeated choice, control characters and too many choices, field by field, storing nothing', async () => {
    signIn();
    const cases: [unknown, string][] = [
      [{ name: 'Harbor IT', colour: 'blue', selections: [] }, 'colour'],
      [{ name: 'Harbor IT', colour: '#12345', selections: [] }, 'colour'],
      [{ name: 'Harbor IT', colour: '#1d4ed8', selections: ['Printing', 'printing'] }, 'selections.1'],
      [{ name: 'Harbor\u202eIT', colour: '#1d4ed8', selections: [] }, 'name'],
      [{ name: 'x'.repeat(81), colour: '#1d4ed8', selections: [] }, 'name'],
      [{ name: 'Harbor IT', colour: '#1d4ed8', selections: Array.from({ length: 51 }, (_, i) => `c${i}`) }, 'selections'],
      [{ name: 'Harbor IT', colour: '#1d4ed8' }, 'selections'],
    ];
    for (const [form, path] of cases) {
      const res = await saveForm(form);
      expect(res.status, JSON.stringify(form).slice(0, 80)).toBe(422);
      const body = (await res.json()) as ErrorJson;
      expect(body.error.code).toBe('unprocessable_entity');
      expect(body.error.details.map((d) => d.path)).toContain(path);
    }
    expect((await brandingRoute.PUT(put('/api/admin/setup/branding', 'not json'))).status).toBe(400);
    expect(await loadBranding(db)).toBeNull();
    expect((await loadIntakeSettings(db)).selections).toEqual(ENV_CHOICES);
    expect(await listAuditEntries(db)).toEqual([]);
  });
});

describe('the logo', () => {
  it('stores a PNG, serves it from a cacheable URL by its hash, and answers 304 to a revalidation', async () => {
    signIn();
    const png = buildPng({ width: 64, height: 32, shade: 3 });
    const res = await uploadLogo(png);
    expect(res.status).toBe(200);
    const { branding } = await settingsOf(res);
    expect(branding.logo).toMatchObject({ contentType: 'image/png', url: expect.stringMatching(/^\/api\/branding\/logo\/[0-9a-f]{64}$/) });
    // A logo alone brands the press page.
    expect(await loadBranding(db)).toMatchObject({ name: '', logo: branding.logo });

    const served = await fetchLogo(branding.logo!.url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.compare(Buffer.from(await served.arrayBuffer()), png)).toBe(0);
    const etag = served.headers.get('etag')!;
    expect((await fetchLogo(branding.logo!.url, { 'if-none-match': etag })).status).toBe(304);

    const audit = (await listAuditEntries(db)).find((e) => e.action === 'press_page.logo_saved');
    expect(audit).toMatchObject({ actor: ADMIN, details: { contentType: 'image/png', width: 64, height: 32, size: png.length } });
  });

  it('serves an SVG as image/svg+xml under a CSP that runs nothing; the replaced logo is gone', async () => {
    signIn();
    const first = (await settingsOf(await uploadLogo(buildJpeg({ width: 20, height: 10 })))).branding.logo!;
    expect(first.contentType).toBe('image/jpeg');
    const svg = (await settingsOf(await uploadLogo(Buffer.from(SVG)))).branding.logo!;
    expect(svg.contentType).toBe('image/svg+xml');
    const served = await fetchLogo(svg.url);
    expect(served.headers.get('content-type')).toBe('image/svg+xml');
    expect(served.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(await served.text()).toBe(SVG);
    expect((await fetchLogo(first.url)).status).toBe(404);
    expect(await db.selectFrom('branding_logos').select('sha256').execute()).toHaveLength(1);
  });

  it('refuses what is not a safe image by its bytes, whatever it claims, and keeps the current logo', async () => {
    signIn();
    const current = (await settingsOf(await uploadLogo(buildPng({ width: 8, height: 8 })))).branding.logo;
    const refusals: [Uint8Array, number, RegExp][] = [
      [Buffer.from('%PDF-1.7 not an image'), 422, /PNG, JPEG, WebP or SVG/],
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 422, /script/],
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'), 422, /event handler/],
      [Buffer.from('<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'), 422, /DOCTYPE/],
      [Buffer.from('<svg viewBox="0 0 1 1"></svg>'), 422, /xmlns/],
      [buildPng({ width: 5000, height: 10 }), 422, /5000.10 pixels/],
      [new Uint8Array(0), 422, /empty/],
      [new Uint8Array(LOGO_MAX_BYTES + 1), 413, /256 KB/],
    ];
    for (const [bytes, status, message] of refusals) {
      const res = await uploadLogo(bytes);
      const body = (await res.json()) as ErrorJson;
      expect({ status: res.status, message: body.error.message }).toEqual({ status, message: expect.stringMatching(message) });
    }
    expect((await loadBranding(db))?.logo).toEqual(current);
  });

  it('is removed on request, audited, and its URL stops answering', async () => {
    signIn();
    const logo = (await settingsOf(await uploadLogo(buildPng({ width: 8, height: 8 })))).branding.logo!;
    const res = await logoRoute.DELETE(new Request('http://deskbell.test/api/admin/setup/branding/logo', { method: 'DELETE' }));
    expect(res.status).toBe(200);
    expect((await settingsOf(res)).branding.logo).toBeNull();
    expect((await fetchLogo(logo.url)).status).toBe(404);
    expect((await listAuditEntries(db)).map((e) => e.action)).toContain('press_page.logo_removed');
  });

  it('the public route refuses an address that is not a hash', async () => {
    const res = await publicLogoRoute.GET(new Request('http://deskbell.test/api/branding/logo/..%2F..%2Fetc'), { params: Promise.resolve({ sha256: '../../etc' }) });
    expect(res.status).toBe(422);
  });
});

describe('notification e-mails', () => {
  let smtp: SMTPServer;
  const mails: string[] = [];

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push(Buffer.concat(chunks).toString('utf8'));
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  async function sendOne(): Promise<string> {
    const id = randomUUID();
    await db
      .insertInto('notifications')
      .values({
        id,
        event_id: randomUUID(),
        press_id: randomUUID(),
        channel: 'email',
        agent_token_id: null,
        recipient: 'dana@acme.example',
        kind: 'created',
        title: 'Ticket #42 opened',
        body: 'Hi Dana, we have your request <printer>.\nA technician will be in touch.',
        status: 'pending',
        created_at: new Date().toISOString(),
        delivered_at: null,
        acknowledged_at: null,
        last_error: null,
      })
      .execute();
    const port = (smtp.server.address() as AddressInfo).port;
    const handler = createEmailJobHandler({ db, send: createSmtpSender(`smtp://127.0.0.1:${port}?ignoreTLS=true`), from: 'help@msp.example' });
    const before = mails.length;
    await handler.run({ payload: { notificationId: id } } as unknown as JobRecord, { owner: 'test', signal: new AbortController().signal });
    expect(mails.length).toBe(before + 1);
    // Quoted-printable soft line breaks and escapes, undone so the test reads the HTML as sent.
    return mails.at(-1)!.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  }

  it('without branding, an e-mail is the plain text it always was', async () => {
    const raw = await sendOne();
    expect(raw).toContain('Hi Dana, we have your request <printer>.');
    expect(raw).not.toMatch(/text\/html/);
  });

  it('with branding, the HTML part carries the name and colour and the logo travels inside the message', async () => {
    signIn();
    await saveForm({ name: 'Harbor & Sons IT', colour: '#1d4ed8', selections: [] });
    const png = buildPng({ width: 16, height: 16 });
    await uploadLogo(png);
    const raw = await sendOne();
    expect(raw).toMatch(/text\/plain/);
    expect(raw).toMatch(/text\/html/);
    expect(raw).toContain('background:#1d4ed8;color:#ffffff');
    expect(raw).toContain('Harbor &amp; Sons IT');
    expect(raw).toContain('we have your request &lt;printer&gt;.<br>A technician');
    expect(raw).toContain('src="cid:brand-logo@deskbell"');
    expect(raw).toMatch(/Content-ID: <brand-logo@deskbell>/i);
    expect(raw).toContain(png.toString('base64').slice(0, 40));
  });

  it('an SVG logo is left out of e-mails (mail clients do not draw SVG); the name stays', async () => {
    signIn();
    await saveForm({ name: 'Harbor IT', colour: '#ffee00', selections: [] });
    await uploadLogo(Buffer.from(SVG));
    const raw = await sendOne();
    expect(raw).toContain('background:#ffee00;color:#000000');
    expect(raw).toContain('Harbor IT');
    expect(raw).not.toContain('cid:');
  });
});
