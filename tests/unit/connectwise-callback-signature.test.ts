import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveCallbackKey, isPinnedKeyUrl, parseCallbackPayload, readKeyUrl, signatureMatches } from '@/lib/connectwise/callback-signature';

const body = Buffer.from('{"MessageId":"m1"}', 'utf8');
const reference = (signingKey: string) =>
  createHmac('sha256', createHash('sha256').update(signingKey, 'utf8').digest()).update(body).digest('base64');

describe('signatureMatches', () => {
  it("accepts Manage's signature: base64(HMAC-SHA256(SHA256(signing_key), body))", () => {
    expect(signatureMatches(deriveCallbackKey('k€y'), body, reference('k€y'))).toBe(true);
    expect(signatureMatches(deriveCallbackKey('k€y'), body, ` ${reference('k€y')} `)).toBe(true);
  });

  it('refuses another key, a cut or extended signature, an empty one and hex', () => {
    const key = deriveCallbackKey('key');
    const good = reference('key');
    expect(signatureMatches(key, body, reference('other'))).toBe(false);
    expect(signatureMatches(key, body, good.slice(0, -4))).toBe(false);
    expect(signatureMatches(key, body, good + 'AAAA')).toBe(false);
    expect(signatureMatches(key, body, '')).toBe(false);
    expect(signatureMatches(key, body, Buffer.from(good, 'base64').toString('hex'))).toBe(false);
    expect(signatureMatches(key, Buffer.from('{"MessageId":"m2"}'), good)).toBe(false);
  });
});

describe('isPinnedKeyUrl', () => {
  const manage = 'https://api-na.myconnectwise.net';
  it.each([
    ['https://api-na.myconnectwise.net/v4_6_release/apis/3.0/key/1', true],
    ['https://API-NA.myconnectwise.net/key', true],
    ['https://api-na.myconnectwise.net:443/key', true],
    ['http://api-na.myconnectwise.net/key', false],
    ['https://api-na.myconnectwise.net:8443/key', false],
    ['https://api-na.myconnectwise.net.evil.test/key', false],
    ['https://evil.test/api-na.myconnectwise.net', false],
    ['https://user:pw@api-na.myconnectwise.net/key', false],
    ['https://10.0.0.1/key', false],
    ['//api-na.myconnectwise.net/key', false],
    ['not a url', false],
  ])('%s -> %s', (url, pinned) => {
    expect(isPinnedKeyUrl(url, manage)).toBe(pinned);
  });

  it('allows plain http only for a loopback simulator configured on http', () => {
    expect(isPinnedKeyUrl('http://127.0.0.1:8123/v4_6_release/callbackkeys/1', 'http://127.0.0.1:8123')).toBe(true);
    expect(isPinnedKeyUrl('http://127.0.0.1:8124/v4_6_release/callbackkeys/1', 'http://127.0.0.1:8123')).toBe(false);
    expect(isPinnedKeyUrl('http://manage.internal/key', 'http://manage.internal')).toBe(false);
  });
});

describe('parseCallbackPayload', () => {
  it('reads the envelope and the ticket entity into our types', () => {
    const parsed = parseCallbackPayload({
      MessageId: 'm1',
      Action: 'Updated',
      Type: 'ticket',
      ID: '48200',
      CompanyId: 'acme',
      MemberId: 'jsmith',
      Entity: JSON.stringify({ id: 48200, summary: 'Jam', status: { id: 2, name: 'In Progress' }, _info: { lastUpdated: '2026-11-29T09:00:00Z', updatedBy: 'jsmith' } }),
      Metadata: { key_url: 'https://x/key' },
      CallbackObjectRecId: 3,
    });
    expect(parsed.ok && parsed.event).toMatchObject({
      messageId: 'm1',
      action: 'updated',
      recordId: 48200,
      callbackId: 3,
      ticket: { id: 48200, statusName: 'In Progress', lastUpdated: '2026-11-29T09:00:00Z', updatedBy: 'jsmith' },
    });
  });

  it('leaves the ticket undefined for a delete or an unreadable entity, and names missing fields', () => {
    const base = { MessageId: 'm', Action: 'deleted', Type: 'ticket', ID: 1, Metadata: { key_url: 'k' } };
    expect(parseCallbackPayload({ ...base, Entity: null }).ok && (parseCallbackPayload({ ...base, Entity: null }) as { event: { ticket: unknown } }).event.ticket).toBeUndefined();
    const broken = parseCallbackPayload({ ...base, Action: 'updated', Entity: '{not json' });
    expect(broken.ok && broken.event.ticket).toBeUndefined();
    const bad = parseCallbackPayload({ Metadata: { key_url: 'k' } });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['MessageId', 'Action', 'Type', 'ID']));
  });

  it('reads key_url only when it is a string of sane length', () => {
    expect(readKeyUrl({ Metadata: { key_url: 'https://x' } })).toBe('https://x');
    expect(readKeyUrl({ Metadata: { key_url: 5 } })).toBeUndefined();
    expect(readKeyUrl({ Metadata: { key_url: 'x'.repeat(5000) } })).toBeUndefined();
    expect(readKeyUrl('str')).toBeUndefined();
    expect(readKeyUrl(null)).toBeUndefined();
  });
});
