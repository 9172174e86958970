/**
 * Retrying what is worth retrying, politely.
 *
 * Retried: network errors, timeouts, HTTP 408, 429 and 5xx (not 501/505, which will not change).
 * Never retried: other 4xx, anti-bot interstitials, bodies over the size cap, redirect loops.
 * Waits grow exponentially with jitter (so many targets on one host do not retry in step), and a
 * `Retry-After` is honoured as a minimum; one longer than `maxRetryAfterMs` is not waited out:
 * the run fails and the next scheduled run tries again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { FetchFailure } from '../core/verdict.js';
import { detectBlock } from './blocked.js';
import type { FetchedPage } from './types.js';

export interface RetryPolicy {
  retries: number;
  baseMs: number;
  maxMs: number;
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { retries: 2, baseMs: 1000, maxMs: 30_000, maxRetryAfterMs: 120_000 };

export function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599 && status !== 501 && status !== 505);
}

/** `Retry-After: 120` or `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT` → milliseconds from now; junk → null. */
export function retryAfterMs(value: string | undefined | null, now = Date.now()): number | null {
  if (typeof value !== 'string') return null;
  const v = value.trim();
  if (v === '') return null;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  if (!/[a-z]/i.test(v)) return null; // "-5" is no date, whatever Date.parse thinks
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

/** Exponential backoff with "equal jitter": half the step is fixed (a floor), half random. */
export function backoffMs(attempt: number, policy: Pick<RetryPolicy, 'baseMs' | 'maxMs'>, random: () => number = Math.random): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt));
  return Math.round(step / 2 + random() * (step / 2));
}

export interface RetryOptions {
  policy: RetryPolicy;
  signal?: AbortSignal;
  /** Told about a Retry-After, so other requests to the host wait too. */
  onRetryAfter?(ms: number): void;
  random?: () => number;
}

export async function withRetries(request: () => Promise<FetchedPage>, opts: RetryOptions): Promise<FetchedPage> {
  const { policy } = opts;
  for (let attempt = 0; ; attempt++) {
    let page: FetchedPage;
    try {
      page = await request();
    } catch (err) {
      const retryable = err instanceof FetchFailure && (err.failure.class === 'network' || err.failure.class === 'timeout');
      if (!retryable || attempt >= policy.retries || opts.signal?.aborted) throw err;
      await pause(backoffMs(attempt, policy, opts.random), opts.signal);
      continue;
    }
    if (!retryableStatus(page.status) || attempt >= policy.retries || detectBlock(page)) return page;
    const asked = retryAfterMs(page.headers['retry-after']);
    if (asked !== null && asked > policy.maxRetryAfterMs) return page;
    if (asked !== null) opts.onRetryAfter?.(asked);
    await pause(Math.max(asked ?? 0, backoffMs(attempt, policy, opts.random)), opts.signal);
  }
}

async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, signal ? { signal } : undefined);
  } catch (err) {
    throw new FetchFailure({ class: 'network', message: 'cancelled while waiting to retry' }, err);
  }
}
