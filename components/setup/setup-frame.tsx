import type { ReactNode } from 'react';
import type { WizardStatus, WizardStepId } from '@/lib/setup/wizard-status';
import { SetupSteps } from './setup-steps';

/** Heading, step indicator and the step's own content; every setup page renders inside it. */
export function SetupFrame({
  status,
  current,
  title,
  intro,
  children,
}: {
  status: WizardStatus;
  current?: WizardStepId;
  title: string;
  intro: ReactNode;
  children: ReactNode;
}) {
  const step = status.steps.find((s) => s.id === current);
  return (
    <main className="mx-auto max-w-5xl space-y-8 px-6 py-10">
      <header className="space-y-4">
        <p className="text-sm font-semibold uppercase tracking-wide text-bell-600">Setup</p>
        <SetupSteps steps={status.steps} current={current} />
        <h1 className="text-2xl font-bold tracking-tight">{step ? `Step ${step.number}: ${title}` : title}</h1>
        <div className="max-w-3xl text-slate-600">{intro}</div>
        {step ? (
          <p className="text-sm text-slate-500" data-testid="step-detail">
            Last result: {step.detail}
          </p>
        ) : null}
      </header>
      {children}
    </main>
  );
}
