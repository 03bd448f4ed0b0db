/** Where the end-to-end stack listens: fixed loopback ports so the browser tests can reach both. */
export const e2eStack = {
  appHost: '127.0.0.1',
  appPort: 3100,
  simPort: 8124,
  get appUrl() {
    return `http://${this.appHost}:${this.appPort}`;
  },
  get simUrl() {
    return `http://127.0.0.1:${this.simPort}`;
  },
};
