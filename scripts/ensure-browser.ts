/**
 * Makes `npm test` one command on a fresh machine: finds Debian's Chromium, installs it with
 * apt when running as root, and otherwise says exactly what to run.
 */
import { execFileSync } from 'node:child_process';
import { environmentForChild } from '../lib/env';
import { findChromium } from './lib/chromium';

function installWithApt(): void {
  console.log('[ensure-browser] Chromium not found; installing Debian chromium with apt-get ...');
  const env = environmentForChild({ DEBIAN_FRONTEND: 'noninteractive' });
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync(
    'apt-get',
    ['install', '-y', '--no-install-recommends', 'chromium', 'fonts-liberation'],
    { stdio: 'inherit', env },
  );
}

export function ensureBrowser(): string {
  const found = findChromium();
  if (found) return found;
  if (typeof process.getuid === 'function' && process.getuid() === 0) {
    installWithApt();
    const installed = findChromium();
    if (installed) return installed;
  }
  throw new Error(
    'Chromium is needed for the end-to-end tests and was not found.\n' +
      'Install it with: sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium fonts-liberation\n' +
      'or point CHROMIUM_PATH at an existing Chromium binary.',
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(`[ensure-browser] using ${ensureBrowser()}`);
  } catch (err) {
    console.error(String(err instanceof Error ? err.message : err));
    process.exit(1);
  }
}
