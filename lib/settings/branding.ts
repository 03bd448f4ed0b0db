import 'server-only';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DeskbellApiError } from '@/lib/http/errors';
import { recordAudit } from '@/lib/audit/audit-log';
import { readBodyCapped } from '@/lib/http/request-body';
import { getDatabase, type DeskbellDatabase } from '@/lib/store/database';
import { pickTextColour, hexColourSchema } from './branding-colour';
import { LOGO_MAX_BYTES, sniffLogo, type LogoType } from './branding-logo';
import { intakeSettingsFromEnv, pressSelectionsSchema, SETTING_KEYS } from './intake-settings';
import { readSetting, writeSetting } from './settings-store';

/**
 * The press page as the MSP's end users see it: the choices they may tick (intake.selections,
 * seeded by DESKBELL_PRESS_SELECTIONS until an admin saves) and the MSP's name, logo and
 * colour, which the press page and notification e-mails show. Saved from /setup/branding,
 * audited like every other setting.
 */

export const BRANDING_SETTING = 'branding';
/** Deskbell's own amber (bell-600), until the MSP picks theirs. */
export const DEFAULT_BRAND_COLOUR = '#d97706';
export const BRAND_NAME_MAX = 80;

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const storedBrandingSchema = z.object({
  version: z.literal(1),
  name: z.string().max(BRAND_NAME_MAX),
  colour: z.string().regex(/^#[0-9a-f]{6}$/),
  logoSha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
type StoredBranding = z.infer<typeof storedBrandingSchema>;

/** The admin form's body. Field paths match the form's field names. */
export const pressPageFormSchema = z.object({
  name: z
    .string()
    .trim()
    .max(BRAND_NAME_MAX, `The name is at most ${BRAND_NAME_MAX} characters.`)
    .refine((v) => !CONTROL_CHARACTERS.test(v), 'The name must not contain control characters.'),
  colour: hexColourSchema,
  selections: z
    .array(z.string().max(200, 'A choice is at most 200 characters.'))
    .max(50, 'At most 50 choices.')
    .transform((list) => list.map((s) => s.trim()).filter((s) => s !== ''))
    .superRefine((list, ctx) => {
      const seen = new Map<string, number>();
      list.forEach((choice, index) => {
        const key = choice.toLocaleLowerCase();
        if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [index], message: `"${choice}" is listed twice.` });
        else seen.set(key, index);
        if (CONTROL_CHARACTERS.test(choice)) ctx.addIssue({ code: 'custom', path: [index], message: 'A choice must not contain control characters.' });
      });
    })
    .pipe(pressSelectionsSchema),
});
export type PressPageForm = z.input<typeof pressPageFormSchema>;

export type BrandLogo = { url: string; contentType: LogoType; sha256: string };

export type Branding = {
  /** Empty when the MSP gave none. */
  name: string;
  colour: string;
  /** Black or white, whichever reads best on the colour (at least WCAG AA). */
  textColour: string;
  contrast: number;
  logo: BrandLogo | null;
};

export type PressPageSettings = {
  branding: Branding;
  /** Whether anything was saved: until then the press page is unbranded. */
  brandingSaved: boolean;
  selections: string[];
  selectionsSource: 'saved' | 'environment';
  updatedAt: string | null;
  updatedBy: string | null;
};

export function logoUrl(sha256: string): string {
  return `/api/branding/logo/${sha256}`;
}

async function readStored(db: DeskbellDatabase): Promise<StoredBranding | undefined> {
  return readSetting(db, BRANDING_SETTING, storedBrandingSchema);
}

async function describeLogo(db: DeskbellDatabase, sha256: string | null): Promise<BrandLogo | null> {
  if (sha256 === null) return null;
  const row = await db.selectFrom('branding_logos').select(['sha256', 'content_type']).where('sha256', '=', sha256).executeTakeFirst();
  return row ? { sha256: row.sha256, contentType: row.content_type as LogoType, url: logoUrl(row.sha256) } : null;
}

function toBranding(stored: StoredBranding | undefined, logo: BrandLogo | null): Branding {
  const colours = pickTextColour(stored?.colour ?? DEFAULT_BRAND_COLOUR);
  return { name: stored?.name ?? '', colour: colours.background, textColour: colours.text, contrast: colours.contrast, logo };
}

/**
 * The branding to show, or null while the MSP has set neither a name nor a logo (the press
 * page and e-mails then look as they always did).
 */
export async function loadBranding(db: DeskbellDatabase): Promise<Branding | null> {
  const stored = await readStored(db);
  if (!stored) return null;
  const logo = await describeLogo(db, stored.logoSha256);
  if (stored.name === '' && logo === null) return null;
  return toBranding(stored, logo);
}

export async function loadPressPageSettings(db: DeskbellDatabase): Promise<PressPageSettings> {
  const [stored, savedSelections] = await Promise.all([readStored(db), readSetting(db, SETTING_KEYS.selections, pressSelectionsSchema)]);
  return {
    branding: toBranding(stored, await describeLogo(db, stored?.logoSha256 ?? null)),
    brandingSaved: stored !== undefined,
    selections: savedSelections ?? intakeSettingsFromEnv().selections,
    selectionsSource: savedSelections ? 'saved' : 'environment',
    updatedAt: stored?.updatedAt ?? null,
    updatedBy: stored?.updatedBy ?? null,
  };
}

function nextStored(previous: StoredBranding | undefined, change: Partial<Pick<StoredBranding, 'name' | 'colour' | 'logoSha256'>>, actor: string): StoredBranding {
  return {
    version: 1,
    name: change.name ?? previous?.name ?? '',
    colour: change.colour ?? previous?.colour ?? DEFAULT_BRAND_COLOUR,
    logoSha256: change.logoSha256 !== undefined ? change.logoSha256 : (previous?.logoSha256 ?? null),
    updatedAt: new Date().toISOString(),
    updatedBy: actor,
  };
}

/** Saves the name, colour and choices together (the logo keeps its own upload), audited with what changed. */
export async function savePressPageSettings(db: DeskbellDatabase, input: unknown, actor: string): Promise<PressPageSettings> {
  const parsed = pressPageFormSchema.safeParse(input);
  if (!parsed.success) {
    throw new DeskbellApiError(
      'unprocessable_entity',
      'Check the highlighted fields.',
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  const form = parsed.data;
  const before = await loadPressPageSettings(db);
  await db.transaction().execute(async (trx) => {
    const previous = await readSetting(trx, BRANDING_SETTING, storedBrandingSchema);
    await writeSetting(trx, BRANDING_SETTING, storedBrandingSchema, nextStored(previous, { name: form.name, colour: form.colour }, actor));
    await writeSetting(trx, SETTING_KEYS.selections, pressSelectionsSchema, form.selections);
    await recordAudit(trx, {
      actor,
      action: 'press_page.saved',
      target: 'press page',
      details: {
        name: form.name,
        colour: form.colour,
        selections: form.selections,
        previous: { name: before.brandingSaved ? before.branding.name : null, colour: before.brandingSaved ? before.branding.colour : null, selections: before.selections },
      },
    });
  });
  return loadPressPageSettings(db);
}

/** Stores an uploaded logo (sniffed, capped) as the current one; the previous logo's bytes go. */
export async function saveBrandingLogo(db: DeskbellDatabase, bytes: Uint8Array, actor: string): Promise<PressPageSettings> {
  const sniffed = sniffLogo(bytes);
  if (!sniffed.ok) {
    const code = sniffed.reason === 'too_large' ? 'payload_too_large' : 'unprocessable_entity';
    throw new DeskbellApiError(code, sniffed.message, [{ path: 'logo', message: sniffed.message }]);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('branding_logos')
      .values({ sha256, content_type: sniffed.contentType, bytes, size: bytes.byteLength, width: sniffed.width, height: sniffed.height, created_at: now, created_by: actor })
      .onConflict((oc) => oc.column('sha256').doNothing())
      .execute();
    await trx.deleteFrom('branding_logos').where('sha256', '!=', sha256).execute();
    const previous = await readSetting(trx, BRANDING_SETTING, storedBrandingSchema);
    await writeSetting(trx, BRANDING_SETTING, storedBrandingSchema, nextStored(previous, { logoSha256: sha256 }, actor));
    await recordAudit(trx, {
      actor,
      action: 'press_page.logo_saved',
      target: 'press page',
      details: { contentType: sniffed.contentType, size: bytes.byteLength, width: sniffed.width, height: sniffed.height, sha256 },
    });
  });
  return loadPressPageSettings(db);
}

export async function removeBrandingLogo(db: DeskbellDatabase, actor: string): Promise<PressPageSettings> {
  await db.transaction().execute(async (trx) => {
    const previous = await readSetting(trx, BRANDING_SETTING, storedBrandingSchema);
    if (!previous?.logoSha256) return;
    await trx.deleteFrom('branding_logos').execute();
    await writeSetting(trx, BRANDING_SETTING, storedBrandingSchema, nextStored(previous, { logoSha256: null }, actor));
    await recordAudit(trx, { actor, action: 'press_page.logo_removed', target: 'press page', details: { sha256: previous.logoSha256 } });
  });
  return loadPressPageSettings(db);
}

export type LogoFile = { contentType: LogoType; bytes: Uint8Array; sha256: string };

/** The logo's bytes by their hash; served publicly (the press page and e-mails show it to anyone). */
export async function readBrandingLogo(db: DeskbellDatabase, sha256: string): Promise<LogoFile | undefined> {
  const row = await db.selectFrom('branding_logos').select(['sha256', 'content_type', 'bytes']).where('sha256', '=', sha256).executeTakeFirst();
  return row ? { sha256: row.sha256, contentType: row.content_type as LogoType, bytes: row.bytes } : undefined;
}

/**
 * The upload's bytes: the request body is the file itself (the browser sends the File as is).
 * Read with a cap, whatever Content-Length says, so an oversized upload is never buffered.
 */
export async function readLogoUpload(request: Request): Promise<Uint8Array> {
  const tooLarge = () =>
    new DeskbellApiError('payload_too_large', `The logo is larger than ${LOGO_MAX_BYTES / 1024} KB; export it smaller.`, [
      { path: 'logo', message: `at most ${LOGO_MAX_BYTES / 1024} KB` },
    ]);
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > LOGO_MAX_BYTES) throw tooLarge();
  try {
    return await readBodyCapped(request, LOGO_MAX_BYTES);
  } catch (error) {
    if (error instanceof DeskbellApiError && error.code === 'payload_too_large') throw tooLarge();
    throw error;
  }
}

const LOGO_HEADERS = {
  // A new logo is a new URL (its hash), so the bytes behind one URL never change.
  'cache-control': 'public, max-age=31536000, immutable',
  // An SVG opened on its own must not run anything or load anything.
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'x-content-type-options': 'nosniff',
  'content-disposition': 'inline',
} as const;

export const logoParamsSchema = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/, 'Not a logo address.') });

/** The public logo route's whole answer: the app's database, the logo or a 404, with its caching. */
export async function serveBrandingLogo(sha256: string, request: Request): Promise<Response> {
  const file = await readBrandingLogo(await getDatabase(), sha256);
  if (!file) throw new DeskbellApiError('not_found', 'There is no such logo; the MSP may have replaced it.');
  return toLogoResponse(file, request);
}

/** The stored logo with its sniffed type; 304 when the browser already has it. */
export function toLogoResponse(file: LogoFile, request: Request): Response {
  const etag = `"${file.sha256}"`;
  if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers: { ...LOGO_HEADERS, etag } });
  return new Response(Buffer.from(file.bytes), {
    headers: { ...LOGO_HEADERS, etag, 'content-type': file.contentType, 'content-length': String(file.bytes.byteLength) },
  });
}
