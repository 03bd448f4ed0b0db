import Link from 'next/link';
import { SetupFrame } from '@/components/setup/setup-frame';
import { requireAdminPage } from '@/lib/auth/admin-session';
import { loadWizardPage } from '@/lib/setup/wizard-pages';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Setup' };

export default async function SetupPage() {
  await requireAdminPage('/setup');
  const { status } = await loadWizardPage();
  const next = status.steps.find((s) => s.state === 'failing' || s.state === 'todo');
  return (
    <SetupFrame
      status={status}
      title="Connect Deskbell to ConnectWise Manage"
      intro={
        <p>
          Eight steps, about fifteen minutes. Each step checks itself live against Manage and says what to change in Manage when something is
          missing. You can run any step again later.
        </p>
      }
    >
      <ol className="space-y-3">
        {status.steps.map((step) => (
          <li key={step.id} className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
            <Link href={step.href} className="font-medium text-bell-700 hover:underline">
              {step.number}. {step.title}
            </Link>
            <p className="text-sm text-slate-600">{step.detail}</p>
          </li>
        ))}
      </ol>
      {next ? (
        <Link href={next.href} className="inline-flex rounded-md bg-bell-600 px-4 py-2 text-sm font-semibold text-white hover:bg-bell-700">
          Continue with step {next.number}: {next.title}
        </Link>
      ) : (
        <p className="font-medium text-emerald-800">Everything is set up. Presses now become Manage tickets.</p>
      )}
      <p className="text-sm text-slate-600">
        Your name, logo and colour on the press page and in e-mails, and the choices end users can tick:{' '}
        <Link href="/setup/branding" className="font-medium text-bell-700 hover:underline">
          Press page and branding
        </Link>
        .
      </p>
    </SetupFrame>
  );
}
