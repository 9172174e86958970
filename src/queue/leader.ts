/**
 * One coordinator leads: it holds a lease in Redis (its token, with an expiry it renews). The
 * others wait and take the lease once it has lapsed, so a leader that dies is replaced within
 * the lease's length plus one look.
 *
 * While Redis is unreachable nobody can take the lease, so the leader keeps leading (and keeps
 * its schedule). When Redis is back it renews, or takes the lease again if it lapsed; if another
 * coordinator took it meanwhile, this one steps down.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { keys } from './names.js';
import type { RedisClient } from './redis.js';

/** 1 renewed, 2 taken again after it lapsed, 0 someone else holds it. */
const RENEW = `
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not cur then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 2 end
return 0
`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export interface LeaseOptions {
  ttlMs: number;
  /** How often the leader renews, and the others look. */
  renewMs: number;
}

export type LeaseEvent = { type: 'lost' } | { type: 'unreachable'; error: string } | { type: 'reachable' } | { type: 'retaken' };

export class Leadership {
  readonly token = randomUUID();
  private timer: NodeJS.Timeout | null = null;
  private reachable = true;
  private leading = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly opts: LeaseOptions,
    private readonly onEvent: (e: LeaseEvent) => void = () => undefined,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  /**
   * Waits until this coordinator holds the lease. A lease found missing is taken only when it is
   * still missing at the next look: a leader whose Redis just came back gets to retake its own.
   */
  async acquire(signal?: AbortSignal, onWait?: (holder: string | null) => void): Promise<void> {
    let missingBefore = false;
    let told = false;
    while (!signal?.aborted) {
      try {
        const holder = await this.redis.get(keys.leader);
        if (holder === null && missingBefore) {
          if ((await this.redis.set(keys.leader, this.token, 'PX', this.opts.ttlMs, 'NX')) === 'OK') {
            this.leading = true;
            this.reachable = true;
            await this.redis.set(keys.leaderInfo, JSON.stringify({ host: hostname(), pid: process.pid, since: new Date().toISOString() })).catch(() => undefined);
            this.startRenewing();
            return;
          }
        }
        missingBefore = holder === null;
        if (!told) {
          onWait?.(holder === null ? null : ((await this.redis.get(keys.leaderInfo).catch(() => null)) ?? 'another coordinator'));
          told = true;
        }
      } catch {
        missingBefore = false;
      }
      await sleep(this.opts.renewMs, undefined, signal ? { signal } : {}).catch(() => undefined);
    }
    throw new Error('stopped while waiting to lead');
  }

  private startRenewing(): void {
    const tick = async () => {
      if (!this.leading) return;
      try {
        const r = Number(await this.redis.eval(RENEW, 1, keys.leader, this.token, this.opts.ttlMs));
        if (!this.reachable) {
          this.reachable = true;
          this.onEvent({ type: 'reachable' });
        }
        if (r === 0) {
          this.leading = false;
          this.onEvent({ type: 'lost' });
          return;
        }
        if (r === 2) this.onEvent({ type: 'retaken' });
      } catch (e) {
        if (this.reachable) {
          this.reachable = false;
          this.onEvent({ type: 'unreachable', error: e instanceof Error ? e.message : String(e) });
        }
      }
      if (this.leading) this.timer = setTimeout(() => void tick(), this.opts.renewMs);
    };
    this.timer = setTimeout(() => void tick(), this.opts.renewMs);
  }

  /** Gives the lease up at once (a clean stop), so another coordinator need not wait for it to lapse. */
  async release(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.leading) return;
    this.leading = false;
    await this.redis.eval(RELEASE, 1, keys.leader, this.token).catch(() => undefined);
  }
}
