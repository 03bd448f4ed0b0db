export type MessageAndSelectionsProps = {
  message: string;
  selections: string[];
  /** Texts the agent appended to the message (e.g. the default printer). */
  append: string[];
  custom?: Record<string, string | number | boolean>;
};

/** What the user wrote and ticked, exactly as sent (whitespace kept). */
export function MessageAndSelections({ message, selections, append, custom = {} }: MessageAndSelectionsProps) {
  const customEntries = Object.entries(custom);
  return (
    <div className="space-y-4 text-sm">
      <div>
        <h3 className="mb-1 font-medium text-slate-700">Message</h3>
        <p className="m-0 whitespace-pre-wrap break-words rounded bg-slate-50 p-3" data-testid="press-message">
          {message || '(no message)'}
        </p>
      </div>
      <div>
        <h3 className="mb-1 font-medium text-slate-700">Selections</h3>
        {selections.length === 0 ? (
          <p className="m-0 text-slate-500">No selections.</p>
        ) : (
          <ul className="m-0 flex list-none flex-wrap gap-2 p-0" data-testid="press-selections">
            {selections.map((s, i) => (
              <li key={`${i}-${s}`} className="rounded-full bg-bell-50 px-2.5 py-0.5 text-bell-700 ring-1 ring-bell-100">
                {s}
              </li>
            ))}
          </ul>
        )}
      </div>
      {append.length > 0 ? (
        <div>
          <h3 className="mb-1 font-medium text-slate-700">Appended by the agent</h3>
          {append.map((text, i) => (
            <p key={i} className="m-0 mb-2 whitespace-pre-wrap break-words rounded bg-slate-50 p-3 font-mono text-xs">
              {text}
            </p>
          ))}
        </div>
      ) : null}
      {customEntries.length > 0 ? (
        <div>
          <h3 className="mb-1 font-medium text-slate-700">Custom fields</h3>
          <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1">
            {customEntries.map(([key, value]) => (
              <div key={key} className="contents">
                <dt className="text-slate-500">{key}</dt>
                <dd className="m-0 break-all">{String(value)}</dd>
              </div>
            ))}
          </dl>
        </div>
      ) : null}
    </div>
  );
}
