/**
 * Where the end-to-end stack listens: a block of four loopback ports starting at
 * DESKBELL_E2E_PORT (default 3100). `npm test` picks a free block itself, so two runs on one
 * machine never collide; `npx playwright test` alone uses the default or the variable.
 *   base     the app Playwright starts (webServer)
 *   base + 1 the Manage simulator
 *   base + 2 the app the durability spec kills and restarts
 *   base + 3 the fresh, unconnected app of the admin journey
 */
import { testHarnessEnv } from '../../lib/env';

const base = testHarnessEnv().DESKBELL_E2E_PORT;

export const e2eStack = {
  appHost: '127.0.0.1',
  appPort: base,
  simPort: base + 1,
  durabilityAppPort: base + 2,
  journeyAppPort: base + 3,
  get appUrl() {
    return `http://${this.appHost}:${this.appPort}`;
  },
  get simUrl() {
    return `http://127.0.0.1:${this.simPort}`;
  },
};
