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
}

/** fetch → extract → normalise → verdict → (good only) diff + rules + snapshot. */
export async function runTarget(target: Target, deps: RunTargetDeps): Promise<TargetRunResult> {
  const started = Date.now();
  const kind = getKind(target.kind)!;
  const db = await openSnapshot(deps.stateDir, target.id, target.kind);
  const outcome: ScrapeOutcome = await scrapeTarget(target, { fetcher: deps.fetcher, ctx: deps.ctx, ...(deps.onPage ? { onPage: deps.onPage } : {}) });
  const judged = judge(outcome, { target, lastGoodCount: db.data.lastGoodCount, minItemRatio: deps.rules.price.min_item_ratio });
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
  const decision = kind.decide(diff, { target, rules: deps.rules, now, hasBaseline, epoch: db.data.lastGoodAt ?? 'first', state: db.data.kindState });
  deps.record(decision.alerts);

  if (kind.historyPoint) recordHistory(db.data.history, verdict.items, kind.historyPoint, { at, limit: target.history_limit, removed: diff.removed });
  db.data.items = diff.next;
  db.data.kindState = decision.state;
  db.data.lastGoodAt = at;
  db.data.lastGoodCount = verdict.items.length;
  db.data.kind = target.kind;
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
