import { describe, expect, it } from 'vitest';
import { classifyAddressSpace } from '@/lib/registrations/address-space';

/** The hostname exactly as the URL parser hands it over (so 0x7f.1 and [::FFFF:10.0.0.1] arrive normalised). */
const hostOf = (url: string) => new URL(url).hostname;

describe('classifyAddressSpace', () => {
  it.each([
    ['http://127.0.0.1:3000', 'loopback', 'loopback'],
    ['http://127.8.9.10', 'loopback', 'loopback'],
    ['http://0x7f.1', 'loopback', 'loopback'],
    ['http://0.0.0.0:3000', 'loopback', 'loopback'],
    ['http://localhost:3000', 'loopback', 'loopback'],
    ['http://deskbell.localhost', 'loopback', 'loopback'],
    ['http://[::1]:3000', 'loopback', 'loopback'],
    ['https://10.0.0.5', 'private', 'private'],
    ['https://10.255.255.255', 'private', 'private'],
    ['https://172.16.0.1', 'private', 'private'],
    ['https://172.31.255.254', 'private', 'private'],
    ['https://192.168.1.20:8443', 'private', 'private'],
    ['https://169.254.10.1', 'private', 'link-local'],
    ['https://100.64.0.1', 'private', 'shared'],
    ['https://100.127.255.1', 'private', 'shared'],
    ['https://[fc00::1]', 'private', 'private'],
    ['https://[fd12:3456:789a::10]', 'private', 'private'],
    ['https://[fe80::1]', 'private', 'link-local'],
    ['https://[febf::1]', 'private', 'link-local'],
    ['https://[::ffff:10.0.0.1]', 'private', 'private'],
    ['https://[::ffff:127.0.0.1]', 'loopback', 'loopback'],
    ['https://deskbell', 'private', 'local-name'],
    ['https://deskbell.local', 'private', 'local-name'],
    ['https://deskbell.msp.internal', 'private', 'local-name'],
    ['https://deskbell.home.arpa', 'private', 'local-name'],
    ['https://deskbell.corp', 'private', 'local-name'],
    ['https://DESKBELL.LAN.', 'private', 'local-name'],
    // The edges of each range are public.
    ['https://172.15.255.255', 'public', 'public'],
    ['https://172.32.0.1', 'public', 'public'],
    ['https://192.169.0.1', 'public', 'public'],
    ['https://100.63.255.255', 'public', 'public'],
    ['https://100.128.0.1', 'public', 'public'],
    ['https://11.0.0.1', 'public', 'public'],
    ['https://203.0.113.7', 'public', 'public'],
    ['https://[2001:db8::1]', 'public', 'public'],
    ['https://[fe00::1]', 'public', 'public'],
    ['https://[::ffff:8.8.8.8]', 'public', 'public'],
    ['https://deskbell.msp.example', 'public', 'name'],
    ['https://na.myconnectwise.net', 'public', 'name'],
    ['https://localhost.example.com', 'public', 'name'],
    ['https://mylocal', 'private', 'local-name'],
  ])('%s is %s (%s)', (url, space, kind) => {
    expect(classifyAddressSpace(hostOf(url))).toMatchObject({ space, kind });
  });

  it('words what it found for an admin', () => {
    expect(classifyAddressSpace('10.0.0.5').words).toBe('10.0.0.5 is a private network address (only computers inside your network reach it)');
    expect(classifyAddressSpace('deskbell.local').words).toBe('deskbell.local is a name that only computers inside your network can look up');
    expect(classifyAddressSpace('[fd00::5]').words).toMatch(/^\[fd00::5\] is a private \(unique local\) IPv6 address/);
  });
});
