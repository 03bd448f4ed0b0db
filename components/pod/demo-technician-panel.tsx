'use client';

/**
 * What a technician does to a ticket in Manage, for the demo Manage ticket screen: change the
 * status, add a note (external or internal), assign an owner. Each goes through `onChange`
 * (the page's server action, which asks the simulator), then the screen reloads its fields.
 */
import { useRouter } from 'next/navigation';
import { useId, useState, useTransition } from 'react';
import { primaryButton, secondaryButton } from '@/components/setup/form-field';

export type DemoTechnicianChange =
  | { kind: 'status'; ticketId: number; status: string }
  | { kind: 'note'; ticketId: number; text: string; internal: boolean }
  | { kind: 'owner'; ticketId: number; member: string };

export type DemoTechnicianPanelProps = {
  ticketId: number;
  status: string | null;
  ownerIdentifier: string | null;
  statuses: string[];
  members: { identifier: string; name: string }[];
  onChange: (change: DemoTechnicianChange) => Promise<{ ok: boolean; message: string }>;
};

const fieldClass = 'mt-1 block w-full rounded border border-slate-300 bg-white px-2 py-1.5 text-sm focus:outline-none focus:ring-2 focus:ring-bell-500';

export function DemoTechnicianPanel(props: DemoTechnicianPanelProps) {
  const router = useRouter();
  const ids = useId();
  const [status, setStatus] = useState(props.statuses.find((s) => s !== props.status) ?? props.status ?? '');
  const [note, setNote] = useState('');
  const [internal, setInternal] = useState(false);
  const [owner, setOwner] = useState(props.members.find((m) => m.identifier !== props.ownerIdentifier)?.identifier ?? '');
  const [result, setResult] = useState<{ ok: boolean; message: string } | null>(null);
  const [pending, startTransition] = useTransition();

  const run = (change: DemoTechnicianChange, after?: () => void) => {
    setResult(null);
    startTransition(async () => {
      const answer = await props.onChange(change);
      setResult(answer);
      if (answer.ok) {
        after?.();
        router.refresh();
      }
    });
  };

  return (
    <section aria-labelledby={`${ids}-heading`} className="rounded border border-slate-200 bg-white p-3" data-testid="demo-technician-panel">
      <h2 id={`${ids}-heading`} className="m-0 text-sm font-semibold text-slate-800">
        Work the ticket as a technician
      </h2>
      <p className="m-0 mt-1 text-xs text-slate-500">
        What a technician does in Manage. The simulator calls Deskbell back, and the device that pressed shows the notification (
        <code>npm run press -- --listen</code>).
      </p>
      <div className="mt-3 grid gap-4 md:grid-cols-3">
        <form
          aria-label="Change status"
          onSubmit={(e) => {
            e.preventDefault();
            run({ kind: 'status', ticketId: props.ticketId, status });
          }}
        >
          <label htmlFor={`${ids}-status`} className="block text-xs font-medium text-slate-700">
            New status
          </label>
          <select id={`${ids}-status`} value={status} onChange={(e) => setStatus(e.target.value)} className={fieldClass}>
            {props.statuses.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
          <button type="submit" className={`${primaryButton} mt-2 px-3 py-1.5 text-xs`} disabled={pending || !status || status === props.status}>
            Change status
          </button>
        </form>
        <form
          aria-label="Add a note"
          onSubmit={(e) => {
            e.preventDefault();
            run({ kind: 'note', ticketId: props.ticketId, text: note, internal }, () => setNote(''));
          }}
        >
          <label htmlFor={`${ids}-note`} className="block text-xs font-medium text-slate-700">
            Note text
          </label>
          <textarea id={`${ids}-note`} rows={2} value={note} onChange={(e) => setNote(e.target.value)} className={fieldClass} />
          <label className="mt-1 inline-flex items-center gap-2 text-xs text-slate-700">
            <input type="checkbox" checked={internal} onChange={(e) => setInternal(e.target.checked)} />
            Internal (technicians only; the end user is not told)
          </label>
          <div>
            <button type="submit" className={`${primaryButton} mt-2 px-3 py-1.5 text-xs`} disabled={pending || note.trim() === ''}>
              {internal ? 'Add internal note' : 'Add note'}
            </button>
          </div>
        </form>
        <form
          aria-label="Assign an owner"
          onSubmit={(e) => {
            e.preventDefault();
            run({ kind: 'owner', ticketId: props.ticketId, member: owner });
          }}
        >
          <label htmlFor={`${ids}-owner`} className="block text-xs font-medium text-slate-700">
            New owner
          </label>
          <select id={`${ids}-owner`} value={owner} onChange={(e) => setOwner(e.target.value)} className={fieldClass}>
            {props.members.map((m) => (
              <option key={m.identifier} value={m.identifier}>
                {m.name}
              </option>
            ))}
          </select>
          <button
            type="submit"
            className={`${secondaryButton} mt-2 px-3 py-1.5 text-xs`}
            disabled={pending || !owner || owner === props.ownerIdentifier}
          >
            Assign
          </button>
        </form>
      </div>
      <p role="status" aria-live="polite" className={`m-0 mt-2 min-h-5 text-xs ${result?.ok === false ? 'text-red-700' : 'text-emerald-800'}`} data-testid="demo-technician-result">
        {pending ? 'Saving in Manage…' : (result?.message ?? '')}
      </p>
    </section>
  );
}
