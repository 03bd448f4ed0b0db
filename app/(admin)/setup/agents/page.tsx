import { AgentsStep } from '@/components/setup/agents-step';
import { SetupFrame } from '@/components/setup/setup-frame';
import { requireAdminPage } from '@/lib/auth/admin-session';
import { deskbellPublicUrl } from '@/lib/env';
import { loadAgentsStepPage } from '@/lib/setup/wizard-pages';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Setup: Agents' };

export default async function AgentsPage() {
  await requireAdminPage('/setup/agents');
  const { status, tokens } = await loadAgentsStepPage();
  const publicUrl = deskbellPublicUrl();
  return (
    <SetupFrame
      status={status}
      current="agents"
      title="Agents"
      intro={
        <p>
          An agent token lets a help button send presses: the web press page, or the CLI agent (
          <code>npm run press -- --server {publicUrl} --token &lt;token&gt; --message &hellip;</code>). Tokens are stored hashed and shown once.
        </p>
      }
    >
      <AgentsStep tokens={tokens} publicUrl={publicUrl} />
    </SetupFrame>
  );
}
