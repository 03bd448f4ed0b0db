'use client';

import { useRouter } from 'next/navigation';
import { useRef, useState, type FormEvent } from 'react';
import { Alert, FormField, primaryButton, secondaryButton } from '@/components/setup/form-field';
import { callSetupApi, type SetupApiResult } from '@/components/setup/setup-api';
import type { Branding, PressPageSettings } from '@/lib/settings/branding';
import { normalizeHexColour, pickTextColour, WCAG_AA_NORMAL_TEXT } from '@/lib/settings/branding-colour';
import { LOGO_MAX_BYTES } from '@/lib/settings/branding-logo';
import { BrandHeader } from './brand-header';

type Message = { tone: 'success' | 'error'; title: string; text: string };
type Saved = { settings: PressPageSettings };

const ACCEPT = 'image/png,image/jpeg,image/webp,image/svg+xml,.svg';

/** Sends the file itself as the body: the server sniffs it, so no multipart framing is needed. */
async function uploadLogo(file: File): Promise<SetupApiResult<Saved>> {
  let res: Response;
  try {
    res = await fetch('/api/admin/setup/branding/logo', { method: 'PUT', body: file, headers: { 'content-type': 'application/octet-stream' }, cache: 'no-store' });
  } catch {
    return { ok: false, status: 0, message: 'Deskbell could not be reached. Check your connection and try again.', fieldErrors: {}, details: [] };
  }
  const json = (await res.json().catch(() => null)) as { error?: { message?: string } } | Saved | null;
  if (res.ok) return { ok: true, status: res.status, data: json as Saved };
  const message = res.status === 401 ? 'Your session has ended. Sign in again, then retry.' : ((json as { error?: { message?: string } })?.error?.message ?? `Deskbell answered ${res.status}.`);
  return { ok: false, status: res.status, message, fieldErrors: {}, details: [] };
}

export function PressPageStep({ initial }: { initial: PressPageSettings }) {
  const router = useRouter();
  const [name, setName] = useState(initial.branding.name);
  const [colour, setColour] = useState(initial.branding.colour);
  const [choices, setChoices] = useState(initial.selections.join('\n'));
  const [logo, setLogo] = useState(initial.branding.logo);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<Message | null>(null);
  const [logoMessage, setLogoMessage] = useState<Message | null>(null);
  const [busy, setBusy] = useState<'save' | 'logo' | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const normalized = normalizeHexColour(colour);
  const colours = normalized ? pickTextColour(normalized) : null;
  const preview: Branding | null = colours ? { name: name.trim(), colour: colours.background, textColour: colours.text, contrast: colours.contrast, logo } : null;

  async function save(event: FormEvent) {
    event.preventDefault();
    setBusy('save');
    setMessage(null);
    const selections = choices.split('\n');
    const result = await callSetupApi<Saved>('PUT', '/api/admin/setup/branding', { name, colour, selections });
    setBusy(null);
    if (result.ok) {
      setFieldErrors({});
      setName(result.data.settings.branding.name);
      setColour(result.data.settings.branding.colour);
      setChoices(result.data.settings.selections.join('\n'));
      setMessage({ tone: 'success', title: 'Saved', text: 'The press page and notification e-mails use these from now on.' });
      router.refresh();
      return;
    }
    const errors = { ...result.fieldErrors };
    // A choice's error names its line, so the admin finds it in the list.
    for (const [path, text] of Object.entries(result.fieldErrors)) {
      const line = /^selections\.(\d+)$/.exec(path);
      if (line) errors.selections = `Line ${Number(line[1]) + 1}: ${text}`;
    }
    setFieldErrors(errors);
    setMessage({ tone: 'error', title: 'Not saved', text: result.message });
  }

  async function onLogoChosen(file: File | undefined) {
    if (!file) return;
    setLogoMessage(null);
    if (file.size > LOGO_MAX_BYTES) {
      setLogoMessage({ tone: 'error', title: 'Logo not saved', text: `${file.name} is ${Math.ceil(file.size / 1024)} KB; a logo may be at most ${LOGO_MAX_BYTES / 1024} KB.` });
      return;
    }
    setBusy('logo');
    const result = await uploadLogo(file);
    setBusy(null);
    if (fileInput.current) fileInput.current.value = '';
    if (result.ok) {
      setLogo(result.data.settings.branding.logo);
      setLogoMessage({ tone: 'success', title: 'Logo saved', text: 'It shows on the press page and in e-mails now.' });
      router.refresh();
    } else {
      setLogoMessage({ tone: 'error', title: 'Logo not saved', text: result.message });
    }
  }

  async function removeLogo() {
    setBusy('logo');
    const result = await callSetupApi<Saved>('DELETE', '/api/admin/setup/branding/logo');
    setBusy(null);
    if (result.ok) {
      setLogo(null);
      setLogoMessage({ tone: 'success', title: 'Logo removed', text: 'The press page and e-mails show the name alone.' });
      router.refresh();
    } else {
      setLogoMessage({ tone: 'error', title: 'Logo not removed', text: result.message });
    }
  }

  return (
    <div className="grid gap-8 lg:grid-cols-[1fr_22rem]">
      <form onSubmit={save} className="space-y-6 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-label="Press page and branding">
        <FormField
          id="name"
          label="Your company's name"
          hint="Shown at the top of the press page and of every notification e-mail. Leave it empty to show none."
          value={name}
          maxLength={80}
          onChange={(e) => setName(e.target.value)}
          error={fieldErrors.name}
        />
        <div>
          <div className="flex items-end gap-3">
            <FormField
              id="colour"
              label="Brand colour"
              hint="A hex code like #1d4ed8. Text on it is black or white, whichever is easier to read."
              value={colour}
              onChange={(e) => setColour(e.target.value)}
              error={fieldErrors.colour}
              className="flex-1"
            />
            <input
              type="color"
              aria-label="Pick the brand colour"
              value={normalized ?? '#000000'}
              onChange={(e) => setColour(e.target.value)}
              className="mb-[1.375rem] h-10 w-14 cursor-pointer rounded border border-slate-300"
            />
          </div>
          {colours ? (
            <p className="mt-1 text-sm text-slate-600" data-testid="contrast">
              {colours.text === '#ffffff' ? 'White' : 'Black'} text on it: contrast {colours.contrast.toFixed(1)}:1
              {colours.meetsAA ? ` (meets WCAG AA, ${WCAG_AA_NORMAL_TEXT}:1)` : ` (below WCAG AA, ${WCAG_AA_NORMAL_TEXT}:1)`}.
            </p>
          ) : null}
        </div>
        <div>
          <label htmlFor="selections" className="block text-sm font-medium text-slate-800">
            Choices on the press page
          </label>
          <textarea
            id="selections"
            rows={6}
            value={choices}
            onChange={(e) => setChoices(e.target.value)}
            aria-invalid={fieldErrors.selections ? true : undefined}
            aria-describedby="selections-hint"
            className={`mt-1 block w-full rounded-md border px-3 py-2 text-sm shadow-sm focus:outline-none focus:ring-2 focus:ring-bell-500 ${fieldErrors.selections ? 'border-red-500' : 'border-slate-300'}`}
          />
          <p id="selections-hint" className="mt-1 text-xs text-slate-500">
            One per line, up to 50: the boxes end users can tick (&ldquo;Printing&rdquo;, &ldquo;This is an emergency&rdquo;). Rules can route on them.
            {initial.selectionsSource === 'environment' ? ' Until you save, these come from DESKBELL_PRESS_SELECTIONS.' : ''}
          </p>
          {fieldErrors.selections ? <p className="mt-1 text-sm text-red-700">{fieldErrors.selections}</p> : null}
        </div>
        <div className="flex items-center gap-3">
          <button type="submit" className={primaryButton} disabled={busy !== null}>
            {busy === 'save' ? 'Saving\u2026' : 'Save'}
          </button>
        </div>
        {message ? (
          <Alert tone={message.tone} title={message.title}>
            {message.text}
          </Alert>
        ) : null}
      </form>

      <aside className="space-y-6">
        <section className="space-y-3 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-labelledby="logo-heading">
          <h2 id="logo-heading" className="font-semibold">
            Logo
          </h2>
          <p className="text-sm text-slate-600">PNG, JPEG, WebP or SVG, up to {LOGO_MAX_BYTES / 1024} KB. It is saved as soon as you choose it.</p>
          <div className="flex flex-wrap gap-2">
            <label htmlFor="logo" className={`${secondaryButton} cursor-pointer`}>
              {busy === 'logo' ? 'Uploading\u2026' : logo ? 'Replace the logo' : 'Choose a logo'}
            </label>
            <input id="logo" ref={fileInput} type="file" accept={ACCEPT} className="sr-only" onChange={(e) => void onLogoChosen(e.target.files?.[0])} disabled={busy !== null} />
            {logo ? (
              <button type="button" className={secondaryButton} onClick={() => void removeLogo()} disabled={busy !== null}>
                Remove the logo
              </button>
            ) : null}
          </div>
          {logoMessage ? (
            <Alert tone={logoMessage.tone} title={logoMessage.title}>
              {logoMessage.text}
            </Alert>
          ) : null}
        </section>
        <section className="space-y-3" aria-labelledby="preview-heading">
          <h2 id="preview-heading" className="font-semibold">
            Preview
          </h2>
          {preview && (preview.name || preview.logo) ? (
            <BrandHeader branding={preview} />
          ) : (
            <p className="text-sm text-slate-500">Add a name or a logo to brand the press page.</p>
          )}
        </section>
      </aside>
    </div>
  );
}
