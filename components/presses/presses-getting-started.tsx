import Link from 'next/link';

/** One first step and whether this install has done it. */
export type FirstStep = { title: string; text: string; href?: string; action?: string; done: boolean };

/**
 * What a fresh install's dashboard shows instead of an empty list and an empty chart: the
 * three things that lead to a first press, each with its page and whether it is done.
 */
export function PressesGettingStarted({ steps }: { steps: FirstStep[] }) {
  return (
    <section aria-labelledby="first-press-heading" className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200" data-testid="presses-getting-started">
      <h2 id="first-press-heading" className="m-0 text-lg font-semibold">
        No presses yet
      </h2>
      <p className="m-0 mt-1 text-sm text-slate-600">
        Every press shows up here with its Manage ticket and how long the ticket took. Three steps lead to the first one:
      </p>
      <ol className="m-0 mt-4 list-none space-y-3 p-0">
        {steps.map((step, i) => (
          <li key={step.title} className="flex items-start gap-3" data-testid="first-step" data-done={step.done}>
            <span
              aria-hidden="true"
              className={`mt-0.5 flex h-6 w-6 shrink-0 items-center justify-center rounded-full text-xs font-semibold ${
                step.done ? 'bg-emerald-100 text-emerald-800' : 'bg-bell-100 text-bell-700'
              }`}
            >
              {step.done ? '✓' : i + 1}
            </span>
            <div>
              <p className="m-0 text-sm font-medium">
                {step.title}
                {step.done ? <span className="ml-2 text-xs font-normal text-emerald-700">Done</span> : null}
              </p>
              <p className="m-0 text-sm text-slate-600">{step.text}</p>
              {step.href ? (
                <Link href={step.href} className="text-sm text-bell-700 underline">
                  {step.action}
                </Link>
              ) : null}
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
