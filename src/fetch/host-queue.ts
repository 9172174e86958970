import { setTimeout as sleep } from 'node:timers/promises';
import PQueue from 'p-queue';
import { FetchFailure } from '../core/verdict.js';

/** A Crawl-delay beyond this is not waited out within a run (a daily run of 5 pages must not take 5 hours). */
export const MAX_CRAWL_DELAY_MS = 60_000;

export interface PolitenessOptions {
  /** Requests in flight across all hosts. */
  globalConcurrency: number;
  /** Requests in flight to one host. */
  perHostConcurrency: number;
  /** Minimum time between two request starts to one host. */
  minIntervalMs: number;
}

export const defaultPoliteness: PolitenessOptions = withEnvConcurrency({ globalConcurrency: 8, perHostConcurrency: 2, minIntervalMs: 500 }, process.env);

/**
 * RADAR_HOST_CONCURRENCY lets whoever runs radar allow more requests at once to one host (a site
 * they own or agreed a higher rate with; the benchmarks). An environment knob, not a target field,
 * so a target file alone cannot make radar impolite. The global limit rises with it.
 */
export function withEnvConcurrency(base: PolitenessOptions, env: NodeJS.ProcessEnv): PolitenessOptions {
  const raw = env.RADAR_HOST_CONCURRENCY?.trim();
  if (!raw) return base;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    process.stderr.write(`warning: RADAR_HOST_CONCURRENCY="${raw}" ignored (expected a whole number from 1 to 64)\n`);
    return base;
  }
  return { ...base, perHostConcurrency: n, globalConcurrency: Math.max(base.globalConcurrency, n) };
}

/**
 * Two layers of p-queue: one per host (concurrency + minimum interval, so no site sees a burst)
 * inside one global queue (so hundreds of targets do not open hundreds of sockets).
 */
export class HostQueues {
  private readonly global: PQueue;
  private readonly hosts = new Map<string, PQueue>();
  /** Host → time before which nothing is sent to it (a Retry-After). */
  private readonly heldUntil = new Map<string, number>();
  /** Host → the gap its robots.txt asks for between two requests (Crawl-delay), and the next free start. */
  private readonly gaps = new Map<string, { ms: number; next: number }>();

  constructor(private readonly opts: PolitenessOptions = defaultPoliteness) {
    this.global = new PQueue({ concurrency: opts.globalConcurrency });
  }

  async schedule<T>(url: string, task: () => Promise<T>, minIntervalMs?: number): Promise<T> {
    const host = safeHost(url);
    let q = this.hosts.get(host);
    if (!q) {
      const interval = minIntervalMs ?? this.opts.minIntervalMs;
      q = new PQueue({
        concurrency: this.opts.perHostConcurrency,
        ...(interval > 0 ? { intervalCap: 1, interval } : {}),
      });
      this.hosts.set(host, q);
    }
    // p-queue 9 keeps dequeued tasks in its array until it compacts it (past 100 and half the
    // queue), and each keeps the promise it resolved: a 1,000-page crawl held up to ~500 pages of
    // HTML that way (heap snapshot of the bench crawl row). The queues resolve with nothing; the
    // result goes through a box that is emptied once read.
    const box: { value?: T } = {};
    await q.add(async () => {
      // Waiting here keeps the host's slot: nothing else goes to a host that asked us to wait.
      for (let wait = this.holdLeft(host); wait > 0; wait = this.holdLeft(host)) await sleep(wait);
      const gap = this.gaps.get(host);
      if (gap) {
        // Reserved before sleeping, so two requests in the host's two slots never take the same start.
        const now = Date.now();
        const at = Math.max(now, gap.next);
        if (at - now > MAX_CRAWL_DELAY_MS) throw new FetchFailure({ class: 'robots', message: `robots.txt of ${host} asks for ${gap.ms / 1000} s between requests (Crawl-delay); radar waits at most ${MAX_CRAWL_DELAY_MS / 1000} s, so only the first page of the run was fetched`, url });
        gap.next = at + gap.ms;
        if (at > now) await sleep(at - now);
      }
      await this.global.add(async () => {
        box.value = await task();
      });
    });
    const value = box.value as T;
    delete box.value;
    return value;
  }

  /** Every request to the host of `url` waits `ms` from now (the host said Retry-After). */
  hold(url: string, ms: number): void {
    const host = safeHost(url);
    this.heldUntil.set(host, Math.max(this.heldUntil.get(host) ?? 0, Date.now() + ms));
  }

  /** Requests to the host of `url` start at least `ms` apart from now on (robots.txt Crawl-delay). */
  space(url: string, ms: number): void {
    const host = safeHost(url);
    const gap = this.gaps.get(host);
    if (gap) gap.ms = ms;
    else this.gaps.set(host, { ms, next: 0 });
  }

  private holdLeft(host: string): number {
    return (this.heldUntil.get(host) ?? 0) - Date.now();
  }

  async onIdle(): Promise<void> {
    await Promise.all([this.global.onIdle(), ...[...this.hosts.values()].map((q) => q.onIdle())]);
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
