/**
 * Per-host politeness across every worker: requests to one host start at least its interval
 * apart and no more than its limit run at once, whichever machine sends them. Each worker still
 * has its own HostQueues in front (per-process limits); this adds the shared ones in Redis.
 *
 * Two Lua scripts on Redis's clock (workers' clocks may disagree): `take` leases a slot of the
 * host's semaphore (a sorted set of holders with their expiry, so a worker that dies frees its
 * slot) and reserves the next start time; `renew` keeps a long request's lease.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PolitenessOptions } from '../fetch/host-queue.js';
import { keys } from './names.js';
import { envMs, type RedisClient } from './redis.js';

const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end
local interval = math.max(tonumber(ARGV[4]), tonumber(redis.call('GET', KEYS[4]) or '0'))
local at = math.max(now, tonumber(redis.call('GET', KEYS[2]) or '0'), tonumber(redis.call('GET', KEYS[3]) or '0'))
redis.call('SET', KEYS[2], at + interval, 'PX', at + interval - now + 60000)
redis.call('ZADD', KEYS[1], at + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], at + tonumber(ARGV[3]) - now + 1000)
return at - now
`;

const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) + 1000)
return 1
`;

/** Server-side "hold until now + ms" (a Retry-After), never shortening an existing hold. */
const HOLD = `
local t = redis.call('TIME')
local until_ = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
if until_ > tonumber(redis.call('GET', KEYS[1]) or '0') then redis.call('SET', KEYS[1], until_, 'PX', tonumber(ARGV[1]) + 1000) end
return 1
`;

export class SharedHostLimiter {
  /** A lease outlives a request by this much before it is taken back from a dead worker. */
  private readonly leaseMs: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly opts: Pick<PolitenessOptions, 'perHostConcurrency' | 'minIntervalMs'>,
    /** Short, and renewed while the request runs: a dead worker's slot is free again within this. */
    leaseMs = envMs('RADAR_HOST_LEASE_MS', 15_000),
  ) {
    this.leaseMs = leaseMs;
  }

  async schedule<T>(url: string, task: () => Promise<T>, minIntervalMs?: number): Promise<T> {
    const host = hostOf(url);
    const k = keys.host(host);
    const token = randomUUID();
    const interval = minIntervalMs ?? this.opts.minIntervalMs;
    let wait: number;
    for (;;) {
      wait = Number(await this.redis.eval(TAKE, 4, k.slots, k.next, k.hold, k.gap, token, this.opts.perHostConcurrency, this.leaseMs, interval));
      if (wait >= 0) break;
      // Every slot of the host is taken (by this worker or another): look again shortly.
      await sleep(50 + Math.floor(Math.random() * 100));
    }
    if (wait > 0) await sleep(wait);
    const renew = setInterval(() => void this.redis.eval(RENEW, 1, k.slots, token, this.leaseMs).catch(() => undefined), this.leaseMs / 3);
    renew.unref();
    try {
      return await task();
    } finally {
      clearInterval(renew);
      await this.redis.zrem(k.slots, token).catch(() => undefined);
    }
  }

  /** Every worker keeps off the host of `url` for `ms` (it answered Retry-After). */
  hold(url: string, ms: number): void {
    void this.redis.eval(HOLD, 1, keys.host(hostOf(url)).hold, Math.max(1, Math.round(ms))).catch(() => undefined);
  }

  /** Requests to the host of `url` start at least `ms` apart, on every worker (its robots.txt Crawl-delay). */
  space(url: string, ms: number): void {
    void this.redis.set(keys.host(hostOf(url)).gap, String(Math.round(ms)), 'PX', 24 * 3_600_000).catch(() => undefined);
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
