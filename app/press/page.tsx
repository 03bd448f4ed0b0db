import type { Metadata } from 'next';
import { PressForm } from '@/components/press/press-form';
import { loadIntakeSettings } from '@/lib/settings/intake-settings';
import { getDatabase } from '@/lib/store/database';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Ask for help' };

export default async function PressPage() {
  const { selections } = await loadIntakeSettings(await getDatabase());
  return (
    <main className="mx-auto max-w-2xl px-6 py-12">
      <h1 className="text-2xl font-bold tracking-tight">Ask for help</h1>
      <p className="mt-2 text-slate-600">
        Tell us what is wrong. Screenshots help the technician see what you see: paste them
        (Ctrl+V) or add them below.
      </p>
      <PressForm selections={selections} />
    </main>
  );
}
