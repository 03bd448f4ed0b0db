'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useState, type FormEvent } from 'react';
import type { RuleCheckView, RulesPageData, RuleTestResult, RuleVersionList, SampleRulePress, SaveRulesResult } from '@/lib/rules/types';
import { Alert, primaryButton, secondaryButton } from '@/components/setup/form-field';
import { LocalTime } from '@/components/ui/local-time';
import { RuleEditor, type MarkedLine } from './rule-editor';
import { callRulesApi, type RulesApiDetail } from './rules-api';
import { RuleTestResultView } from './rule-test-result';
import { RuleVersionHistory } from './rule-version-history';
import { SamplePressFields } from './sample-press-form';
import { startingValuesFrom, StartingValuesFields, type StartingValueDrafts } from './starting-values-fields';

type Notice = { tone: 'error' | 'success' | 'info' | 'warning'; title: string; text: string };

const where = (line: number | null | undefined, column: number | null | undefined) =>
  [line ? `Line ${line}` : null, column ? `column ${column}` : null].filter(Boolean).join(', ');

function markFromDetail(detail: RulesApiDetail | undefined): MarkedLine | null {
  if (!detail?.line) return null;
  return { line: detail.line, column: detail.column ?? null, message: detail.message ?? 'Syntax error' };
}

/**
 * Step 5: the rules in a real editor, Check and Save (Python's own syntax check first), a
 * test Run against a sample press, and the version history with one-click rollback.
 */
export function RulesStep({ data }: { data: RulesPageData }) {
  const router = useRouter();
  const [list, setList] = useState<RuleVersionList>(data.list);
  const [source, setSource] = useState(data.list.active?.source ?? '');
  const [note, setNote] = useState('');
  const [marked, setMarked] = useState<MarkedLine | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState<null | 'check' | 'save' | 'run' | 'rollback'>(null);
  const [rollingBack, setRollingBack] = useState<number | null>(null);
  const [sample, setSample] = useState<SampleRulePress>(data.prefill.sample);
  const [sampleErrors, setSampleErrors] = useState<Record<string, string>>({});
  const [startDrafts, setStartDrafts] = useState<StartingValueDrafts>({});
  const [result, setResult] = useState<RuleTestResult | null>(null);
  const [runProblem, setRunProblem] = useState<string | null>(null);

  const activeSource = list.active?.source ?? '';
  const dirty = source !== activeSource;

  const onEdit = useCallback((next: string) => {
    setSource(next);
    // The marked line belonged to the text as it was checked; an edit may have fixed it.
    setProblem(null);
  }, []);

  async function reloadVersions(): Promise<RuleVersionList | null> {
    const res = await callRulesApi<RuleVersionList>('GET', '/api/admin/rules/versions');
    if (!res.ok) return null;
    setList(res.data);
    return res.data;
  }

  function showSyntaxProblem(message: string, details: RulesApiDetail[]) {
    const detail = details.find((d) => d.path === 'source');
    setMarked(markFromDetail(detail));
    setProblem(detail ? `${where(detail.line, detail.column)}${detail.line || detail.column ? ': ' : ''}${detail.message ?? message}` : message);
  }

  async function check() {
    setBusy('check');
    setNotice(null);
    const res = await callRulesApi<RuleCheckView>('POST', '/api/admin/rules/check', { source });
    setBusy(null);
    if (!res.ok) {
      setNotice({ tone: 'error', title: 'Not checked', text: res.message });
      return;
    }
    if (res.data.ok) {
      setMarked(null);
      setProblem(null);
      setNotice({ tone: 'success', title: 'No syntax errors', text: 'Python compiles these rules. Run them on a sample press to see what they do.' });
      return;
    }
    const e = res.data.error;
    showSyntaxProblem(`${e.type}: ${e.message}`, [{ path: 'source', message: `${e.type}: ${e.message}`, line: e.line, column: e.column }]);
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy('save');
    setNotice(null);
    const res = await callRulesApi<SaveRulesResult>('POST', '/api/admin/rules/versions', {
      source,
      note: note.trim() || undefined,
      baseVersion: list.active?.version ?? null,
    });
    setBusy(null);
    if (!res.ok) {
      if (res.status === 422 && res.details.some((d) => d.path === 'source')) {
        showSyntaxProblem(res.message, res.details);
        setNotice({ tone: 'error', title: 'Not saved', text: res.message });
        return;
      }
      setNotice({ tone: 'error', title: 'Not saved', text: res.message });
      return;
    }
    setMarked(null);
    setProblem(null);
    setNote('');
    await reloadVersions();
    setNotice(
      res.data.unchanged
        ? { tone: 'info', title: 'Nothing to save', text: `These rules are already the active version (v${res.data.version.version}).` }
        : { tone: 'success', title: `Saved as v${res.data.version.version}`, text: 'The next press uses these rules. No restart needed.' },
    );
    router.refresh();
  }

  async function rollback(version: number) {
    if (dirty && !window.confirm(`Your unsaved changes in the editor will be replaced by the rules of v${version}. Roll back?`)) return;
    setBusy('rollback');
    setRollingBack(version);
    setNotice(null);
    const res = await callRulesApi<SaveRulesResult>('POST', `/api/admin/rules/rollback/${version}`);
    setBusy(null);
    setRollingBack(null);
    if (!res.ok) {
      setNotice({ tone: 'error', title: 'Not rolled back', text: res.message });
      return;
    }
    const reloaded = await reloadVersions();
    if (reloaded) setSource(reloaded.active?.source ?? '');
    setMarked(null);
    setProblem(null);
    setNotice({
      tone: 'success',
      title: res.data.unchanged ? `v${version} is already active` : `Rolled back to v${version}`,
      text: res.data.unchanged ? 'Nothing changed.' : `Its rules are now active as v${res.data.version.version}; the next press uses them.`,
    });
    router.refresh();
  }

  async function run(e: FormEvent) {
    e.preventDefault();
    if (sample.message.trim() === '') {
      setSampleErrors({ 'sample.message': 'Type a sample message, as an end user would.' });
      return;
    }
    setBusy('run');
    setRunProblem(null);
    const res = await callRulesApi<RuleTestResult>('POST', '/api/admin/rules/test', { source, sample, start: startingValuesFrom(startDrafts) });
    setBusy(null);
    if (!res.ok) {
      setSampleErrors(Object.fromEntries(res.details.filter((d) => d.path && d.message).map((d) => [d.path!, d.message!])));
      setRunProblem(res.message);
      return;
    }
    setSampleErrors({});
    setResult(res.data);
    const error = res.data.error;
    if (error?.line) setMarked({ line: error.line, column: null, message: `${error.type}: ${error.message}` });
    else setMarked(null);
  }

  return (
    <div className="space-y-8">
      <form onSubmit={save} noValidate aria-label="Dispatcher rules" className="space-y-4 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="rules-editor-label" className="text-lg font-semibold">
            Rules
          </h2>
          <p className="m-0 text-sm text-slate-500" data-testid="rules-active-version">
            {list.active ? `Active: v${list.active.version}` : 'No rules saved yet'}
            {dirty ? ' \u00b7 unsaved changes' : ''}
          </p>
        </div>
        <p id="rules-editor-hint" className="m-0 text-sm text-slate-600">
          Python 3. Set <code>board</code>, <code>state</code>, <code>priority</code>, <code>team</code>, <code>owner</code> and the rest by name;
          set <code>exception</code> to refuse a press. <code>selections</code>, <code>name</code>, <code>email</code>, <code>company</code> and the
          computer&rsquo;s details are read-only. Empty rules change nothing.
        </p>
        <RuleEditor
          labelledBy="rules-editor-label"
          describedBy={problem ? 'rules-editor-hint rules-editor-problem' : 'rules-editor-hint'}
          value={source}
          onChange={onEdit}
          marked={marked}
          invalid={problem !== null}
        />
        {problem ? (
          <p id="rules-editor-problem" role="alert" className="m-0 text-sm font-medium text-red-700" data-testid="rules-problem">
            {problem}
          </p>
        ) : null}
        <div className="flex flex-wrap items-end gap-3">
          <div className="min-w-64 flex-1">
            <label htmlFor="rules-note" className="block text-sm font-medium text-slate-800">
              Note (optional)
            </label>
            <input
              id="rules-note"
              value={note}
              maxLength={200}
              onChange={(e) => setNote(e.target.value)}
              placeholder="What changed, for the history"
              className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
            />
          </div>
          <button type="button" className={secondaryButton} disabled={busy !== null} onClick={() => void check()}>
            {busy === 'check' ? 'Checking\u2026' : 'Check'}
          </button>
          <button type="submit" className={primaryButton} disabled={busy !== null}>
            {busy === 'save' ? 'Saving\u2026' : 'Save'}
          </button>
        </div>
        {notice ? (
          <Alert tone={notice.tone} title={notice.title}>
            {notice.text}
          </Alert>
        ) : null}
      </form>

      <form onSubmit={run} noValidate aria-label="Test the rules" className="space-y-4 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <h2 className="text-lg font-semibold">Test on a sample press</h2>
        <p className="text-sm text-slate-600">
          Runs the rules as they are in the editor (saved or not) with the saved defaults (or the starting values below), in a sandbox of its own built like the one presses use. Nothing is sent to
          Manage.{' '}
          {data.prefill.fromPress
            ? (
                <>
                  Prefilled from the most recent press (<LocalTime iso={data.prefill.fromPress.receivedAt} />).
                </>
              )
            : 'No press has arrived yet, so the sample is made up.'}
        </p>
        <p className="text-xs text-slate-500" data-testid="rules-network-containment">
          {data.networkContainment === 'namespace'
            ? 'Rules run without network access: their sandbox has its own network namespace with no interfaces.'
            : 'Network containment is by the JavaScript layer only: this host offers no network namespace for the rule sandbox.'}
        </p>
        <SamplePressFields sample={sample} onChange={setSample} errors={sampleErrors} />
        <StartingValuesFields defaults={data.startingValues} drafts={startDrafts} onChange={setStartDrafts} errors={sampleErrors} />
        <button type="submit" className={primaryButton} disabled={busy !== null}>
          {busy === 'run' ? 'Running\u2026' : 'Run'}
        </button>
        {runProblem ? (
          <Alert tone="error" title="The test did not run">
            {runProblem}
          </Alert>
        ) : null}
        {result ? <RuleTestResultView result={result} /> : null}
      </form>

      <section aria-labelledby="rules-history" className="space-y-3">
        <h2 id="rules-history" className="text-lg font-semibold">
          History
        </h2>
        <RuleVersionHistory
          versions={list.versions}
          total={list.total}
          activeSha={list.active?.sha256 ?? null}
          busyVersion={rollingBack}
          onRollback={(v) => void rollback(v)}
        />
      </section>
    </div>
  );
}
