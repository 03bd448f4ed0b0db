'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { callSetupApi, type SetupApiResult } from './setup-api';

/**
 * The state of a registration step (Callbacks, Pod): the step's state from the server, one
 * action at a time (register, refresh, repair or remove a row), and the error, notice and sync
 * report the last action left. RegistrationStep renders it; each step adds its form and words.
 */

export type RegistrationBusy = null | 'register' | 'refresh' | { repair: number } | { remove: number };

export function isBusyWith(busy: RegistrationBusy, what: 'repair' | 'remove', id: number): boolean {
  if (typeof busy !== 'object' || busy === null) return false;
  return what === 'repair' ? 'repair' in busy && busy.repair === id : 'remove' in busy && busy.remove === id;
}

export function useManageRegistration<State, Report, Row extends { id: number }>(options: {
  api: string;
  initial: State;
  /** The notice after a repair, from the row before and the repaired row. */
  repairedNotice: (row: Row, repaired: Row) => string;
  removedNotice: (row: Row) => string;
}) {
  const router = useRouter();
  const [state, setState] = useState(options.initial);
  const [busy, setBusy] = useState<RegistrationBusy>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);

  async function reload(): Promise<boolean> {
    const res = await callSetupApi<State>('GET', options.api);
    if (!res.ok) {
      setError(res.message);
      return false;
    }
    setState(res.data);
    router.refresh();
    return true;
  }

  /** Runs one action: clears what the last one said, shows `what` as busy, reloads after a success. */
  async function act<T>(what: Exclude<RegistrationBusy, null>, call: () => Promise<SetupApiResult<T>>, done: (data: T) => void): Promise<SetupApiResult<T>> {
    setError(null);
    setNotice(null);
    if (what !== 'refresh') setReport(null);
    setBusy(what);
    const res = await call();
    if (!res.ok) {
      setBusy(null);
      setError(res.message);
      return res;
    }
    done(res.data);
    await reload();
    setBusy(null);
    return res;
  }

  return {
    state,
    busy,
    working: busy !== null,
    error,
    notice,
    report,
    confirming,
    setConfirming,
    refresh: () => act('refresh', async () => ({ ok: true as const, status: 200, data: null }), () => undefined),
    register: (body: unknown) => act('register', () => callSetupApi<Report>('POST', options.api, body), setReport),
    repair: (row: Row) =>
      act({ repair: row.id }, () => callSetupApi<{ row: Row }>('POST', `${options.api}/${row.id}?action=repair`), (data) =>
        setNotice(options.repairedNotice(row, data.row)),
      ),
    remove: async (row: Row) => {
      const res = await act({ remove: row.id }, () => callSetupApi<{ removed: number }>('DELETE', `${options.api}/${row.id}`), () =>
        setNotice(options.removedNotice(row)),
      );
      setConfirming(null);
      return res;
    },
  };
}
