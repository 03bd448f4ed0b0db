import type { PressPersonView } from '@/lib/presses/types';

export type PersonDetailsProps = {
  person: PressPersonView;
  /** False: the email matched no Manage contact and the press went to the catch-all contact. */
  registered: boolean | null;
  companyName: string | null;
};

const rows: { key: keyof PressPersonView; label: string }[] = [
  { key: 'name', label: 'Name' },
  { key: 'email', label: 'Email' },
  { key: 'phone', label: 'Phone' },
  { key: 'extension', label: 'Extension' },
  { key: 'cell', label: 'Cell' },
  { key: 'businessName', label: 'Business' },
];

/** Who pressed, as they typed it, and the Manage company the ticket went to. */
export function PersonDetails({ person, registered, companyName }: PersonDetailsProps) {
  const present = rows.filter((r) => person[r.key]);
  return (
    <div className="text-sm" data-testid="person-details">
      {registered === false ? (
        <p className="mb-2 rounded bg-amber-50 px-3 py-2 text-amber-900">
          Unregistered: {person.email ? <span className="font-mono">{person.email}</span> : 'no email given'} matched no
          Manage contact, so the ticket went to the catch-all contact.
        </p>
      ) : null}
      <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1">
        <dt className="text-slate-500">Company</dt>
        <dd className="m-0">{companyName ?? '—'}</dd>
        {present.map((r) => (
          <div key={r.key} className="contents">
            <dt className="text-slate-500">{r.label}</dt>
            <dd className="m-0 break-all">{person[r.key]}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
