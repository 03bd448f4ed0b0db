import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { clientEnv } from '@/lib/env';
import './globals.css';

// Every page renders per request: Next.js can only put this request's CSP nonce (proxy.ts) on
// its scripts when it renders the page now; a prerendered page would carry none and not run.
export const dynamic = 'force-dynamic';

export const metadata: Metadata = {
  title: { default: clientEnv.NEXT_PUBLIC_APP_NAME, template: `%s · ${clientEnv.NEXT_PUBLIC_APP_NAME}` },
  description: 'A help-desk button that turns a press into a routed ConnectWise Manage ticket.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-ink-900 antialiased">{children}</body>
    </html>
  );
}
