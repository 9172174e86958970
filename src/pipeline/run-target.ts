import type { Alert } from '../alerts/model.js';
import type { Rules } from '../config/load.js';
import type { Target } from '../config/target-schema.js';
import { diffItems } from '../diff/diff.js';
import type { FetchContext, Fetcher } from '../fetch/types.js';
import { getKind } from '../kinds/registry.js';
import { openSnapshot, recordHistory } from '../store/snapshot.js';
import { appendRun, readRunLog } from '../store/runlog.js';
import { scrapeTarget, type PageReport, type ScrapeOutcome } from './scrape.js';
import { judge } from './verdict.js';
import { followDetails } from './details.js';
import type { TargetRunResult } from '../contracts/run-result.js';

export type { TargetRunResult } from '../contracts/run-result.js';

export interface RunTargetDeps {
  rules: Rules;
  stateDir: string;
  fetcher: Fetcher;
  ctx: FetchContext;
  now: () => Date;
  /** Durably records alerts; called before the snapshot moves on, so a crash in between loses nothing. */
  record: (alerts: Alert[]) => void;
  onPage?: (p: PageReport) => void;
  /** `radar accept`: take this run's result as the new normal (fewer items, smaller pages), recorded in the run log. */
  accept?: { note?: string };
}

/** fetch → extract → normalise → verdict → (good only) diff + rules + snapshot. */
export async function runTarget(target: Target, deps: RunTargetDeps): Promise<TargetRunResult> {
  const started = Date.now();
  const kind = getKind(target.kind)!;
  const db = await openSnapshot(deps.stateDir, target.id, target.kind);
  const accepting = deps.accept !== undefined;
  const outcome: ScrapeOutcome = await scrapeTarget(target, { fetcher: deps.fetcher, ctx: deps.ctx, profile: db.data.pages, accepting, ...(deps.onPage ? { onPage: deps.onPage } : {}) });
  const judged = judge(outcome, { target, lastGoodCount: db.data.lastGoodCount, minItemRatio: deps.rules.price.min_item_ratio, accepting });
  // Targets with a `detail:` block follow each new item's own page before the diff.
  const verdict = await followDetails(target, judged, db.data.items, { fetcher: deps.fetcher, ctx: deps.ctx, rules: deps.rules, now: deps.now() });
  const now = deps.now();
  const at = now.toISOString();
  const log = readRunLog(deps.stateDir, target.id);

  if (verdict.status === 'failed') {
    const nextLog = appendRun(deps.stateDir, log, {
      at,
      verdict: 'failed',
      failure: verdict.failure,
      items: 0,
      pages: outcome.pages.length,
      durationMs: Date.now() - started,
    });
    return { target, verdict: 'failed', failure: verdict.failure, items: 0, pages: outcome.pages, alerts: [], log: nextLog, durationMs: Date.now() - started };
  }

  const hasBaseline = db.data.lastGoodAt !== null;
  const diff = diffItems(db.data.items, verdict.items, {
    now,
    removedAfterRuns: deps.rules.price.removed_after_runs,
    changedFields: kind.changedFields,
  });
  const decision = kind.decide(diff, { target, rules: deps.rules, now, hasBaseline, epoch: db.data.lastGoodAt ?? 'first', state: db.data.kindState, ...(verdict.charsetNote ? { charsetNote: verdict.charsetNote } : {}) });
  deps.record(decision.alerts);

  // Held-back changes: the snapshot keeps what the item was, and its history does not move.
  const kept = new Set(decision.keep ?? []);
  for (const key of kept) {
    const before = db.data.items.get(key);
    const current = diff.next.get(key);
    if (before && current) diff.next.set(key, { ...current, data: before.data });
  }
  const moved = kept.size ? verdict.items.filter((i) => !kept.has(i.key)) : verdict.items;
  if (kind.historyPoint) recordHistory(db.data.history, moved, kind.historyPoint, { at, limit: target.history_limit, removed: diff.removed });
  const previousCount = db.data.lastGoodCount;
  db.data.items = diff.next;
  db.data.kindState = decision.state;
  db.data.lastGoodAt = at;
  db.data.lastGoodCount = verdict.items.length;
  db.data.kind = target.kind;
  if (outcome.ok) db.data.pages = { bytes: outcome.pages.map((p) => p.bytes ?? 0), closed: outcome.pages.every((p) => p.closes !== false) };
  await db.write();

  const nextLog = appendRun(deps.stateDir, log, {
    at,
    verdict: 'good',
    items: verdict.items.length,
    pages: outcome.pages.length,
    durationMs: Date.now() - started,
    added: diff.added.length,
    changed: diff.changed.length,
    removed: diff.removed.length,
    alerts: decision.alerts.length,
    ...(accepting ? { accepted: { previousCount, ...(deps.accept?.note ? { note: deps.accept.note } : {}) } } : {}),
  });
  return {
    target,
    verdict: 'good',
    items: verdict.items.length,
    pages: outcome.pages,
    diff: { added: diff.added, removed: diff.removed, changed: diff.changed, missing: diff.missing },
    alerts: decision.alerts,
    log: nextLog,
    durationMs: Date.now() - started,
  };
}
