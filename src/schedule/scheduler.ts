import { nextRun, type Cron } from '../time/cron.js';

/** Time as the scheduler sees it; the daemon passes the real one, tests a fake they advance by hand. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export type CatchUp = 'once' | 'skip';

export interface RunContext {
  /** The cron slot this run belongs to (before jitter). */
  slot: Date;
  reason: 'scheduled' | 'catch-up' | 'manual';
}

export interface JobSpec {
  id: string;
  cron: Cron;
  /** Random delay added to each slot, 0..jitterMs, so fifty targets on "0 8 * * *" do not all start at 08:00:00. */
  jitterMs?: number;
  /** After downtime: run once for the slots missed, or skip to the next slot. */
  catchUp: CatchUp;
  run(ctx: RunContext): Promise<void>;
}

/** What the scheduler remembers per job across restarts (persisted by the daemon in schedule.json). */
export interface JobRecord {
  /** The last slot that fired (or was skipped on purpose). */
  lastSlot: string | null;
  lastStartedAt?: string | null;
  lastFinishedAt?: string | null;
  lastOutcome?: 'ok' | 'error' | null;
  lastError?: string | null;
}

export interface ScheduleStore {
  get(id: string): JobRecord | undefined;
  set(id: string, rec: JobRecord): void;
}

export class MemoryScheduleStore implements ScheduleStore {
  readonly records = new Map<string, JobRecord>();
  get(id: string) {
    return this.records.get(id);
  }
  set(id: string, rec: JobRecord) {
    this.records.set(id, rec);
  }
}

export type SchedulerEvent =
  | { type: 'fire'; id: string; slot: Date; at: Date; reason: RunContext['reason'] }
  | { type: 'done'; id: string; slot: Date; ms: number }
  | { type: 'failed'; id: string; slot: Date; error: unknown }
  | { type: 'overlap'; id: string; slot: Date }
  | { type: 'missed'; id: string; slots: number; policy: CatchUp; lastSlot: Date };

interface Planned {
  spec: JobSpec;
  /** The slot the next fire belongs to. */
  slot: number | null;
  /** slot + jitter. */
  fireAt: number | null;
  reason: RunContext['reason'];
}

export interface SchedulerOptions {
  clock?: Clock;
  random?: () => number;
  store?: ScheduleStore;
  onEvent?: (e: SchedulerEvent) => void;
  /**
   * The longest the scheduler sleeps before looking at the clock again: a wall clock set forward,
   * a suspended VM or a long timer drifting must not make it miss a slot by hours.
   */
  maxSleepMs?: number;
}

/** Missed slots beyond this are counted as "many"; counting every second of a long outage is pointless. */
const MAX_COUNTED_MISSES = 10_000;

/**
 * The pure core of the daemon: cron slots per job in a time zone, jitter, no overlap of a job
 * with itself, catch-up after downtime. It knows nothing about targets or mail: a job is a
 * function. Time and randomness are injected, so tests drive it with a fake clock.
 */
export class Scheduler {
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly store: ScheduleStore;
  private readonly onEvent: (e: SchedulerEvent) => void;
  private readonly maxSleepMs: number;
  private readonly jobs = new Map<string, Planned>();
  private readonly running = new Map<string, Promise<void>>();
  private timer: unknown = null;
  private started = false;
  private stopped = false;

  constructor(opts: SchedulerOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.random = opts.random ?? Math.random;
    this.store = opts.store ?? new MemoryScheduleStore();
    this.onEvent = opts.onEvent ?? (() => undefined);
    this.maxSleepMs = opts.maxSleepMs ?? 60_000;
  }

  /**
   * Sets the jobs (at start and on every config reload). A job whose schedule did not change
   * keeps its planned fire time (and jitter); a running job keeps running.
   */
  setJobs(specs: readonly JobSpec[]): void {
    const keep = new Set(specs.map((s) => s.id));
    for (const id of [...this.jobs.keys()]) if (!keep.has(id)) this.jobs.delete(id);
    for (const spec of specs) {
      const old = this.jobs.get(spec.id);
      const same = old && old.spec.cron.expr === spec.cron.expr && old.spec.cron.timeZone === spec.cron.timeZone && (old.spec.jitterMs ?? 0) === (spec.jitterMs ?? 0);
      if (old && same) {
        old.spec = spec;
        continue;
      }
      const planned: Planned = { spec, slot: null, fireAt: null, reason: 'scheduled' };
      this.jobs.set(spec.id, planned);
      if (this.started) this.plan(planned, this.clock.now(), false);
    }
    if (this.started) this.arm();
  }

  /** Looks at what was missed while we were down, then starts the timer. */
  start(): void {
    if (this.started) return;
    this.started = true;
    const now = this.clock.now();
    for (const p of this.jobs.values()) this.plan(p, now, true);
    this.arm();
  }

  /** No new runs start after this; running ones continue (see `idle`). */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Resolves when no job is running. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running.values()]);
  }

  runningJobs(): string[] {
    return [...this.running.keys()];
  }

  /** When each job fires next (after jitter), for logs and `radar status`. */
  upcoming(): { id: string; at: Date | null; slot: Date | null }[] {
    return [...this.jobs.values()].map((p) => ({ id: p.spec.id, at: p.fireAt === null ? null : new Date(p.fireAt), slot: p.slot === null ? null : new Date(p.slot) }));
  }

  /** Runs a job now, outside its schedule (still never overlapping itself). False if it is already running. */
  trigger(id: string): boolean {
    const p = this.jobs.get(id);
    if (!p || this.stopped) return false;
    return this.fire(p, this.clock.now(), 'manual');
  }

  private plan(p: Planned, now: number, startup: boolean): void {
    const rec = this.store.get(p.spec.id);
    const last = rec?.lastSlot ? Date.parse(rec.lastSlot) : null;
    if (startup && last !== null) {
      // Slots between the last one we fired and now were missed while we were down.
      let missed = 0;
      let latest = last;
      for (let s = nextRun(p.spec.cron, last); s && s.getTime() <= now; s = nextRun(p.spec.cron, s)) {
        missed++;
        latest = s.getTime();
        if (missed >= MAX_COUNTED_MISSES) break;
      }
      if (missed > 0) {
        this.onEvent({ type: 'missed', id: p.spec.id, slots: missed, policy: p.spec.catchUp, lastSlot: new Date(latest) });
        if (p.spec.catchUp === 'once') {
          p.slot = latest;
          p.fireAt = now + this.jitter(p.spec);
          p.reason = 'catch-up';
          return;
        }
        this.store.set(p.spec.id, { ...rec, lastSlot: new Date(latest).toISOString() });
      }
    }
    const next = nextRun(p.spec.cron, now);
    p.slot = next ? next.getTime() : null;
    p.fireAt = next ? next.getTime() + this.jitter(p.spec) : null;
    p.reason = 'scheduled';
  }

  private jitter(spec: JobSpec): number {
    const j = spec.jitterMs ?? 0;
    return j > 0 ? Math.floor(this.random() * j) : 0;
  }

  private arm(): void {
    if (this.stopped) return;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    const now = this.clock.now();
    let soonest = Infinity;
    for (const p of this.jobs.values()) if (p.fireAt !== null) soonest = Math.min(soonest, p.fireAt);
    const wait = Math.max(0, Math.min(soonest - now, this.maxSleepMs));
    this.timer = this.clock.setTimeout(() => this.tick(), wait);
  }

  private tick(): void {
    this.timer = null;
    if (this.stopped) return;
    const now = this.clock.now();
    for (const p of this.jobs.values()) {
      if (p.fireAt === null || p.fireAt > now) continue;
      const slot = p.slot!;
      const reason = p.reason;
      // Plan the following slot from now: if the process slept through several, they collapse into this one.
      const next = nextRun(p.spec.cron, Math.max(now, slot));
      p.slot = next ? next.getTime() : null;
      p.fireAt = next ? next.getTime() + this.jitter(p.spec) : null;
      p.reason = 'scheduled';
      this.fire(p, now, reason, slot);
    }
    this.arm();
  }

  private fire(p: Planned, now: number, reason: RunContext['reason'], slot = now): boolean {
    const id = p.spec.id;
    const rec = this.store.get(id) ?? { lastSlot: null };
    if (this.running.has(id)) {
      this.onEvent({ type: 'overlap', id, slot: new Date(slot) });
      // The slot is spent: the run still going covers it.
      if (reason !== 'manual') this.store.set(id, { ...rec, lastSlot: new Date(slot).toISOString() });
      return false;
    }
    // Recorded before the run starts: a crash mid-run does not replay this slot as "missed" at
    // restart (that could loop on a target that crashes us); the next slot picks up its work.
    this.store.set(id, { ...rec, lastSlot: reason === 'manual' ? rec.lastSlot : new Date(slot).toISOString(), lastStartedAt: new Date(now).toISOString() });
    this.onEvent({ type: 'fire', id, slot: new Date(slot), at: new Date(now), reason });
    const started = this.clock.now();
    const ctx: RunContext = { slot: new Date(slot), reason };
    // Started on a microtask, so `running` already holds it even if run() throws synchronously.
    const done = Promise.resolve().then(async () => {
      try {
        await p.spec.run(ctx);
        this.store.set(id, { ...(this.store.get(id) ?? { lastSlot: null }), lastFinishedAt: new Date(this.clock.now()).toISOString(), lastOutcome: 'ok', lastError: null });
        this.onEvent({ type: 'done', id, slot: new Date(slot), ms: this.clock.now() - started });
      } catch (error) {
        this.store.set(id, {
          ...(this.store.get(id) ?? { lastSlot: null }),
          lastFinishedAt: new Date(this.clock.now()).toISOString(),
          lastOutcome: 'error',
          lastError: error instanceof Error ? error.message : String(error),
        });
        this.onEvent({ type: 'failed', id, slot: new Date(slot), error });
      } finally {
        this.running.delete(id);
      }
    });
    this.running.set(id, done);
    return true;
  }
}
