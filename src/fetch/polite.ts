/**
 * The one road every page request takes, whatever the fetcher: robots.txt first, then the
 * per-host and global queues, then retries for what is worth retrying.
 */
import type { Target } from '../config/target-schema.js';
import { FetchFailure } from '../core/verdict.js';
import { httpRequest } from './http.js';
import { proxyFor } from './proxy.js';
import { defaultRetryPolicy, withRetries } from './retry.js';
import { RobotsCache } from './robots.js';
import type { FetchContext, FetchedPage } from './types.js';

/** `radar try` and other one-off callers pass no cache: one per context then (still once per origin). */
const fallbackRobots = new WeakMap<FetchContext, RobotsCache>();

export function robotsOf(ctx: FetchContext): RobotsCache {
  if (ctx.robots) return ctx.robots;
  let cache = fallbackRobots.get(ctx);
  if (!cache) {
    cache = new RobotsCache();
    fallbackRobots.set(ctx, cache);
  }
  return cache;
}

/** Throws a `robots` failure if robots.txt forbids `url` (unless the target overrides it). */
export async function checkRobots(url: string, target: Target, ctx: FetchContext): Promise<void> {
  if (target.fetch.ignore_robots) return;
  const denied = await robotsOf(ctx).check(url, (robotsUrl) =>
    ctx.schedule(robotsUrl, () =>
      httpRequest({
        url: robotsUrl,
        timeoutMs: Math.min(target.fetch.timeout_ms, 10_000),
        maxBytes: 512 * 1024, // RFC 9309: at least 500 KiB must be read; more is not needed
        maxRedirects: 5,
        proxy: proxyFor(robotsUrl, target),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      }),
    ),
  );
  if (denied) throw new FetchFailure(denied);
  const delay = await robotsOf(ctx).crawlDelayMs(url);
  if (delay !== null) ctx.spaceHost?.(url, delay);
}

export async function politely(url: string, target: Target, ctx: FetchContext, request: () => Promise<FetchedPage>): Promise<FetchedPage> {
  await checkRobots(url, target, ctx);
  return withRetries(() => ctx.schedule(url, request), {
    policy: { ...defaultRetryPolicy, retries: target.fetch.retries },
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    onRetryAfter: (ms) => ctx.holdHost?.(url, ms),
  });
}
