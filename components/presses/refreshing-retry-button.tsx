'use client';

import { useRouter } from 'next/navigation';
import { RetryPressButton } from './retry-press-button';

/** The report page's Retry: after the server queued the press, the page re-renders with the new state. */
export function RefreshingRetryButton({ pressId }: { pressId: string }) {
  const router = useRouter();
  return <RetryPressButton pressId={pressId} onRetried={() => router.refresh()} />;
}
