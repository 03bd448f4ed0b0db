import Link from 'next/link';
import type { WizardStep, WizardStepId, WizardStepState } from '@/lib/setup/wizard-status';

const STATE_LABEL: Record<WizardStepState, string> = { done: 'Done', failing: 'Failing', todo: 'To do', optional: 'Optional' };
const STATE_STYLE: Record<WizardStepState, string> = {
  done: 'bg-emerald-100 text-emerald-800 ring-emerald-600/20',
  failing: 'bg-red-100 text-red-800 ring-red-600/20',
  todo: 'bg-slate-100 text-slate-700 ring-slate-500/20',
  optional: 'bg-sky-50 text-sky-800 ring-sky-600/20',
};
const STATE_MARK: Record<WizardStepState, string> = { done: '\u2713', failing: '!', todo: '', optional: '' };

/**
 * The step indicator. Each link is named "<n>. <title>: <state>" (e.g. "2. Permissions:
 * Failing"), so the state is read out with the step, not only shown by colour.
 */
export function SetupSteps({ steps, current }: { steps: WizardStep[]; current?: WizardStepId }) {
  return (
    <nav aria-label="Setup steps">
      <ol className="grid gap-2 sm:grid-cols-4 lg:grid-cols-8">
        {steps.map((step) => (
          <li key={step.id}>
            <Link
              href={step.href}
              aria-current={step.id === current ? 'step' : undefined}
              aria-label={`${step.number}. ${step.title}: ${STATE_LABEL[step.state]}`}
              data-state={step.state}
              title={step.detail}
              className={`flex h-full flex-col gap-1 rounded-lg p-3 text-sm ring-1 ring-inset hover:bg-white ${step.id === current ? 'bg-white ring-bell-500' : 'bg-slate-50 ring-slate-200'}`}
            >
              <span className="font-medium text-slate-900">
                {step.number}. {step.title}
              </span>
              <span className={`inline-flex w-fit items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATE_STYLE[step.state]}`}>
                <span aria-hidden="true">{STATE_MARK[step.state]}</span>
                {STATE_LABEL[step.state]}
              </span>
            </Link>
          </li>
        ))}
      </ol>
    </nav>
  );
}
