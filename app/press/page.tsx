import type { Metadata } from 'next';
import { BrandHeader } from '@/components/branding/brand-header';
import { PressForm } from '@/components/press/press-form';
import { loadPressPage } from '@/lib/settings/press-page';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Ask for help' };

export default async function PressPage() {
  // The choices are the admin's (Setup > Press page and branding), else DESKBELL_PRESS_SELECTIONS.
  const { selections, branding } = await loadPressPage();
  return (
    <main className="mx-auto max-w-2xl px-6 py-12">
      <BrandHeader branding={branding} className="mb-8" />
      <h1 className="text-2xl font-bold tracking-tight">Ask for help</h1>
      <p className="mt-2 text-slate-600">
        Tell us what is wrong. Screenshots help the technician see what you see: paste them
        (Ctrl+V) or add them below.
      </p>
      <PressForm selections={selections} />
    </main>
  );
}
