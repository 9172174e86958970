import PQueue from 'p-queue';

export interface PolitenessOptions {
  /** Requests in flight across all hosts. */
  globalConcurrency: number;
  /** Requests in flight to one host. */
  perHostConcurrency: number;
  /** Minimum time between two request starts to one host. */
  minIntervalMs: number;
}

export const defaultPoliteness: PolitenessOptions = { globalConcurrency: 8, perHostConcurrency: 2, minIntervalMs: 500 };

/**
 * Two layers of p-queue: one per host (concurrency + minimum interval, so no site sees a burst)
 * inside one global queue (so hundreds of targets do not open hundreds of sockets).
 */
export class HostQueues {
  private readonly global: PQueue;
  private readonly hosts = new Map<string, PQueue>();

  constructor(private readonly opts: PolitenessOptions = defaultPoliteness) {
    this.global = new PQueue({ concurrency: opts.globalConcurrency });
  }

  schedule<T>(url: string, task: () => Promise<T>, minIntervalMs?: number): Promise<T> {
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
    return q.add(() => this.global.add(task) as Promise<T>) as Promise<T>;
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
