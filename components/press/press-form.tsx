'use client';

import { useId, useRef, useState, useSyncExternalStore, type ClipboardEvent, type DragEvent, type FormEvent } from 'react';
import { readBrowserOs } from './describe-os';
import { LinkedText } from './linked-text';

type Shot = { file: File; url: string; capturedAt: string };
type Phase =
  | { kind: 'editing' }
  | { kind: 'uploading'; percent: number }
  | { kind: 'waiting'; pressId: string; note?: string }
  | { kind: 'done'; ticketNumber: string }
  | { kind: 'refused'; message: string }
  | { kind: 'failed'; message: string };

type ApiError = { error?: { message?: string; details?: unknown } };
type PressStatus = { status: string; ticketNumber?: string; message?: string; reason?: string; attempt?: number };

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The agent token travels in the link's #fragment, which browsers never send to servers or logs. */
function readTokenFromLocation(): string | null {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  return params.get('token');
}

function subscribeToHash(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

function describeApiError(status: number, body: ApiError | null): string {
  const details = Array.isArray(body?.error?.details)
    ? (body!.error!.details as { path?: string; message?: string }[])
        .map((d) => [d.path, d.message].filter(Boolean).join(': '))
        .filter(Boolean)
    : [];
  if (status === 401) return 'This help link is not valid any more. Ask your IT provider for a new one.';
  if (status === 413) return `That is too much to send at once. ${body?.error?.message ?? 'Remove a screenshot or two and try again.'}`;
  const base = body?.error?.message ?? `The server answered ${status}.`;
  return details.length ? `${base} (${details.join('; ')})` : base;
}

function sendPress(form: FormData, token: string, onProgress: (percent: number) => void): Promise<{ status: number; body: unknown }> {
  // XMLHttpRequest, not fetch: only it reports upload progress for the progress bar.
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/presses');
    xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('idempotency-key', crypto.randomUUID());
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new Error('The server could not be reached. Check your connection and try again.'));
    xhr.send(form);
  });
}

export function PressForm({ selections }: { selections: string[] }) {
  // undefined while rendering on the server: the fragment only exists in the browser.
  const token = useSyncExternalStore<string | null | undefined>(subscribeToHash, readTokenFromLocation, () => undefined);
  const [shots, setShots] = useState<Shot[]>([]);
  const [chosen, setChosen] = useState<string[]>([]);
  const [problems, setProblems] = useState<string[]>([]);
  const [phase, setPhase] = useState<Phase>({ kind: 'editing' });
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const ids = useId();

  function startOver() {
    for (const s of shots) URL.revokeObjectURL(s.url);
    setShots([]);
    setChosen([]);
    setProblems([]);
    setPhase({ kind: 'editing' });
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    addFiles(Array.from(event.dataTransfer.files));
  }

  function addFiles(files: Iterable<File>) {
    const added: Shot[] = [];
    const refused: string[] = [];
    for (const file of files) {
      if (!IMAGE_TYPES.includes(file.type)) {
        refused.push(`${file.name || 'The pasted item'} is not a PNG, JPEG or WebP picture.`);
        continue;
      }
      added.push({ file, url: URL.createObjectURL(file), capturedAt: new Date(file.lastModified || Date.now()).toISOString() });
    }
    setShots((current) => [...current, ...added]);
    setProblems(refused);
  }

  function onPaste(event: ClipboardEvent<HTMLFormElement>) {
    const files = Array.from(event.clipboardData.files);
    if (files.length > 0) {
      event.preventDefault();
      addFiles(files);
    }
  }

  async function waitForTicket(pressId: string, bearer: string) {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const res = await fetch(`/api/v1/presses/${pressId}?wait=20`, { headers: { authorization: `Bearer ${bearer}` } });
      if (!res.ok) throw new Error(describeApiError(res.status, (await res.json().catch(() => null)) as ApiError | null));
      const status = (await res.json()) as PressStatus;
      if (status.status === 'ticket_created') return setPhase({ kind: 'done', ticketNumber: status.ticketNumber ?? '' });
      if (status.status === 'refused') return setPhase({ kind: 'refused', message: status.message ?? '' });
      if (status.status === 'dead') {
        return setPhase({ kind: 'failed', message: 'Your request is saved, but the ticket could not be created. Your IT provider has been told.' });
      }
      if (status.status === 'retrying') {
        setPhase({ kind: 'waiting', pressId, note: 'The ticket system is slow to answer; your request is saved and will go through.' });
      }
    }
    setPhase({ kind: 'waiting', pressId, note: 'Still working on it. Your request is saved; you can close this page.' });
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!token) return;
    const data = new FormData(event.currentTarget);
    const message = String(data.get('message') ?? '').trim();
    const email = String(data.get('email') ?? '').trim();
    const found: string[] = [];
    if (!message) found.push('Please describe the problem in the message box.');
    if (email && !EMAIL.test(email)) found.push('That email address does not look right.');
    setProblems(found);
    if (found.length) return;
    // A readable name ("Windows 11"), not the whole user-agent string, for the technician.
    const os = await readBrowserOs(navigator);

    const press = {
      v: 1,
      name: String(data.get('name') ?? '').trim() || undefined,
      email: email || undefined,
      message,
      selections: chosen,
      host: { agentVersion: 'deskbell-web/0.1.0', ...(os ? { os } : {}) },
      screenshots: shots.map((s, i) => ({ capturedAt: s.capturedAt, monitor: i })),
    };
    const body = new FormData();
    body.append('press', new Blob([JSON.stringify(press)], { type: 'application/json' }));
    shots.forEach((s, i) => body.append('screenshot', s.file, s.file.name || `pasted-${i + 1}.png`));

    setPhase({ kind: 'uploading', percent: 0 });
    try {
      const { status, body: answer } = await sendPress(body, token, (percent) => setPhase({ kind: 'uploading', percent }));
      if (status !== 202 && status !== 200) {
        setPhase({ kind: 'editing' });
        setProblems([describeApiError(status, answer as ApiError | null)]);
        return;
      }
      const pressId = (answer as { id: string }).id;
      setPhase({ kind: 'waiting', pressId });
      await waitForTicket(pressId, token);
    } catch (err) {
      setPhase({ kind: 'editing' });
      setProblems([err instanceof Error ? err.message : 'Something went wrong. Please try again.']);
    }
  }

  if (token === undefined) return null;
  if (!token) {
    return (
      <p role="alert" className="mt-8 rounded-lg bg-amber-50 p-4 text-amber-900 ring-1 ring-amber-200">
        This page needs the help link your IT provider gave you. Open that link instead.
      </p>
    );
  }
  const sendAnother = (
    <button
      type="button"
      onClick={startOver}
      className="mt-3 rounded-md bg-white px-4 py-2 text-sm font-semibold text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-bell-500"
    >
      Send another request
    </button>
  );
  if (phase.kind === 'done') {
    return (
      <div className="mt-8">
        <p role="status" className="m-0 rounded-lg bg-emerald-50 p-4 text-emerald-900 ring-1 ring-emerald-200">
          Thank you. Your ticket number is <strong data-testid="ticket-number">#{phase.ticketNumber}</strong>.
        </p>
        {sendAnother}
      </div>
    );
  }
  if (phase.kind === 'refused' || phase.kind === 'failed') {
    return (
      <div className="mt-8">
        <p role="alert" className="m-0 rounded-lg bg-amber-50 p-4 text-amber-900 ring-1 ring-amber-200" data-testid="press-refused">
          <LinkedText text={phase.message} />
        </p>
        {sendAnother}
      </div>
    );
  }

  const busy = phase.kind === 'uploading' || phase.kind === 'waiting';
  return (
    <form className="mt-8 space-y-5" onSubmit={onSubmit} onPaste={onPaste} noValidate>
      <div className="grid gap-4 sm:grid-cols-2">
        <label className="block text-sm font-medium">
          Your name
          <input name="name" autoComplete="name" className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2" />
        </label>
        <label className="block text-sm font-medium">
          Email
          <input name="email" type="email" autoComplete="email" className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2" />
        </label>
      </div>
      <label className="block text-sm font-medium">
        What is wrong?
        <textarea name="message" rows={5} className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2" />
      </label>
      {selections.length > 0 && (
        <fieldset>
          <legend className="text-sm font-medium">Choose what fits</legend>
          <div className="mt-2 grid gap-2 sm:grid-cols-2">
            {selections.map((label) => (
              <label key={label} className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  checked={chosen.includes(label)}
                  onChange={(e) => setChosen((c) => (e.target.checked ? [...c, label] : c.filter((x) => x !== label)))}
                />
                {label}
              </label>
            ))}
          </div>
        </fieldset>
      )}
      <div>
        <p className="m-0 text-sm font-medium" id={`${ids}-shots`}>
          Screenshots
        </p>
        <div
          data-testid="screenshot-drop-zone"
          data-dragging={dragging}
          onDragEnter={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragOver={(e) => {
            e.preventDefault();
            e.dataTransfer.dropEffect = 'copy';
          }}
          onDragLeave={(e) => {
            if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
          }}
          onDrop={onDrop}
          className={`mt-1 flex flex-col items-center gap-2 rounded-lg border-2 border-dashed px-4 py-6 text-center focus-within:ring-2 focus-within:ring-bell-500 ${
            dragging ? 'border-bell-500 bg-bell-50' : 'border-slate-300 bg-white'
          }`}
        >
          <p className="m-0 text-sm text-slate-600">Drag pictures here, paste them (Ctrl+V), or</p>
          <input
            ref={fileInput}
            id={`${ids}-file`}
            type="file"
            accept={IMAGE_TYPES.join(',')}
            multiple
            aria-describedby={`${ids}-count`}
            className="sr-only"
            onChange={(e) => {
              addFiles(Array.from(e.target.files ?? []));
              e.target.value = '';
            }}
          />
          <label
            htmlFor={`${ids}-file`}
            className="cursor-pointer rounded-md bg-white px-3 py-1.5 text-sm font-semibold text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
          >
            Choose screenshots
          </label>
          <p id={`${ids}-count`} className="m-0 text-xs text-slate-500" aria-live="polite" data-testid="screenshot-count">
            {shots.length === 0 ? 'PNG, JPEG or WebP.' : `${shots.length} ${shots.length === 1 ? 'screenshot' : 'screenshots'} ready to send.`}
          </p>
        </div>
        {shots.length > 0 && (
          <ul className="mt-3 flex flex-wrap gap-3 p-0" aria-label="Screenshots to send">
            {shots.map((s, i) => (
              <li key={s.url} className="relative list-none">
                {/* eslint-disable-next-line @next/next/no-img-element -- local object URLs, not optimisable */}
                <img src={s.url} alt={`Screenshot ${i + 1}${s.file.name ? `: ${s.file.name}` : ''}`} className="h-20 w-32 rounded object-cover ring-1 ring-slate-300" />
                <button
                  type="button"
                  className="absolute -right-2 -top-2 flex h-6 w-6 items-center justify-center rounded-full bg-white text-sm leading-none text-slate-700 shadow ring-1 ring-slate-300 hover:bg-red-50 hover:text-red-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-bell-500"
                  aria-label={`Remove screenshot ${i + 1}`}
                  onClick={() => {
                    URL.revokeObjectURL(s.url);
                    setShots((c) => c.filter((x) => x !== s));
                    fileInput.current?.focus();
                  }}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      {problems.length > 0 && (
        <ul role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800 ring-1 ring-red-200">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      {phase.kind === 'uploading' && (
        <div>
          <progress className="w-full" max={100} value={phase.percent} aria-label="Sending" />
          <p className="text-xs text-slate-500">Sending… {phase.percent}%</p>
        </div>
      )}
      {phase.kind === 'waiting' && (
        <p role="status" className="text-sm text-slate-600">
          {phase.note ?? 'Sent. Creating your ticket…'}
        </p>
      )}
      <button
        type="submit"
        disabled={busy}
        className="rounded-md bg-bell-600 px-4 py-2 font-semibold text-white hover:bg-bell-700 disabled:opacity-50"
      >
        Send to IT support
      </button>
    </form>
  );
}
