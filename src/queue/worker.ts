/**
 * `radar worker`: takes scrape jobs from the queues its capabilities allow, fetches, renders,
 * extracts and normalises, and hands the items back to the coordinator. It writes nothing of
 * the state folder: verdicts, snapshots and the outbox stay with the coordinator.
 *
 * One browser for the process (started on the first browser job), shared by every job it runs;
 * per-host politeness is shared with every other worker through Redis. A worker that dies
 * mid-job loses only its lock: the job goes to another worker once the lock expires.
 */
import { hostname } from 'node:os';
import type { Job, Queue, Worker } from 'bullmq';
import PQueue from 'p-queue';
import type { Rules } from '../config/load.js';
import type { Logger } from '../core/log.js';
import { defaultPoliteness, HostQueues } from '../fetch/host-queue.js';
import { makeFetcher } from '../fetch/registry.js';
import { RobotsCache } from '../fetch/robots.js';
import type { FetchContext, Fetcher } from '../fetch/types.js';
import { scrapeForCoordinator } from '../pipeline/remote.js';
import { writeItems } from './chunks.js';
import { SharedHostLimiter } from './host-limiter.js';
import { keys, PREFIX, queuesFor, RESULTS_QUEUE, type Capabilities } from './names.js';
import { MAX_PROBLEMS, PROTOCOL, type DetailSummary, type OutcomeSummary, type ResultJobData, type ScrapeJobData, type WorkerBeat } from './protocol.js';
import { connectRedis, envMs, shownUrl, type RedisClient } from './redis.js';

export interface RadarWorkerOptions extends Capabilities {
  url: string;
  /** Jobs run at once, across all the queues it takes from. */
  concurrency: number;
  log: Logger;
  /** rules/ of the same installation, when the worker has it: lets a kind skip detail pages that can never alert. */
  rules?: Rules;
  name?: string;
}

export class RadarWorker {
  readonly id: string;
  private cmd!: RedisClient;
  private blocking!: RedisClient;
  private workers: Worker<ScrapeJobData>[] = [];
  private results!: Queue<ResultJobData>;
  private shared!: SharedHostLimiter;
  private readonly local = new HostQueues({ ...defaultPoliteness, minIntervalMs: 0 });
  private readonly robots = new RobotsCache();
  private readonly fetchers = new Map<string, Fetcher>();
  private readonly gate: PQueue;
  private readonly current = new Map<string, WorkerBeat['current'][number]>();
  private readonly startedAt = new Date().toISOString();
  private beat: NodeJS.Timeout | null = null;
  private done = 0;
  private failed = 0;
  private readonly queues: string[];

  constructor(private readonly opts: RadarWorkerOptions) {
    this.id = `${opts.name ?? hostname()}:${process.pid}`;
    this.queues = queuesFor(opts);
    // BullMQ's concurrency is per queue; this gate makes --concurrency hold across all of them.
    this.gate = new PQueue({ concurrency: opts.concurrency });
  }

  async start(): Promise<void> {
    this.cmd = await connectRedis(this.opts.url, { name: `radar-worker-${this.id}`, blocking: true });
    this.blocking = await connectRedis(this.opts.url, { name: `radar-worker-${this.id}-jobs`, blocking: true });
    this.shared = new SharedHostLimiter(this.cmd, defaultPoliteness);
    const { Queue, Worker } = await import('bullmq');
    this.results = new Queue<ResultJobData>(RESULTS_QUEUE, { connection: this.cmd, prefix: PREFIX });
    this.results.on('error', () => undefined);
    const lockDuration = envMs('RADAR_QUEUE_LOCK_MS', 30_000);
    for (const name of this.queues) {
      const w = new Worker<ScrapeJobData>(name, (job) => this.gate.add(() => this.process(job)) as Promise<{ items: number }>, {
        connection: this.blocking,
        prefix: PREFIX,
        concurrency: this.opts.concurrency,
        name: `radar-worker ${this.id}`,
        lockDuration,
        stalledInterval: envMs('RADAR_QUEUE_STALLED_MS', 30_000),
        // Two workers may die under a job; the third death fails it, with the reason, instead of killing workers forever.
        maxStalledCount: 2,
      });
      w.on('error', (e) => this.opts.log.debug({ queue: name, error: e.message }, 'queue connection error'));
      this.workers.push(w);
    }
    await this.heartbeat();
    this.beat = setInterval(() => void this.heartbeat(), envMs('RADAR_WORKER_BEAT_MS', 3000));
    this.beat.unref();
    this.opts.log.info({ worker: this.id, queue: shownUrl(this.opts.url), queues: this.queues, concurrency: this.opts.concurrency }, 'worker started');
  }

  private async process(job: Job<ScrapeJobData>): Promise<{ items: number }> {
    const data = job.data;
    if (data.v !== PROTOCOL) throw new Error(`job ${job.id} has protocol ${String(data.v)}; this worker speaks ${PROTOCOL} (upgrade workers and coordinator together)`);
    const target = data.target;
    const now = { job: job.id!, target: target.id, since: new Date().toISOString(), pages: 0 };
    this.current.set(job.id!, now);
    void this.heartbeat();
    // Who ran it last, for the message when a job keeps killing its workers.
    await job.updateProgress({ worker: this.id });
    const log = this.opts.log.child({ job: job.id, target: target.id });
    try {
      const fetcher = this.fetcher(target.fetch.mode);
      const ctx: FetchContext = {
        schedule: (url, task) => this.local.schedule(url, () => this.shared.schedule(url, task, target.fetch.min_interval_ms), 0),
        // robots.txt per origin for all of this worker's jobs, read again when its copy expires.
        robots: this.robots,
        holdHost: (url, ms) => {
          this.local.hold(url, ms);
          this.shared.hold(url, ms);
        },
        spaceHost: (url, ms) => this.shared.space(url, ms),
        warn: (line) => log.warn(line),
      };
      const scraped = await scrapeForCoordinator(target, {
        fetcher,
        ctx,
        ...(data.known ? { known: data.known } : {}),
        ...(data.profile ? { profile: data.profile } : {}),
        ...(this.opts.rules ? { rules: this.opts.rules } : {}),
        onPage: () => now.pages++,
      });
      const o = scraped.outcome;
      const outcome: OutcomeSummary = o.ok
        ? { ok: true, items: await writeItems(this.cmd, job.id!, o.items), pages: o.pages, problems: o.problems.slice(0, MAX_PROBLEMS), requiredMissing: o.requiredMissing, unparsed: o.unparsed, duplicates: o.duplicates, ...(o.sample ? { sample: o.sample } : {}), ...(o.hint ? { hint: o.hint } : {}), ...(o.charsetNote ? { charsetNote: o.charsetNote } : {}) }
        : o;
      let detail: DetailSummary | undefined;
      if (scraped.detail) detail = scraped.detail.status === 'good' ? { status: 'good', items: await writeItems(this.cmd, job.id!, scraped.detail.items) } : scraped.detail;
      const result: ResultJobData = { v: PROTOCOL, job: job.id!, targetId: target.id, worker: this.id, startedAt: scraped.startedAt, finishedAt: scraped.finishedAt, outcome, ...(detail ? { detail } : {}) };
      await this.results.add('result', result, { jobId: job.id!, attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } });
      const items = o.ok ? o.items.length : 0;
      log.info({ verdictInput: o.ok ? 'items' : o.failure.class, items, pages: o.pages.length }, 'job done');
      this.done++;
      return { items };
    } catch (e) {
      this.failed++;
      log.error({ error: e instanceof Error ? e.message : String(e) }, 'job could not run (it is tried again)');
      throw e;
    } finally {
      // The job's browser context (and its renderer) goes now; the worker's next job is another target.
      await this.fetchers.get(target.fetch.mode)?.release?.(target).catch(() => undefined);
      this.current.delete(job.id!);
      void this.heartbeat();
    }
  }

  private fetcher(mode: string): Fetcher {
    let f = this.fetchers.get(mode);
    if (!f) {
      f = makeFetcher(mode, { jobs: this.opts.concurrency });
      if (!f) throw new Error(`this worker has no fetcher for mode "${mode}"`);
      this.fetchers.set(mode, f);
    }
    return f;
  }

  private async heartbeat(): Promise<void> {
    const beat: WorkerBeat = {
      id: this.id,
      host: hostname(),
      pid: process.pid,
      browser: this.opts.browser,
      proxyGroups: [...this.opts.proxyGroups],
      concurrency: this.opts.concurrency,
      queues: this.queues,
      startedAt: this.startedAt,
      seenAt: new Date().toISOString(),
      current: [...this.current.values()],
      done: this.done,
      failed: this.failed,
    };
    await this.cmd?.hset(keys.workers, this.id, JSON.stringify(beat)).catch(() => undefined);
  }

  /** Finishes the jobs in hand (up to `graceMs`), then lets go; jobs cut off go to another worker when their lock expires. */
  async stop(graceMs = 30_000): Promise<void> {
    if (this.beat) clearInterval(this.beat);
    this.beat = null;
    let timer: NodeJS.Timeout | undefined;
    const closing = Promise.all(this.workers.map((w) => w.close()));
    const inTime = await Promise.race([closing.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), graceMs)))]);
    if (timer) clearTimeout(timer);
    if (!inTime) await Promise.all(this.workers.map((w) => w.close(true).catch(() => undefined)));
    await Promise.all([...this.fetchers.values()].map((f) => f.close?.().catch(() => undefined)));
    await this.cmd.hdel(keys.workers, this.id).catch(() => undefined);
    await this.results.close().catch(() => undefined);
    this.cmd.disconnect();
    this.blocking.disconnect();
    this.opts.log.info({ worker: this.id, done: this.done, cutOff: !inTime }, 'worker stopped');
  }
}
