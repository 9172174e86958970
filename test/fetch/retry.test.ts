import { describe, expect, it } from 'vitest';
import { FetchFailure } from '../../src/core/verdict.js';
import { backoffMs, retryAfterMs, retryableStatus, withRetries, type RetryPolicy } from '../../src/fetch/retry.js';
import type { FetchedPage } from '../../src/fetch/types.js';

const page = (status: number, headers: Record<string, string> = {}, text = '<html><body>ok</body></html>'): FetchedPage => ({
  requestedUrl: 'http://shop.example/list',
  url: 'http://shop.example/list',
  status,
  headers,
  text,
  charset: 'utf-8',
  bytes: text.length,
});

const quick: RetryPolicy = { retries: 2, baseMs: 1, maxMs: 4, maxRetryAfterMs: 50 };

/** A request that answers from a script, counting calls. */
function scripted(answers: (FetchedPage | FetchFailure)[]) {
  let calls = 0;
  const fn = async () => {
    const a = answers[Math.min(calls++, answers.length - 1)]!;
    if (a instanceof FetchFailure) throw a;
    return a;
  };
  return { fn, calls: () => calls };
}

describe('retryAfterMs', () => {
  const now = Date.parse('2026-11-28T08:00:00Z');
  it.each([
    ['120', 120_000],
    ['0', 0],
    [' 3 ', 3000],
    ['1.5', 1500],
    ['Sat, 28 Nov 2026 08:00:30 GMT', 30_000],
    ['Sat, 28 Nov 2026 07:59:00 GMT', 0], // in the past: no wait
    ['soon', null],
    ['', null],
    ['-5', null],
  ])('%j → %s', (v, ms) => expect(retryAfterMs(v, now)).toBe(ms));
  it('no header → null', () => expect(retryAfterMs(undefined, now)).toBeNull());
});

describe('backoffMs: exponential with a fixed half and a random half, capped', () => {
  const p = { baseMs: 1000, maxMs: 30_000 };
  it.each([
    [0, 500, 1000],
    [1, 1000, 2000],
    [2, 2000, 4000],
    [10, 15_000, 30_000],
  ])('attempt %i is between %i and %i ms', (attempt, lo, hi) => {
    expect(backoffMs(attempt, p, () => 0)).toBe(lo);
    expect(backoffMs(attempt, p, () => 1)).toBe(hi);
    const r = backoffMs(attempt, p);
    expect(r).toBeGreaterThanOrEqual(lo);
    expect(r).toBeLessThanOrEqual(hi);
  });
});

describe('retryableStatus', () => {
  it('retries 408, 429 and 5xx except 501/505; nothing else', () => {
    expect([408, 429, 500, 502, 503, 504, 599].every(retryableStatus)).toBe(true);
    expect([200, 301, 400, 401, 403, 404, 410, 451, 501, 505].some(retryableStatus)).toBe(false);
  });
});

describe('withRetries', () => {
  it('retries a 503 up to `retries` times and returns the last answer', async () => {
    const s = scripted([page(503)]);
    expect((await withRetries(s.fn, { policy: quick })).status).toBe(503);
    expect(s.calls()).toBe(3);
  });

  it('stops retrying as soon as an answer is good', async () => {
    const s = scripted([page(502), page(200)]);
    expect((await withRetries(s.fn, { policy: quick })).status).toBe(200);
    expect(s.calls()).toBe(2);
  });

  it('never retries a 404 or a 403', async () => {
    for (const status of [404, 403]) {
      const s = scripted([page(status)]);
      await withRetries(s.fn, { policy: quick });
      expect(s.calls()).toBe(1);
    }
  });

  it('retries network errors and timeouts, then throws the last one', async () => {
    const s = scripted([new FetchFailure({ class: 'timeout', message: 't' }), new FetchFailure({ class: 'network', message: 'reset' })]);
    await expect(withRetries(s.fn, { policy: quick })).rejects.toThrow('reset');
    expect(s.calls()).toBe(3);
  });

  it('does not retry failures that will not change (too large, redirect loop)', async () => {
    const s = scripted([new FetchFailure({ class: 'too_large', message: 'big' })]);
    await expect(withRetries(s.fn, { policy: quick })).rejects.toThrow('big');
    expect(s.calls()).toBe(1);
  });

  it('does not retry an anti-bot interstitial even on a 503', async () => {
    const s = scripted([page(503, { server: 'cloudflare' }, '<html><head><title>Just a moment...</title></head><body></body></html>')]);
    await withRetries(s.fn, { policy: quick });
    expect(s.calls()).toBe(1);
  });

  it('tells the host queue about a Retry-After, and gives up at once when it is longer than allowed', async () => {
    const held: number[] = [];
    const s = scripted([page(429, { 'retry-after': '0.02' }), page(200)]);
    expect((await withRetries(s.fn, { policy: quick, onRetryAfter: (ms) => held.push(ms) })).status).toBe(200);
    expect(held).toEqual([20]);

    const long = scripted([page(503, { 'retry-after': '3600' })]);
    expect((await withRetries(long.fn, { policy: quick })).status).toBe(503);
    expect(long.calls()).toBe(1);
  });

  it('stops waiting when the run is cancelled', async () => {
    const ac = new AbortController();
    const s = scripted([new FetchFailure({ class: 'network', message: 'reset' })]);
    const p = withRetries(s.fn, { policy: { ...quick, baseMs: 60_000, maxMs: 60_000 }, signal: ac.signal });
    setTimeout(() => ac.abort(), 10);
    await expect(p).rejects.toThrow('cancelled');
  });
});
