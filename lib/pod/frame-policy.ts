import 'server-only';
import { createCacheInvalidation } from '@/lib/cluster/cluster-signal';
import { manageUiOrigin } from '@/lib/connectwise/ui-links';
import { deskbellPublicUrl, serverEnv, type ServerEnv } from '@/lib/env';
import { MANAGE_CONNECTION_SETTING } from '@/lib/settings/manage-connection';
import { loadManageSite } from '@/lib/settings/manage-site';
import { getDatabase } from '@/lib/store/database';

/**
 * Who may frame the pod and talk to it over postMessage. One list serves both: the CSP
 * `frame-ancestors` header (the browser refuses to render the pod inside anyone else) and the
 * Hosted API client's exact origin check (the pod hears nobody else). Keeping them one value
 * means the two can never disagree.
 */
export type FramePolicy = {
  /** Exact origins (`https://na.myconnectwise.net`), deduplicated; empty means nobody. */
  origins: string[];
  /** The Manage web UI of the stored connection (or MANAGE_ENDPOINT), when there is one. */
  manageOrigin: string | null;
  /** Deskbell's own origin, allowed in demo mode only so /demo/manage/... can frame the pod. */
  demoOrigin: string | null;
};

export type FramePolicyInput = {
  /** The Manage endpoint as stored (`host/v4_6_release`); null when not connected. */
  manageEndpoint: string | null;
  /** MANAGE_UI_ORIGINS, already validated as exact origins by lib/env.ts. */
  extraOrigins: readonly string[];
  demo: boolean;
  publicUrl: string | undefined;
  port: number;
};

/** How long one answer is reused: the proxy asks on every pod request, the connection rarely changes. */
export const FRAME_POLICY_CACHE_MS = 30_000;

/** Deskbell's own origin as the browser sees it: the public URL's, else the local default's. */
export function deskbellOrigin(publicUrl: string | undefined, port: number): string {
  // lib/env.ts validated the URL; one that does not parse all the same falls back to the default.
  const url = deskbellPublicUrl({ DESKBELL_PUBLIC_URL: publicUrl && URL.canParse(publicUrl) ? publicUrl : undefined, PORT: port });
  return new URL(url).origin;
}

/** Pure: the policy for a given configuration. */
export function resolveFramePolicy(input: FramePolicyInput): FramePolicy {
  const manageOrigin = input.manageEndpoint ? manageUiOrigin(input.manageEndpoint) : null;
  const demoOrigin = input.demo ? deskbellOrigin(input.publicUrl, input.port) : null;
  const origins = [...new Set([manageOrigin, ...input.extraOrigins, demoOrigin].filter((o): o is string => Boolean(o)))];
  return { origins, manageOrigin, demoOrigin };
}

/**
 * The CSP directive for pod pages. Origins go in verbatim: they are exact origins by
 * construction, and a CSP source list has no quoting, so anything with a space, a `;` or a
 * `,` would change the policy's meaning; such a value is dropped rather than trusted.
 */
export function frameAncestorsDirective(origins: readonly string[]): string {
  const safe = origins.filter((o) => /^https?:\/\/[^\s;,'"]+$/.test(o));
  return safe.length === 0 ? "frame-ancestors 'none'" : `frame-ancestors ${safe.join(' ')}`;
}

type Cached = { at: number; value: FramePolicy };
let cached: Cached | null = null;
let loading: Promise<FramePolicy> | null = null;

// A connection saved on any instance reaches this instance's pod pages at once, not after the TTL.
const watchSettings = createCacheInvalidation('settings', (key) => {
  if (key === null || key === MANAGE_CONNECTION_SETTING) cached = null;
});

async function readFramePolicy(env: ServerEnv): Promise<FramePolicy> {
  let manageEndpoint: string | null = null;
  try {
    const db = await getDatabase();
    watchSettings(db);
    const site = await loadManageSite(db);
    manageEndpoint = site?.endpoint ?? null;
  } catch (err) {
    // Without the database the stored Manage origin is unknown: the pod is framed by fewer
    // origins (env ones only), never by more. Logged, not thrown: other pages must still load.
    console.error('[pod] reading the Manage connection for the frame policy failed:', err instanceof Error ? err.message : err);
    manageEndpoint = env.MANAGE_ENDPOINT ?? null;
  }
  return resolveFramePolicy({
    manageEndpoint,
    extraOrigins: env.MANAGE_UI_ORIGINS,
    demo: env.DESKBELL_DEMO,
    publicUrl: env.DESKBELL_PUBLIC_URL,
    port: env.PORT,
  });
}

/**
 * The policy in force, cached for FRAME_POLICY_CACHE_MS (a saved connection reaches the pod
 * within that time). Concurrent callers share one read.
 */
export async function loadFramePolicy(now: number = Date.now()): Promise<FramePolicy> {
  if (cached && now - cached.at < FRAME_POLICY_CACHE_MS) return cached.value;
  loading ??= readFramePolicy(serverEnv())
    .then((value) => {
      cached = { at: Date.now(), value };
      return value;
    })
    .finally(() => {
      loading = null;
    });
  return loading;
}

/** For tests, and for the wizard after it saves a new connection. */
export function clearFramePolicyCache(): void {
  cached = null;
}
