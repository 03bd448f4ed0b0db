import { RulesStep } from '@/components/rules/rules-step';
import { SetupFrame } from '@/components/setup/setup-frame';
import { requireAdminPage } from '@/lib/auth/admin-session';
import { loadRulesStepPage } from '@/lib/setup/wizard-pages';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Setup: Rules' };

export default async function RulesPage() {
  await requireAdminPage('/setup/rules');
  const { status, data } = await loadRulesStepPage();
  return (
    <SetupFrame
      status={status}
      current="rules"
      title="Rules"
      intro={
        <p>
          Optional. Dispatcher rules are small Python 3 scripts that route a press by its message, selections, company or computer: they set the
          board, status, priority, team or owner, or refuse the press. Rules you already have from another help-desk button work as they are.
          Saving checks the syntax first; every save is kept, and any earlier version can be made active again with one click.
        </p>
      }
    >
      <RulesStep data={data} />
    </SetupFrame>
  );
}
