/** Host classification shared by endpoint parsing and the client. */

/** Plain HTTP is acceptable only here: loopback is where the simulator runs. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  if (h === 'localhost' || h === '[::1]' || h === '::1') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return m !== null && m.slice(1).every((part) => Number(part) <= 255);
}

/** ConnectWise-hosted Manage (production and staging). */
export function isCloudHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h.endsWith('.myconnectwise.net') || h.endsWith('.connectwisedev.com');
}
