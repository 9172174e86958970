import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import PQueue from 'p-queue';
import type { Alert } from '../alerts/model.js';
import { splitTables } from '../alerts/tables.js';
import { displayPath, loadRules, type Paths, type Rules } from '../config/load.js';
import type { Target } from '../config/target-schema.js';
import { errorLine, RadarError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { RemoteScrape, ScrapedElsewhere } from '../pipeline/remote.js';
import type { TargetRunResult } from '../pipeline/run-target.js';
import { DEFAULT_DELIVERY, dailyCron, recordPolicy } from '../deliver/policy.js';
import { makeTransport, redactUrl, type Transport } from '../deliver/transport.js';
import { HostQueues, defaultPoliteness } from '../fetch/host-queue.js';
import { writeFileAtomic } from '../store/atomic.js';
import { opsView, Outbox, type OutboxMessage } from '../store/outbox.js';
import { cronProblem, parseCron } from '../time/cron.js';
import { removeStaleTempFiles } from './housekeeping.js';
import { hasJob, jobNames, loadJob, plannedJobs } from './jobs.js';
import { acquireLock, type StateLock } from './lock.js';
import { realClock, Scheduler, type Clock, type JobSpec, type SchedulerEvent } from './scheduler.js';
import { FileScheduleStore } from './state.js';
import { takeRunRequests } from './daemon-requests.js';
import { loadTargetsCached, loadTargetsFirst, type TargetFileCache } from './target-files.js';

export interface DaemonOptions {
  paths: Paths;
  log: Logger;
  clock?: Clock;
  /** Run every target once right after start, then follow the schedule. */
  runNow?: boolean;
  /** Replaces every target's schedule (the demo, trying a setup). */
  scheduleOverride?: string;
  /** No random delay before target runs, whatever rules/delivery.yaml says (the demo). */
  noJitter?: boolean;
  /** Watch scrapers/ and rules/ for changes (SIGHUP reloads either way). */
  watch?: boolean;
  transport?: Transport;
  env?: NodeJS.ProcessEnv;
  /** Called after each target run (the demo changes its shops' prices after the first round). */
  onTargetRun?: (targetId: string, verdict: 'good' | 'failed') => void;
  /**
   * Distributed mode: target runs go to workers through this (the coordinator); the daemon
   * judges and settles what comes back, as the single writer of the state folder.
   */
  dispatcher?: Dispatcher;
  /** Coordinators sharing a state folder across hosts: a lock untouched this long belongs to a dead one. */
  lockStaleAfterMs?: number;
}

/** Has workers run targets (distributed mode). */
export interface Dispatcher {
  /**
   * Has a worker run `target` for `slot`; calls `settle` with what it found (or why it failed)
   * and resolves once that is settled. The same target and slot is one job, however often asked.
   */
  dispatch(target: Target, slot: Date, settle: (scraped: ScrapedElsewhere) => Promise<void>): Promise<void>;
}

/** A request from `radar outbox retry|purge` or `radar alerts ack|mute` to the running daemon, which owns the outbox. */
export type OutboxRequest =
  | { action: 'retry' | 'purge'; ids: string[] }
  | { action: 'ack'; ids: string[]; note?: string }
  /** `until` in the past unmutes. */
  | { action: 'mute'; ids: string[]; until: string };

export function requestsDir(stateDir: string): string {
  return join(stateDir, 'requests');
}

export function writeOutboxRequest(stateDir: string, req: OutboxRequest): string {
  const file = join(requestsDir(stateDir), `${Date.now()}-${process.pid}.json`);
  mkdirSync(requestsDir(stateDir), { recursive: true });
  writeFileAtomic(file, JSON.stringify(req) + '\n');
  return file;
}

/**
 * The scrape pipeline and the mail stack are loaded when first needed (a target's run, mail to
 * compose), not at start: a daemon waiting for its next slot should not hold them.
 */
const pipeline = () => import('../pipeline/run.js');
const delivery = () => import('../deliver/deliver.js');

/**
 * The longest a round's mail waits for the round's other target runs: schedules that overlap all
 * day (or a run stuck on a slow site) must not hold mail back for good.
 */
const ROUND_HOLD_MS = 10 * 60_000;
/** Runs started this close together (run-now at start, a burst of "run now") are one round. */
const SAME_ROUND_MS = 1_000;

interface LoadedConfig {
  rules: Rules | null;
  rulesError: RadarError | null;
  targets: Target[];
  errors: RadarError[];
}

/**
 * `radar daemon`: owns a state folder (lock), keeps the last valid config, schedules each target
 * by its cron, delivers the immediate window when a round of runs ends and the daily digest at its hour,
 * retries mail with backoff, runs scheduled jobs, reloads config on change or SIGHUP.
 */
export class Daemon {
  private readonly paths: Paths;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly opts: DaemonOptions;
  private lock: StateLock | null = null;
  private rules!: Rules;
  private targets = new Map<string, Target>();
  private outbox!: Outbox;
  private scheduler!: Scheduler;
  private transport!: Transport;
  private pool = new PQueue({ concurrency: 4 });
  private readonly queues = new HostQueues(defaultPoliteness);
  /** robots.txt per origin for every run of this daemon, read again when its copy expires (loaded with the first run). */
  private robots: import('../fetch/robots.js').RobotsCache | null = null;
  private watchers: FSWatcher[] = [];
  private reloadTimer: NodeJS.Timeout | null = null;
  private stopping: Promise<{ abandoned: string[] }> | null = null;
  private readonly opsStuckLogged = new Map<string, number>();
  private readonly jobsLogged = new Map<string, string>();
  private reloads: Promise<void> = Promise.resolve();
  private lockTouch: NodeJS.Timeout | null = null;
  /** Target files as last checked: a reload re-reads only the ones that changed. */
  private readonly files: TargetFileCache = new Map();
  /** Target runs started (queued, at a worker, or running) and not yet settled, with their slot (ms). */
  private readonly inFlight = new Set<{ id: string; slot: number }>();
  /** When the immediate mail was first held for a round still running (null: nothing held). */
  private heldSince: number | null = null;
  /** Target runs settled since the last passes across targets (比价, mentions): they run once a round. */
  private roundResults: TargetRunResult[] = [];
  private passes: Promise<void> = Promise.resolve();

  constructor(opts: DaemonOptions) {
    this.opts = opts;
    this.paths = opts.paths;
    this.log = opts.log;
    this.clock = opts.clock ?? realClock;
  }

  private now = (): Date => new Date(this.clock.now());

  targetIds(): string[] {
    return [...this.targets.keys()];
  }

  get config(): { rules: Rules; targets: Target[] } {
    return { rules: this.rules, targets: [...this.targets.values()] };
  }

  upcoming() {
    return this.scheduler.upcoming();
  }

  /** Runs targets now, as their own scheduled jobs (never overlapping a run in progress). False for ids not running here. */
  runNow(ids: readonly string[]): boolean[] {
    return ids.map((id) => (this.stopping ? false : this.scheduler.trigger(`target:${id}`)));
  }

  /** Dead or waiting messages go back to pending and are sent in a delivery round now. */
  retryNow(ids: readonly string[]): string[] {
    const done = this.outbox.retry(ids).map((m) => m.id);
    this.poke();
    return done;
  }

  /** "Run now" from a console in another process (requests/run/, then SIGUSR2). */
  private applyRunRequests(): void {
    for (const req of takeRunRequests(this.paths.stateDir, (file, error) => this.log.error({ file, error }, 'unreadable run request ignored'))) {
      for (const id of req.ids) this.log.info({ target: id, queued: this.scheduler.trigger(`target:${id}`) }, 'run requested');
    }
  }

  async start(): Promise<void> {
    const state = this.paths.stateDir;
    this.lock = acquireLock(
      state,
      'daemon',
      (h) =>
        `another radar ${h.command} is using ${displayPath(state)} (pid ${h.pid} on ${h.host}, since ${h.startedAt}); ` +
        (h.command === 'daemon' ? 'only one daemon may run per state folder: stop that one first, or give this one its own --state' : 'wait for it to finish'),
      this.opts.lockStaleAfterMs === undefined ? {} : { staleAfterMs: this.opts.lockStaleAfterMs },
    );
    if (this.opts.lockStaleAfterMs !== undefined) {
      const lock = this.lock;
      this.lockTouch = setInterval(() => lock.touch(), Math.max(250, this.opts.lockStaleAfterMs / 4));
      this.lockTouch.unref();
    }
    try {
      const stale = removeStaleTempFiles(state);
      if (stale) this.log.info({ files: stale }, 'removed temp files left by an interrupted write');
      this.outbox = new Outbox(state);
      const loaded = await this.load(true);
      if (!loaded.rules) throw loaded.rulesError!;
      await this.apply(loaded, 'start');
      const env = this.opts.env ?? process.env;
      this.transport = this.opts.transport ?? makeTransport(this.paths.outboxDir, env);
      this.log.info(
        { pid: process.pid, state: displayPath(state), targets: this.targets.size, mail: env.SMTP_URL ? redactUrl(env.SMTP_URL) : `files in ${displayPath(this.paths.outboxDir)}` },
        'daemon started',
      );
      this.scheduler = new Scheduler({ clock: this.clock, store: new FileScheduleStore(state), onEvent: (e) => this.onSchedulerEvent(e) });
      this.scheduler.setJobs(this.jobs());
      this.scheduler.start();
      // Resume what a previous process left: mail cut off mid-send, immediate alerts not yet composed.
      this.scheduler.trigger('deliver:due');
      if (this.opts.runNow) for (const id of this.targets.keys()) this.scheduler.trigger(`target:${id}`);
      if (this.opts.watch !== false) this.watchConfig();
      for (const u of this.scheduler.upcoming()) this.log.debug({ job: u.id, at: u.at?.toISOString() ?? null }, 'next run');
    } catch (e) {
      this.lock.release();
      this.lock = null;
      throw e;
    }
  }

  /** Reads and validates scrapers/ and rules/ without applying anything. */
  private async load(first = false): Promise<LoadedConfig> {
    let rules: Rules | null = null;
    let rulesError: RadarError | null = null;
    try {
      rules = loadRules(this.paths.rulesDir);
      const unknown = Object.keys((rules.delivery ?? DEFAULT_DELIVERY).daemon.jobs).filter((n) => !hasJob(n));
      if (unknown.length) {
        throw new RadarError('config', `daemon.jobs.${unknown[0]}: unknown job (known: ${jobNames().join(', ') || 'none in this build'})`, {
          where: displayPath(join(this.paths.rulesDir, 'delivery.yaml')),
        });
      }
    } catch (e) {
      rules = null;
      rulesError = e instanceof RadarError ? e : new RadarError('config', errorLine(e), { where: displayPath(this.paths.rulesDir) });
    }
    const loaded = first ? await loadTargetsFirst(this.paths.scrapersDir, this.files) : loadTargetsCached(this.paths.scrapersDir, this.files);
    const errors = [...loaded.errors];
    const zone = (rules ?? this.rules)?.owners.time_zone ?? 'Asia/Shanghai';
    const targets: Target[] = [];
    for (const t of loaded.targets) {
      const problem = cronProblem(this.opts.scheduleOverride ?? t.schedule, zone);
      if (problem) errors.push(new RadarError('config', `schedule: ${problem}`, { where: displayPath(t.file) }));
      else targets.push(t);
    }
    return { rules, rulesError, targets, errors };
  }

  /**
   * Applies validated config. A broken rules file keeps all previous rules; a broken target file
   * keeps that file's previous targets; everything else takes effect. Ops hear about each problem.
   */
  private async apply(cfg: LoadedConfig, why: string): Promise<void> {
    const problems = [...cfg.errors, ...(cfg.rulesError ? [cfg.rulesError] : [])];
    // Before anything changes, so the config is applied as one step.
    const { configAlert } = problems.length ? await pipeline() : { configAlert: null };
    if (cfg.rules) this.rules = cfg.rules;
    const next = new Map<string, Target>();
    for (const t of cfg.targets) if (t.enabled) next.set(t.id, t);
    // "file:line" or "file:line:column" (YAML syntax errors): the file is what matters here.
    const brokenFiles = new Set(cfg.errors.map((e) => (e.where ?? '').replace(/(:\d+)+$/, '')));
    for (const old of this.targets.values()) {
      if (brokenFiles.has(displayPath(old.file)) && !next.has(old.id)) next.set(old.id, old);
    }
    const before = new Set(this.targets.keys());
    this.targets = next;
    const d = this.rules.delivery ?? DEFAULT_DELIVERY;
    this.pool.concurrency = d.daemon.concurrency;
    this.outbox.policy = recordPolicy(d);
    const added = [...next.keys()].filter((id) => !before.has(id));
    const removed = [...before].filter((id) => !next.has(id));
    // Named up to a screenful: 10,000 ids in one line help nobody and cost the daemon its rest memory.
    const some = (ids: string[]) => (ids.length > 20 ? [...ids.slice(0, 20), `… ${ids.length - 20} more`] : ids);
    this.log.info({ why, targets: next.size, added: some(added), removed: some(removed), problems: problems.length }, why === 'start' ? 'config loaded' : 'config reloaded');
    if (problems.length) {
      const now = this.now();
      const day = now.toISOString().slice(0, 10);
      const alerts: Alert[] = [];
      for (const p of problems) {
        const kept = p === cfg.rulesError ? 'keeping the previous rules' : 'keeping the previous version of this file';
        this.log.error({ where: p.where ?? null, error: p.message }, `config error (${kept})`);
        // One notice per problem per day, however often the file is saved.
        const a = configAlert!(p, now, this.paths);
        alerts.push({ ...a, id: `${a.id}@${day}` });
      }
      this.outbox.record(alerts, now);
    }
  }

  private jobs(): JobSpec[] {
    const d = this.rules.delivery ?? DEFAULT_DELIVERY;
    const zone = this.rules.owners.time_zone;
    const specs: JobSpec[] = [];
    for (const t of this.targets.values()) {
      specs.push({
        id: `target:${t.id}`,
        cron: parseCron(this.opts.scheduleOverride ?? t.schedule, zone),
        jitterMs: this.opts.noJitter ? 0 : (d.daemon.jitter[t.id] ?? d.daemon.jitter_seconds) * 1000,
        catchUp: d.daemon.catch_up,
        run: (ctx) => this.runTarget(t.id, ctx.slot),
      });
    }
    // Mail is never skipped: a daily digest missed while we were down goes out at start.
    specs.push({ id: 'deliver:daily', cron: parseCron(dailyCron(d.daily_at), zone), catchUp: 'once', run: () => this.deliver('all') });
    specs.push({ id: 'deliver:due', cron: parseCron(d.daemon.deliver_every, zone), catchUp: 'skip', run: () => this.deliver('immediate') });
    for (const j of plannedJobs(d.daemon.jobs, this.paths.rulesDir)) {
      specs.push({ id: `job:${j.name}`, cron: parseCron(j.cron, zone), catchUp: d.daemon.catch_up, run: () => this.runJob(j.name) });
      if (this.jobsLogged.get(j.name) !== `${j.cron} ${j.why}`) this.log.info({ job: j.name, cron: j.cron, why: j.why }, 'scheduled job on');
      this.jobsLogged.set(j.name, `${j.cron} ${j.why}`);
    }
    return specs;
  }

  /**
   * One target run for one slot. Its alerts are recorded when it ends; the immediate mail goes
   * when the round's last run ends (see deliverAfterRun), so one person gets one email per round.
   */
  private async runTarget(id: string, slot?: Date): Promise<void> {
    const run = { id, slot: (slot ?? this.now()).getTime() };
    this.inFlight.add(run);
    try {
      const dispatcher = this.opts.dispatcher;
      if (dispatcher) {
        // Waiting for a worker holds no slot of the pool: only settling does.
        const target = this.targets.get(id);
        if (!target || this.stopping) return;
        await dispatcher.dispatch(target, new Date(run.slot), (scraped) => this.settleElsewhere(id, scraped));
        return;
      }
      await this.pool.add(async () => {
        const target = this.targets.get(id);
        if (!target || this.stopping) return;
        await this.runAndLog(target);
      });
    } finally {
      this.inFlight.delete(run);
    }
    await this.deliverAfterRun(run.slot);
  }

  /**
   * Targets sharing a cron end at different times (jitter, slow sites); each sending its own
   * immediate mail gave a region owner several emails seconds apart. The mail goes when the last
   * run of the round ends: one email per person per round. Urgent alerts still go at once.
   */
  private async deliverAfterRun(slot: number): Promise<void> {
    if (this.roundGoesOn(slot)) {
      this.log.debug({ slot: new Date(slot).toISOString() }, 'immediate mail waits for the rest of the round');
      return;
    }
    await this.analyseRound();
    await this.deliver('immediate', slot);
  }

  /**
   * The passes across targets, once the round's last run has ended (before its mail is composed):
   * the 比价 pass reads every region's snapshots, so running it after each target run redid the
   * whole comparison for each of them. One at a time; runs ending together share one pass.
   */
  private analyseRound(): Promise<void> {
    this.passes = this.passes.then(async () => {
      const results = this.roundResults.splice(0);
      if (!results.length || this.stopping) return;
      const { runAnalysers } = await pipeline();
      const known = new Set(Object.keys(this.outbox.data.alerts));
      const started = this.clock.now();
      const r = await runAnalysers({ paths: this.paths, rules: this.rules, results, now: this.now, outbox: this.outbox, fresh: (found) => found.filter((a) => !known.has(a.id)) });
      this.outbox.record(r.analysers.flatMap((a) => a.alerts), this.now());
      // What the passes found (undercuts, mentions), counted as `radar run` counts them.
      const found: Record<string, { alerts: number; tables: number }> = {};
      for (const a of r.analysers) {
        const { alerts, tables } = splitTables(a.alerts);
        found[a.name] = { alerts: alerts.length, tables: tables.length };
        if (alerts.length || tables.length) this.log.info({ analyser: a.name, alerts: alerts.length, tables: tables.length }, 'found across targets');
      }
      for (const e of r.errors) this.log.error({ error: e }, 'analyser failed');
      this.log.info({ runs: results.length, found, ms: this.clock.now() - started }, 'passes across targets');
    });
    return this.passes;
  }

  /**
   * A target run of the round of `slot` (or an earlier one) is queued, at a worker, running, or due
   * and waiting out its jitter. Runs of later rounds do not hold this round's mail.
   */
  private roundGoesOn(slot: number): boolean {
    const upTo = slot + SAME_ROUND_MS;
    for (const r of this.inFlight) if (r.slot <= upTo) return true;
    const now = this.clock.now();
    return (this.scheduler?.upcoming() ?? []).some((j) => j.id.startsWith('target:') && j.slot !== null && j.at !== null && j.slot.getTime() <= Math.min(upTo, now) && j.at.getTime() > now);
  }

  /** Runs a target for a given slot outside its schedule (a run owed since before a restart). */
  runFor(id: string, slot: Date): Promise<void> {
    return this.runTarget(id, slot);
  }

  /** Target runs settled at once (rules/delivery.yaml daemon.concurrency). */
  get concurrency(): number {
    return this.pool.concurrency;
  }

  /**
   * A run a worker did (distributed mode), settled here like a local run: verdict, diff,
   * snapshot, alerts and the immediate mail. Also for runs no dispatch here waits for (a
   * previous coordinator's jobs).
   */
  async settleElsewhere(id: string, scraped: ScrapedElsewhere): Promise<void> {
    const orphan = ![...this.inFlight].some((r) => r.id === id);
    await this.pool.add(async () => {
      const target = this.targets.get(id);
      if (!target) {
        this.log.warn({ target: id, job: scraped.job }, 'a worker finished a target that is no longer configured; its result is dropped');
        return;
      }
      await this.runAndLog(target, (t, settle) => settle(scraped));
    });
    // A run dispatched here is mailed when its dispatch ends (runTarget); an orphan's, now.
    if (orphan) await this.deliverAfterRun(this.clock.now());
  }

  /** Alerts that come from the daemon's own running (a queue outage), recorded and sent now. */
  async recordOps(alerts: Alert[]): Promise<void> {
    if (!alerts.length || this.stopping) return;
    // Urgent: sales ops hear of an outage at once, not when the round it stalls ends.
    this.outbox.record(
      alerts.map((a) => ({ ...a, urgency: 'immediate' as const })),
      this.now(),
      { window: 'immediate' },
    );
    await this.deliver('immediate');
  }

  private async runAndLog(target: Target, remote?: RemoteScrape): Promise<void> {
    const { runAll } = await pipeline();
    this.robots ??= new (await import('../fetch/robots.js')).RobotsCache();
    const summary = await runAll({
      paths: this.paths,
      config: { rules: this.rules, targets: [target] },
      outbox: this.outbox,
      queues: this.queues,
      robots: this.robots,
      // Recorded only: the round's passes across targets and its mail come when its last run ends (deliverAfterRun).
      deliver: 'none',
      analyse: false,
      transport: this.transport,
      now: this.now,
      ...(remote ? { remote } : {}),
    });
    for (const r of summary.results) {
      // Alerts counted as `radar run` and its --json count them: the target's own, plus sales ops' notice.
      const alerts = (summary.sources.targets.get(r.target.id) ?? r.alerts).length;
      const base = { target: r.target.id, verdict: r.verdict, items: r.items, pages: r.pages.length, alerts, ms: r.durationMs };
      if (r.verdict === 'good') this.log.info(base, 'target run');
      else this.log.warn({ ...base, failure: r.failure?.class ?? null, message: r.failure?.message ?? null }, 'target run failed');
      this.opts.onTargetRun?.(r.target.id, r.verdict);
    }
    this.roundResults.push(...summary.results);
  }

  private async runJob(name: string): Promise<void> {
    const job = await loadJob(name);
    if (!job) return;
    const alerts = await job.run({ paths: this.paths, rules: this.rules, now: this.now(), log: this.log.child({ job: name }) });
    this.outbox.record(alerts, this.now(), { window: 'immediate' });
    this.log.info({ job: name, ...(job.hrOnly ? {} : { alerts: alerts.length }) }, 'job run');
    await this.deliver('immediate');
  }

  /**
   * One delivery round; `radar outbox` requests are applied first. While target runs of a round
   * are still going, 'immediate' composes only urgent alerts (mail already composed is still sent
   * and retried): the rest waits for the round's end, at most ROUND_HOLD_MS. `round`: the slot of
   * the round that just ended (runs of later rounds do not hold its mail); default: now.
   */
  async deliver(window: 'all' | 'immediate', round?: number): Promise<void> {
    this.applyRequests();
    this.applyRunRequests();
    const { deliverOutbox } = await delivery();
    let compose: 'all' | 'immediate' | 'urgent' = window;
    if (window === 'immediate') {
      const now = this.clock.now();
      if (!this.roundGoesOn(round ?? now)) this.heldSince = null;
      else if (this.heldSince === null || now - this.heldSince < ROUND_HOLD_MS) {
        this.heldSince ??= now;
        compose = 'urgent';
      } else {
        this.log.warn({ heldMinutes: Math.round((now - this.heldSince) / 60_000) }, 'a round is still running after the longest hold: its mail goes now');
        this.heldSince = null;
      }
    }
    const r = await deliverOutbox(this.outbox, { rules: this.rules, paths: this.paths, now: this.now, window: compose, transport: this.transport, force: false });
    this.logDelivery(r.delivery);
    // The notice's payload is already HR-safe (an HR email shows no subject, recipient or server words).
    for (const n of r.notices) this.log.error({ notice: n.id, ...(n.payload as object) }, 'mail is stuck: sales ops notified');
    // Mail to ops itself cannot raise a notice (it would not arrive either): the log is where it
    // shows, once per failed attempt rather than every round.
    for (const m of this.outbox.pendingMessages().filter((m) => m.attempts >= (this.rules.delivery ?? DEFAULT_DELIVERY).retry.notify_ops_after_attempts)) {
      if (!this.rules.owners.ops.includes(m.to) || this.opsStuckLogged.get(m.id) === m.attempts) continue;
      this.opsStuckLogged.set(m.id, m.attempts);
      const v = this.view(m);
      this.log.error({ message: m.id, to: v.to, attempts: m.attempts, error: v.lastError }, 'mail to sales ops is stuck');
    }
  }

  /** Logs are read by whoever runs the daemon: HR mail appears as "an HR email", never its subject or recipient. */
  private view(m: OutboxMessage): ReturnType<typeof opsView> {
    return opsView(m, this.outbox.isHr(m));
  }

  private logDelivery(d: { sent: OutboxMessage[]; failed: { msg: OutboxMessage; error: string }[]; resumed: OutboxMessage[] }): void {
    for (const m of d.resumed) this.log.warn({ message: m.id, to: this.view(m).to }, 'resending a message whose send was cut off by a crash (same Message-ID)');
    for (const m of d.sent) {
      const v = this.view(m);
      this.log.info({ message: m.id, to: v.to, channel: m.channel ?? 'email', subject: v.subject }, 'mail sent');
    }
    for (const f of d.failed) {
      const v = this.view(f.msg);
      this.log.warn(
        { message: f.msg.id, to: v.to, channel: f.msg.channel ?? 'email', attempts: f.msg.attempts, status: f.msg.status, next: f.msg.nextAttemptAt ?? null, error: v.lastError ?? f.error },
        f.msg.status === 'dead' ? 'mail given up (dead letter)' : 'mail not sent, will retry',
      );
    }
  }

  /** Applies `radar outbox retry|purge` requests left in the requests folder. */
  applyRequests(): number {
    const dir = requestsDir(this.paths.stateDir);
    if (!existsSync(dir)) return 0;
    let n = 0;
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const file = join(dir, f);
      try {
        const req = JSON.parse(readFileSync(file, 'utf8')) as OutboxRequest;
        if (req.action === 'ack') {
          const done = this.outbox.ack(req.ids, this.now(), req.note);
          this.log.info({ action: req.action, alerts: done.map((a) => a.id) }, 'alerts acknowledged');
        } else if (req.action === 'mute') {
          const done = req.ids.map((id) => this.outbox.mute(id, new Date(req.until), this.now())).filter((m) => m !== null);
          this.log.info({ action: req.action, items: done.map((m) => m.key), until: req.until }, 'alert items muted');
        } else {
          const done = req.action === 'retry' ? this.outbox.retry(req.ids) : this.outbox.purge(req.ids);
          this.log.info({ action: req.action, messages: done.map((m) => m.id) }, `outbox ${req.action} requested`);
        }
        n++;
      } catch (e) {
        this.log.error({ file, error: errorLine(e) }, 'unreadable outbox request ignored');
      }
      try {
        unlinkSync(file);
      } catch {
        /* gone */
      }
    }
    return n;
  }

  /** SIGUSR2 from `radar outbox retry|purge`: apply the request and deliver now. */
  poke(): void {
    if (this.stopping) return;
    this.scheduler.trigger('deliver:due');
  }

  /** SIGHUP or a changed file: validate first, then apply what is valid. Reloads run one at a time, in order. */
  reload(why: string): Promise<void> {
    const next = this.reloads.then(async () => {
      if (this.stopping) return;
      const loaded = await this.load();
      await this.apply(loaded, why);
      this.scheduler.setJobs(this.jobs());
    });
    this.reloads = next.catch(() => undefined);
    return next;
  }

  private watchConfig(): void {
    for (const dir of [this.paths.scrapersDir, this.paths.rulesDir]) {
      if (!existsSync(dir)) continue;
      try {
        const w = watch(dir, { persistent: false }, () => this.scheduleReload());
        w.on('error', (e) => this.log.warn({ dir, error: errorLine(e) }, 'cannot watch config folder; use SIGHUP to reload'));
        this.watchers.push(w);
      } catch (e) {
        this.log.warn({ dir, error: errorLine(e) }, 'cannot watch config folder; use SIGHUP to reload');
      }
    }
  }

  /** Editors save in bursts (temp file, rename, chmod): reload once things settle. */
  private scheduleReload(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      this.reload('file change').catch((e: unknown) => this.log.error({ error: errorLine(e) }, 'reload failed; previous config keeps running'));
    }, 500);
  }

  private onSchedulerEvent(e: SchedulerEvent): void {
    switch (e.type) {
      case 'fire':
        this.log[e.id.startsWith('deliver:due') ? 'debug' : 'info']({ job: e.id, slot: e.slot.toISOString(), reason: e.reason }, 'run started');
        break;
      case 'done':
        this.log.debug({ job: e.id, ms: e.ms }, 'run finished');
        break;
      case 'failed':
        this.log.error({ job: e.id, error: errorLine(e.error) }, 'run failed');
        break;
      case 'overlap':
        this.log.warn({ job: e.id, slot: e.slot.toISOString() }, 'still running from the previous slot; this slot is skipped');
        break;
      case 'missed':
        this.log.info({ job: e.id, missed: e.slots, policy: e.policy }, e.policy === 'once' ? 'missed runs while down: catching up once' : 'missed runs while down: skipped');
        break;
    }
  }

  /**
   * Graceful stop: nothing new starts; running targets get the grace period to finish. Whatever
   * is still running after it is abandoned: every write is atomic and alerts are recorded before
   * snapshots move, so an abandoned run is exactly a run that never happened.
   */
  stop(reason: string): Promise<{ abandoned: string[] }> {
    this.stopping ??= (async () => {
      const running = this.scheduler?.runningJobs() ?? [];
      this.log.info({ reason, running }, 'stopping');
      this.scheduler?.stop();
      for (const w of this.watchers) w.close();
      if (this.reloadTimer) clearTimeout(this.reloadTimer);
      const graceMs = (this.rules?.delivery ?? DEFAULT_DELIVERY).daemon.shutdown_grace_seconds * 1000;
      let timer: NodeJS.Timeout | undefined;
      const finished = this.scheduler
        ? await Promise.race([this.scheduler.idle().then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), graceMs)))])
        : true;
      if (timer) clearTimeout(timer);
      const abandoned = finished ? [] : this.scheduler.runningJobs();
      if (abandoned.length) this.log.warn({ abandoned }, 'abandoning runs still going after the grace period (their state is untouched; they run again at their next slot)');
      this.transport?.close();
      if (this.lockTouch) clearInterval(this.lockTouch);
      this.lock?.release();
      this.lock = null;
      this.log.info({ abandoned: abandoned.length }, 'stopped');
      return { abandoned };
    })();
    return this.stopping;
  }
}
