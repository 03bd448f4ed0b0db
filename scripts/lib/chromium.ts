import fs from 'node:fs';
import { serverEnv } from '../../lib/env';

const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium/chromium'];

/** Nothing here downloads a browser: Debian's Chromium (or CHROMIUM_PATH) is the one we drive. */
export function findChromium(): string | undefined {
  const configured = serverEnv().CHROMIUM_PATH;
  if (configured) return fs.existsSync(configured) ? configured : undefined;
  return candidates.find((p) => fs.existsSync(p));
}

/** Flags that keep headless Chromium quiet on a machine with no outside network and no GPU. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];
