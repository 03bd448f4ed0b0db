'use client';

/**
 * What the pod's views need from the signed-in session, without prop drilling: the token (as
 * a getter), a way to renew it after a 401, and Manage's openScreen. Data goes through
 * react-query; the token is never part of a query key, so a renewed token refetches nothing.
 */
import { useQuery, type QueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect } from 'react';
import type { HostedApiClient } from '@/components/pod/hosted-api/client';
import { fetchPodImage, fetchPodJson, PodApiError } from './pod-api';

export type PodContextValue = {
  getToken: () => string | null;
  renew: () => Promise<string>;
  openScreen: HostedApiClient['openScreen'];
};

export const PodContext = createContext<PodContextValue | null>(null);

export function usePodContext(): PodContextValue {
  const value = useContext(PodContext);
  if (!value) throw new Error('usePodContext() outside <PodContext.Provider>');
  return value;
}

/** Runs `call` with the token; a 401 (expired or revoked) renews the token once and tries again. */
export async function withToken<T>(pod: Pick<PodContextValue, 'getToken' | 'renew'>, call: (token: string) => Promise<T>): Promise<T> {
  const token = pod.getToken() ?? (await pod.renew());
  try {
    return await call(token);
  } catch (err) {
    if (err instanceof PodApiError && err.status === 401) return call(await pod.renew());
    throw err;
  }
}

export function usePodJson<T>(key: readonly unknown[], path: string) {
  const pod = usePodContext();
  return useQuery({
    queryKey: key,
    queryFn: ({ signal }) => withToken(pod, (token) => fetchPodJson<T>(path, token, signal)),
    // 4xx answers are decisions (not found, not allowed), not hiccups.
    retry: (count, err) => count < 2 && !(err instanceof PodApiError && err.status >= 400 && err.status < 500),
  });
}

const IMAGE_KEY = 'pod-image';

/**
 * An image from a pod route as an object URL, fetched with the token. Cached by src (switching
 * slides back and forth fetches nothing again); null src means "not wanted yet".
 */
export function usePodImage(src: string | null | undefined) {
  const pod = usePodContext();
  return useQuery({
    queryKey: [IMAGE_KEY, src ?? null],
    queryFn: ({ signal }) => withToken(pod, (token) => fetchPodImage(src!, token, signal)),
    enabled: Boolean(src),
    staleTime: Infinity,
    gcTime: 10 * 60_000,
    retry: (count, err) => count < 1 && !(err instanceof PodApiError && err.status >= 400 && err.status < 500),
  });
}

/** Revokes an image's object URL when react-query drops it (gc, clear on unmount): no blob outlives its use. */
export function useRevokeImagesOnRemoval(client: QueryClient): void {
  useEffect(() => {
    const cache = client.getQueryCache();
    const stop = cache.subscribe((event) => {
      if (event.type !== 'removed' || event.query.queryKey[0] !== IMAGE_KEY) return;
      const url = event.query.state.data;
      if (typeof url === 'string' && url.startsWith('blob:')) URL.revokeObjectURL(url);
    });
    return () => {
      client.clear();
      stop();
    };
  }, [client]);
}
