import type { Metadata } from 'next';
import type { ReactNode } from 'react';

export const metadata: Metadata = {
  title: 'Pod',
  // A pod page is only ever meant to be seen inside Manage.
  robots: { index: false, follow: false },
  referrer: 'no-referrer',
};

/**
 * The pod and its tabs, framed by ConnectWise Manage. No admin guard: the pod signs in
 * through Manage (the member's Hosted API authentication, proved by the server), and proxy.ts
 * lets only the Manage origins frame it.
 */
export default function PodLayout({ children }: { children: ReactNode }) {
  return <div className="bg-white">{children}</div>;
}
