import type { Alert } from '../alerts/model.js';
import type { Rules } from '../config/load.js';
import type { Target } from '../config/target-schema.js';
import { diffItems } from '../diff/diff.js';
import type { FetchContext, Fetcher } from '../fetch/types.js';
import { getKind } from '../kinds/registry.js';
import { openSnapshot, recordHistory, type OpenSnapshot } from '../store/snapshot.js';
import { appendRun, readRunLog } from '../store/runlog.js';
import { scrapeTarget, type PageReport, type ScrapeOutcome } from './scrape.js';
import { judge, type Verdict } from './verdict.js';
import { followDetails } from './details.js';
import type { TargetRunResult } from '../contracts/run-result.js';

export type { TargetRunResult } from '../contracts/run-result.js';

/** What settling a run needs, wherever its pages were fetched. */
export interface SettleDeps {
  rules: Rules;
  stateDir: string;
  now: () => Date;
  /** Durably records alerts; called before the snapshot moves on, so a crash in between loses nothing. */
  record: (alerts: Alert[]) => void;
  /** `radar accept`: take this run's result as the new normal (fewer items, smaller pages), recorded in the run log. */
  accept?: { note?: string };
}

export interface RunTargetDeps extends SettleDeps {
  fetcher: Fetcher;
  ctx: FetchContext;
  onPage?: (p: PageReport) => void;
}

/** A judged run, ready to be settled against the snapshot it was judged with. */
export interface JudgedRun {
  db: OpenSnapshot;
  pages: PageReport[];
  /** The scrape itself succeeded: its pages become the profile the next run's pages are checked against. */
  scraped: boolean;
  verdict: Verdict;
  /** When the run started (ms since epoch), for its duration. */
  startedAt: number;
  /** The run's duration when it was measured elsewhere (a worker), rather than until now. */
  durationMs?: number;
  /**
   * The queue job the run came from (distributed mode). It is written into the run log, and a
   * job already there is not settled twice (a coordinator that died after settling it).
   */
  job?: string;
}

/** fetch → extract → normalise → verdict → (good only) diff + rules + snapshot. */
export async function runTarget(target: Target, deps: RunTargetDeps): Promise<TargetRunResult> {
  const startedAt = Date.now();
  const db = await openSnapshot(deps.stateDir, target.id, target.kind);
  const accepting = deps.accept !== undefined;
  const outcome: ScrapeOutcome = await scrapeTarget(target, { fetcher: deps.fetcher, ctx: deps.ctx, profile: db.data.pages, accepting, ...(deps.onPage ? { onPage: deps.onPage } : {}) });
  const judged = judge(outcome, { target, lastGoodCount: db.data.lastGoodCount, minItemRatio: deps.rules.price.min_item_ratio, accepting });
  // Targets with a `detail:` block follow each new item's own page before the diff.
  const verdict = await followDetails(target, judged, db.data.items, { fetcher: deps.fetcher, ctx: deps.ctx, rules: deps.rules, now: deps.now() });
  return settleRun(target, { db, pages: outcome.pages, scraped: outcome.ok, verdict, startedAt }, deps);
}

/**
 * The single writer's half of a run: a failed verdict goes to the run log only; a good one is
 * diffed, decided, its alerts recorded, then the snapshot and the run log move on.
 */
export async function settleRun(target: Target, run: JudgedRun, deps: SettleDeps): Promise<TargetRunResult> {
  const kind = getKind(target.kind)!;
  const { db, verdict } = run;
  const accepting = deps.accept !== undefined;
  const now = deps.now();
  const at = now.toISOString();
  const log = readRunLog(deps.stateDir, target.id);
  const job = run.job ? { job: run.job } : {};
  const duration = () => run.durationMs ?? Date.now() - run.startedAt;

  if (run.job) {
    const done = log.runs.find((r) => r.job === run.job);
    if (done) return { target, verdict: done.verdict, ...(done.failure ? { failure: done.failure } : {}), items: done.items, pages: run.pages, alerts: [], log, durationMs: done.durationMs };
    // Older than what the snapshot already holds (a dead coordinator's job finishing after a newer one): it changes nothing.
    if (log.lastRunAt !== null && log.lastRunAt > at) return { target, verdict: verdict.status, ...(verdict.status === 'failed' ? { failure: verdict.failure } : {}), items: 0, pages: run.pages, alerts: [], log, durationMs: duration() };
  }

  if (verdict.status === 'failed') {
    const nextLog = appendRun(deps.stateDir, log, { at, verdict: 'failed', failure: verdict.failure, items: 0, pages: run.pages.length, durationMs: duration(), ...job });
    return { target, verdict: 'failed', failure: verdict.failure, items: 0, pages: run.pages, alerts: [], log: nextLog, durationMs: duration() };
  }

  // A job whose snapshot was written by a coordinator that died before its run log: only the log is missing.
  if (run.job && db.data.lastGoodAt === at) {
    const nextLog = appendRun(deps.stateDir, log, { at, verdict: 'good', items: verdict.items.length, pages: run.pages.length, durationMs: duration(), ...job });
    return { target, verdict: 'good', items: verdict.items.length, pages: run.pages, alerts: [], log: nextLog, durationMs: duration() };
  }

  const hasBaseline = db.data.lastGoodAt !== null;
  const diff = diffItems(db.data.items, verdict.items, {
    now,
    removedAfterRuns: deps.rules.price.removed_after_runs,
    changedFields: kind.changedFields,
    ...(kind.changeFields ? { changeFields: kind.changeFields } : {}),
  });
  const decision = kind.decide(diff, { target, rules: deps.rules, now, hasBaseline, epoch: db.data.lastGoodAt ?? 'first', state: db.data.kindState, ...(verdict.charsetNote ? { charsetNote: verdict.charsetNote } : {}) });
  deps.record(decision.alerts);

  // Held-back changes: the snapshot keeps what the item was, and its history does not move.
  const kept = new Set(decision.keep ?? []);
  for (const key of kept) {
    const before = db.data.items.get(key);
    const current = diff.next.get(key);
    if (before && current) diff.next.set(key, { key, data: before.data, firstSeen: current.firstSeen, lastSeen: current.lastSeen, missingRuns: current.missingRuns });
  }
  const moved = kept.size ? verdict.items.filter((i) => !kept.has(i.key)) : verdict.items;
  const changed = new Set([...diff.added, ...diff.changed].map((i) => i.key));
  if (kind.historyPoint) recordHistory(db.data.history, moved, kind.historyPoint, { at, limit: target.history_limit, removed: diff.removed, moved: changed });
  const previousCount = db.data.lastGoodCount;
  db.data.items = diff.next;
  db.data.kindState = decision.state;
  db.data.lastGoodAt = at;
  db.data.lastGoodCount = verdict.items.length;
  db.data.kind = target.kind;
  db.data.fingerprint = kind.changeFields ?? null;
  if (run.scraped) db.data.pages = { bytes: run.pages.map((p) => p.bytes ?? 0), closed: run.pages.every((p) => p.closes !== false) };
  await db.write();

  const nextLog = appendRun(deps.stateDir, log, {
    at,
    verdict: 'good',
    items: verdict.items.length,
    pages: run.pages.length,
    durationMs: duration(),
    added: diff.added.length,
    changed: diff.changed.length,
    removed: diff.removed.length,
    alerts: decision.alerts.length,
    ...(accepting ? { accepted: { previousCount, ...(deps.accept?.note ? { note: deps.accept.note } : {}) } } : {}),
    ...job,
  });
  return {
    target,
    verdict: 'good',
    items: verdict.items.length,
    pages: run.pages,
    diff: { added: diff.added, removed: diff.removed, changed: diff.changed, missing: diff.missing },
    alerts: decision.alerts,
    log: nextLog,
    durationMs: duration(),
  };
}
