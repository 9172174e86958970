/**
 * The daemon's side of distributed mode. Each due target run becomes a BullMQ job (id: target +
 * slot) in the queue its needs point to; workers anywhere run it and hand the items back through
 * the results queue, which only this (leading) coordinator reads. Settling stays with the daemon,
 * the single writer: a result is settled, then its results job completes, so a coordinator that
 * dies mid-way leaves the job to be settled by the next one (and a job already in the run log is
 * never settled twice).
 *
 * Redis down: runs that cannot be enqueued are owed (kept on disk, so a restart owes them too)
 * and enqueued once Redis is back, under the same ids, so no run happens twice. An outage that
 * lasts is reported to sales ops, and so is its end.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Job, Queue, Worker } from 'bullmq';
import type { Alert } from '../alerts/model.js';
import type { Target } from '../config/target-schema.js';
import type { Logger } from '../core/log.js';
import type { ScraperAlertPayload } from '../deliver/sections/scraper.js';
import type { ScrapedElsewhere } from '../pipeline/remote.js';
import type { ScrapeOutcome } from '../pipeline/scrape.js';
import type { Verdict } from '../pipeline/verdict.js';
import type { Dispatcher } from '../schedule/daemon.js';
import { writeFileAtomic } from '../store/atomic.js';
import { readSnapshot, readSnapshotHeader } from '../store/snapshot.js';
import { dropItems, readItems } from './chunks.js';
import { jobIdFor, keys, needsOf, PREFIX, queueName, RESULTS_QUEUE, targetOfJob } from './names.js';
import { PROTOCOL, type ResultJobData, type ScrapeJobData } from './protocol.js';
import { connectRedis, envMs, shownUrl, type RedisClient } from './redis.js';
import { takeLeaderRequests, type LeaderRequest } from './requests.js';

export interface CoordinatorOptions {
  url: string;
  log: Logger;
  stateDir: string;
  /** Results settled at once (rules/delivery.yaml daemon.concurrency). */
  concurrency: number;
  /** Settles a run no dispatch here waits for (a previous coordinator's job). */
  onOrphan(targetId: string, scraped: ScrapedElsewhere): Promise<void>;
  /** A run still owed from before a restart (Redis was down): dispatch it again for its slot. */
  onOwed(targetId: string, slot: Date): void;
  /** Records ops alerts (a queue outage, its end) and sends them. */
  notify(alerts: Alert[]): Promise<void>;
  /** "Run now" or "retry" from a coordinator standing by (its console), taken from Redis. */
  onRequest?(req: LeaderRequest): void;
}

interface Waiter {
  target: Target;
  slot: Date;
  settle: (scraped: ScrapedElsewhere) => Promise<void>;
  resolve(): void;
  reject(e: unknown): void;
  done: Promise<void>;
  enqueued: boolean;
}

/** Jobs kept after they finish: their ids are what stops a slot from being run twice. */
const KEEP_DONE_S = 2 * 24 * 3600;

export class Coordinator implements Dispatcher {
  private cmd!: RedisClient;
  private blocking!: RedisClient;
  private results: Worker<ResultJobData> | null = null;
  private readonly queues = new Map<string, Queue<ScrapeJobData>>();
  private readonly waiters = new Map<string, Waiter>();
  /** Target id → the slot it still owes (enqueue failed while Redis was down). */
  private readonly owed = new Map<string, string>();
  private up = true;
  private downSince: number | null = null;
  private outageReported = false;
  private timers: NodeJS.Timeout[] = [];
  private saveTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly owedFile: string;
  private readonly reportAfterMs = envMs('RADAR_QUEUE_OUTAGE_REPORT_MS', 30_000);
  private concurrency: number;

  constructor(private readonly opts: CoordinatorOptions) {
    this.owedFile = join(opts.stateDir, 'queue-owed.json');
    this.concurrency = opts.concurrency;
  }

  /** Connects; dispatches work from here on (the daemon starts after this, and may dispatch at once). */
  async connect(): Promise<void> {
    this.cmd = await connectRedis(this.opts.url, { name: 'radar-coordinator', blocking: false });
    this.blocking = await connectRedis(this.opts.url, { name: 'radar-coordinator-results', blocking: true });
    // Failed jobs of queues a previous leader used are this one's to settle.
    for (const name of await this.cmd.smembers(keys.queues).catch(() => [] as string[])) this.queue(name);
  }

  setConcurrency(n: number): void {
    this.concurrency = n;
    if (this.results) this.results.concurrency = n;
  }

  /** Takes results, watches Redis, and dispatches what is owed; once the daemon that settles them has started. */
  async run(): Promise<void> {
    const { Worker } = this.bullmq;
    this.results = new Worker<ResultJobData>(RESULTS_QUEUE, (job) => this.settleResult(job), {
      connection: this.blocking,
      prefix: PREFIX,
      concurrency: this.concurrency,
      name: 'radar-coordinator',
      lockDuration: envMs('RADAR_QUEUE_LOCK_MS', 30_000),
      stalledInterval: envMs('RADAR_QUEUE_STALLED_MS', 30_000),
      // A settle that keeps failing (a full disk) is retried, then left failed for a person to see.
      maxStalledCount: 5,
    });
    this.results.on('error', (e) => this.opts.log.debug({ error: e.message }, 'results queue error'));
    this.results.on('failed', (job, e) => this.opts.log.error({ job: job?.id ?? null, error: e.message }, 'could not settle a worker result (retried)'));
    for (const [id, slot] of Object.entries(this.readOwed())) this.owed.set(id, slot);
    for (const [id, slot] of this.owed) this.opts.onOwed(id, new Date(slot));
    this.timers.push(setInterval(() => void this.watchRedis(), envMs('RADAR_QUEUE_PING_MS', 1000)));
    this.timers.push(setInterval(() => void this.sweepFailed(), envMs('RADAR_QUEUE_SWEEP_MS', 5000)));
    for (const t of this.timers) t.unref();
    this.opts.log.info({ queue: shownUrl(this.opts.url) }, 'coordinating workers through the queue');
  }

  async dispatch(target: Target, slot: Date, settle: (scraped: ScrapedElsewhere) => Promise<void>): Promise<void> {
    const id = jobIdFor(target.id, slot);
    const existing = this.waiters.get(id);
    if (existing) return existing.done;
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const done = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    this.waiters.set(id, { target, slot, settle, resolve, reject, done, enqueued: false });
    await this.enqueue(id);
    return done;
  }

  private async enqueue(id: string): Promise<void> {
    const w = this.waiters.get(id);
    if (!w || w.enqueued || this.closed) return;
    if (!this.up) return this.owe(w);
    try {
      const name = queueName(needsOf(w.target));
      // What the worker checks against: the snapshot's keys (detail targets) and its pages' profile
      // (a cut-off page). The profile is in the file's first line: a 100 k-item target's job does not read 35 MB for it.
      const head = readSnapshotHeader(this.opts.stateDir, w.target.id);
      const known = w.target.detail ? [...(readSnapshot(this.opts.stateDir, w.target.id)?.items.keys() ?? [])] : null;
      const data: ScrapeJobData = {
        v: PROTOCOL,
        target: w.target,
        slot: w.slot.toISOString(),
        ...(known ? { known } : {}),
        ...(head?.pages ? { profile: head.pages } : {}),
      };
      await this.queue(name).add(w.target.id, data, {
        jobId: id,
        // A processor that throws (Redis lost mid-job) is tried again; a scrape that fails is a result, not a throw.
        attempts: 3,
        backoff: { type: 'exponential', delay: 5000 },
        removeOnComplete: { age: KEEP_DONE_S },
        removeOnFail: { age: KEEP_DONE_S },
      });
      w.enqueued = true;
      if (this.owed.delete(w.target.id)) this.saveOwed();
      this.opts.log.debug({ job: id, queue: name }, 'job enqueued');
    } catch (e) {
      this.wentDown(e);
      this.owe(w);
    }
  }

  private queue(name: string): Queue<ScrapeJobData> {
    let q = this.queues.get(name);
    if (!q) {
      // Loaded with the coordinator; `queue` is only called after start() imported bullmq.
      q = new this.bullmq.Queue<ScrapeJobData>(name, { connection: this.cmd, prefix: PREFIX });
      q.on('error', () => undefined);
      this.queues.set(name, q);
      void this.cmd.sadd(keys.queues, name).catch(() => undefined);
    }
    return q;
  }

  private get bullmq(): typeof import('bullmq') {
    return bullmqModule!;
  }

  private owe(w: Waiter): void {
    const slot = w.slot.toISOString();
    if (this.owed.get(w.target.id) === slot) return;
    this.owed.set(w.target.id, slot);
    this.saveOwed();
  }

  /** Owed runs on disk, written at most once a second (thousands of targets may fall due during an outage). */
  private saveOwed(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      writeFileAtomic(this.owedFile, JSON.stringify(Object.fromEntries(this.owed)) + '\n');
    }, 1000);
  }

  private readOwed(): Record<string, string> {
    if (!existsSync(this.owedFile)) return {};
    try {
      return JSON.parse(readFileSync(this.owedFile, 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  }

  private wentDown(e: unknown): void {
    if (!this.up) return;
    this.up = false;
    this.downSince = Date.now();
    this.opts.log.error({ queue: shownUrl(this.opts.url), error: e instanceof Error ? e.message : String(e) }, 'the queue (Redis) is unreachable: target runs wait for it');
  }

  private async watchRedis(): Promise<void> {
    if (this.closed) return;
    let ok = false;
    let requests: LeaderRequest[] = [];
    try {
      // The look that tells Redis is up also takes what a standby's console asked for: its "run
      // now" starts within a second, wherever the standby runs.
      requests = await takeLeaderRequests(this.cmd, (raw) => this.opts.log.error({ request: raw.slice(0, 200) }, 'unreadable request from a standby coordinator ignored'));
      ok = true;
    } catch (e) {
      this.wentDown(e);
    }
    for (const req of requests) this.opts.onRequest?.(req);
    if (!ok) {
      if (!this.outageReported && this.downSince !== null && Date.now() - this.downSince >= this.reportAfterMs) {
        this.outageReported = true;
        await this.opts.notify([this.outageAlert('failing')]).catch((e: unknown) => this.opts.log.error({ error: String(e) }, 'could not record the outage notice'));
      }
      return;
    }
    if (this.up) return;
    this.up = true;
    const since = this.downSince;
    this.downSince = null;
    this.opts.log.info({ queue: shownUrl(this.opts.url), downMs: since === null ? null : Date.now() - since, owed: this.owed.size }, 'the queue (Redis) is back: enqueueing the runs that waited');
    if (this.outageReported) {
      this.outageReported = false;
      await this.opts.notify([this.outageAlert('recovered', since)]).catch(() => undefined);
    }
    await this.catchUp();
  }

  /** After an outage: enqueue what waited, and again what Redis lost (a restart without persistence). */
  private async catchUp(): Promise<void> {
    for (const [id, w] of this.waiters) {
      if (this.closed || !this.up) return;
      if (!w.enqueued) {
        await this.enqueue(id);
        continue;
      }
      const state = await this.queue(queueName(needsOf(w.target))).getJobState(id).catch(() => null);
      const pending = await this.resultsQueue().getJobState(id).catch(() => null);
      if (state === 'unknown' && pending === 'unknown') {
        this.opts.log.warn({ job: id }, 'the queue lost this job (Redis restarted without its data): enqueued again');
        w.enqueued = false;
        await this.enqueue(id);
      }
    }
  }

  private resultsQueue(): Queue {
    let q = this.queues.get(RESULTS_QUEUE) as Queue | undefined;
    if (!q) {
      q = new this.bullmq.Queue(RESULTS_QUEUE, { connection: this.cmd, prefix: PREFIX });
      q.on('error', () => undefined);
      this.queues.set(RESULTS_QUEUE, q as Queue<ScrapeJobData>);
    }
    return q;
  }

  /**
   * Jobs BullMQ gave up on (their workers kept dying: stalled more often than allowed, or a
   * worker error thrice) become failed runs, settled like any other, then leave the queue.
   */
  private async sweepFailed(): Promise<void> {
    if (this.closed || !this.up) return;
    for (const [name, q] of this.queues) {
      if (name === RESULTS_QUEUE) continue;
      let failed: Job<ScrapeJobData>[];
      try {
        failed = await q.getFailed(0, 99);
      } catch {
        return;
      }
      for (const job of failed) {
        if (!job?.id) continue;
        const reason = job.failedReason ?? 'unknown';
        const last = (job.progress as { worker?: string } | undefined)?.worker;
        const stalled = /stalled/i.test(reason);
        const failure = stalled
          ? {
              class: 'worker_lost' as const,
              message: `the workers running this target died ${job.stalledCounter || 'several'} times${last ? ` (last: ${last})` : ''}; not retried until its next slot. Something on the site may crash the worker (a page too large for the browser?)`,
              url: job.data.target.fetch.url,
            }
          : { class: 'network' as const, message: `the worker could not run the job: ${reason.slice(0, 200)}`, url: job.data.target.fetch.url };
        const at = new Date(job.finishedOn ?? Date.now()).toISOString();
        const scraped: ScrapedElsewhere = { job: job.id, startedAt: new Date(job.processedOn ?? job.timestamp).toISOString(), finishedAt: at, outcome: { ok: false, failure, pages: [] } };
        this.opts.log.warn({ job: job.id, reason }, 'a job failed on the workers: recorded as a failed run');
        try {
          await this.deliver(job.id, targetOfJob(job.id), scraped);
          await job.remove();
        } catch (e) {
          this.opts.log.error({ job: job.id, error: e instanceof Error ? e.message : String(e) }, 'could not settle a failed job (tried again)');
        }
      }
    }
  }

  /** A worker's result: read its items, settle it (where a dispatch waits, or as an orphan), then let it go. */
  private async settleResult(job: Job<ResultJobData>): Promise<void> {
    const d = job.data;
    let scraped: ScrapedElsewhere;
    try {
      scraped = await this.collect(d);
    } catch (e) {
      // Items that cannot be read back make a failed run, never a partial good one.
      scraped = { job: d.job, startedAt: d.startedAt, finishedAt: d.finishedAt, outcome: { ok: false, failure: { class: 'network', message: e instanceof Error ? e.message : String(e) }, pages: d.outcome.pages } };
    }
    await this.deliver(d.job, d.targetId, scraped);
    await dropItems(this.cmd, d.outcome.ok ? d.outcome.items : undefined, d.detail?.status === 'good' ? d.detail.items : undefined);
  }

  private async deliver(jobId: string, targetId: string, scraped: ScrapedElsewhere): Promise<void> {
    const w = this.waiters.get(jobId);
    if (!w) return this.opts.onOrphan(targetId, scraped);
    try {
      await w.settle(scraped);
      this.waiters.delete(jobId);
      w.resolve();
    } catch (e) {
      // Settling failed (a disk error): the results job is tried again, into the same waiter.
      this.opts.log.error({ job: jobId, error: e instanceof Error ? e.message : String(e) }, 'settling a worker result failed');
      throw e;
    }
  }

  private async collect(d: ResultJobData): Promise<ScrapedElsewhere> {
    let outcome: ScrapeOutcome;
    if (d.outcome.ok) {
      const { items, ...rest } = d.outcome;
      outcome = { ...rest, items: await readItems(this.cmd, items) };
    } else outcome = d.outcome;
    let detail: Verdict | undefined;
    if (d.detail) detail = d.detail.status === 'good' ? { status: 'good', items: await readItems(this.cmd, d.detail.items) } : d.detail;
    return { job: d.job, startedAt: d.startedAt, finishedAt: d.finishedAt, outcome, ...(detail ? { detail } : {}) };
  }

  private outageAlert(state: 'failing' | 'recovered', since: number | null = this.downSince): Alert<ScraperAlertPayload> {
    const from = new Date(since ?? Date.now()).toISOString();
    const shown = shownUrl(this.opts.url);
    return {
      id: `queue:${shown}:${state}@${from}`,
      topic: 'scraper',
      audience: { kind: 'ops' },
      createdAt: new Date().toISOString(),
      payload: {
        state,
        targetId: 'job queue',
        competitor: '-',
        file: shown,
        failureClass: state === 'failing' ? 'queue_unreachable' : null,
        message:
          state === 'failing'
            ? `the job queue (Redis at ${shown}) is unreachable since ${from}: no target runs reach the workers. Runs falling due wait and run once it is back (${this.owed.size} waiting now).`
            : `the job queue (Redis at ${shown}) is back after being unreachable since ${from}; the runs that waited are enqueued.`,
        url: null,
        httpStatus: null,
        sample: null,
        consecutiveFailures: state === 'failing' ? 1 : 0,
        failingSince: state === 'failing' ? from : null,
      },
    };
  }

  /** Stops taking results; dispatches still waiting are let go (their jobs stay queued for the next leader). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = null;
      writeFileAtomic(this.owedFile, JSON.stringify(Object.fromEntries(this.owed)) + '\n');
    }
    for (const w of this.waiters.values()) w.resolve();
    this.waiters.clear();
    await this.results?.close().catch(() => undefined);
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    this.cmd?.disconnect();
    this.blocking?.disconnect();
  }
}

let bullmqModule: typeof import('bullmq') | undefined;

/** Loads BullMQ (and ioredis) once; only distributed mode ever calls this. */
export async function createCoordinator(opts: CoordinatorOptions): Promise<Coordinator> {
  bullmqModule ??= await import('bullmq');
  return new Coordinator(opts);
}
