'use client';

import { useState } from 'react';

export type RetryPressButtonProps = {
  pressId: string;
  /** Called once the server queued the press again. */
  onRetried: (pressId: string) => void;
};

async function readErrorMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: string } };
    if (body.error?.message) return body.error.message;
  } catch {
    // Not our JSON error body (a proxy's page, say): fall back to the status.
  }
  return `The retry failed (HTTP ${res.status}).`;
}

/** POSTs the retry of a dead press; shows the server's reason when it is refused. */
export function RetryPressButton({ pressId, onRetried }: RetryPressButtonProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function retry() {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(`/api/admin/presses/${encodeURIComponent(pressId)}/retry`, {
        method: 'POST',
        headers: { accept: 'application/json' },
      });
      if (!res.ok) {
        setError(await readErrorMessage(res));
        return;
      }
      onRetried(pressId);
    } catch {
      setError('The retry could not reach the server; check the connection and try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <span className="inline-flex flex-col items-start gap-1">
      <button
        type="button"
        onClick={retry}
        disabled={busy}
        className="rounded-md bg-bell-600 px-2.5 py-1 text-xs font-medium text-white hover:bg-bell-700 disabled:opacity-60"
      >
        {busy ? 'Retrying…' : 'Retry'}
      </button>
      {error ? (
        <span role="alert" className="max-w-xs text-xs text-red-700">
          {error}
        </span>
      ) : null}
    </span>
  );
}
