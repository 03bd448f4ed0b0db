import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { DeskbellApiError, toErrorResponse } from '@/lib/http/errors';

describe('toErrorResponse', () => {
  it('maps a DeskbellApiError to its status and the shared body shape', async () => {
    const res = toErrorResponse(new DeskbellApiError('payload_too_large', 'Too big.', { limitBytes: 10 }));
    expect(res.status).toBe(413);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      error: { code: 'payload_too_large', message: 'Too big.', details: { limitBytes: 10 } },
    });
  });

  it('maps a ZodError to 422 with field paths', async () => {
    const parsed = z.object({ press: z.object({ email: z.email() }) }).safeParse({ press: { email: 'nope' } });
    expect(parsed.success).toBe(false);
    const res = toErrorResponse(parsed.error);
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.error.code).toBe('unprocessable_entity');
    expect(body.error.details).toEqual([{ path: 'press.email', message: expect.any(String) }]);
  });

  it('hides the message of an unknown error behind a generic 500', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = toErrorResponse(new Error('connection string postgres://user:hunter2@db'));
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('hunter2');
    expect(JSON.parse(text).error).toEqual({
      code: 'internal_server_error',
      message: expect.any(String),
      details: null,
    });
    spy.mockRestore();
  });

  it('answers an abandoned request body with one info line, and only that error', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const aborted = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    const res = toErrorResponse(aborted);
    expect(res.status).toBe(400);
    expect(info).toHaveBeenCalledTimes(1);
    expect(error).not.toHaveBeenCalled();
    // Same words, another cause: still an unknown failure of ours.
    expect(toErrorResponse(new Error('aborted')).status).toBe(500);
    expect(error).toHaveBeenCalledTimes(1);
    info.mockRestore();
    error.mockRestore();
  });

  it('adds a caller\'s challenge to its 401s only, and keeps the body the same for every caller', async () => {
    const refused = () => new DeskbellApiError('unauthorized', 'Send a token.');
    const policy = { challenge: 'Bearer realm="deskbell"' };
    const challenged = toErrorResponse(refused(), policy);
    expect(challenged.status).toBe(401);
    expect(challenged.headers.get('www-authenticate')).toBe('Bearer realm="deskbell"');
    expect(toErrorResponse(refused()).headers.get('www-authenticate')).toBeNull();
    expect(await challenged.json()).toEqual(await toErrorResponse(refused()).json());
    expect(toErrorResponse(new DeskbellApiError('forbidden', 'No.'), policy).headers.get('www-authenticate')).toBeNull();
  });

  it('says when to come back on a 429 that carries its wait, and only then', () => {
    const throttled = toErrorResponse(new DeskbellApiError('rate_limit_exceeded', 'Slow down.', { retryAfterSeconds: 42 }));
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('42');
    expect(toErrorResponse(new DeskbellApiError('rate_limit_exceeded', 'Slow down.')).headers.get('retry-after')).toBeNull();
    expect(toErrorResponse(new DeskbellApiError('rate_limit_exceeded', 'Slow down.', { retryAfterSeconds: 'soon' })).headers.get('retry-after')).toBeNull();
    expect(toErrorResponse(new DeskbellApiError('conflict', 'Busy.', { retryAfterSeconds: 5 })).headers.get('retry-after')).toBeNull();
  });
});
