/**
 * A run split in two (distributed mode): a worker fetches, renders, extracts and normalises; the
 * coordinator judges the verdict and settles the run against the snapshot it alone writes.
 */
import type { Rules } from '../config/load.js';
import type { Target } from '../config/target-schema.js';
import type { StoredItem } from '../diff/diff.js';
import type { FetchContext, Fetcher } from '../fetch/types.js';
import { openSnapshot, type PageProfile } from '../store/snapshot.js';
import { followDetails, withKnownDetails } from './details.js';
import { settleRun, type SettleDeps, type TargetRunResult } from './run-target.js';
import { scrapeTarget, type PageReport, type ScrapeOutcome } from './scrape.js';
import { judge, type Verdict } from './verdict.js';

/** What a worker hands back for one target run. */
export interface ScrapedElsewhere {
  /** The queue job (target and scheduled slot). */
  job: string;
  startedAt: string;
  /** When the worker finished: the run's time in the snapshot and the run log. */
  finishedAt: string;
  outcome: ScrapeOutcome;
  /**
   * Targets with a `detail:` block: the listing's items after the worker followed the new ones'
   * pages. Known items carry only what the listing shows (the coordinator adds the rest).
   */
  detail?: Verdict;
}

/** Has a target scraped elsewhere and hands the result to `settle`, which the caller runs as it would a local run. */
export type RemoteScrape = (target: Target, settle: (scraped: ScrapedElsewhere) => Promise<TargetRunResult>) => Promise<TargetRunResult>;

export interface WorkerScrapeDeps {
  fetcher: Fetcher;
  ctx: FetchContext;
  /** Keys in the coordinator's snapshot, for targets with `detail:` (only new items are followed). */
  known?: readonly string[];
  /** The coordinator's profile of the last good run's pages (a cut-off page fails the run). */
  profile?: PageProfile;
  /** For a kind to skip detail pages of items that will never alert; without rules every new item is followed. */
  rules?: Rules;
  now?: () => Date;
  onPage?: (p: PageReport) => void;
}

/** The worker's half: pages fetched and read, items normalised, new items' detail pages followed. */
export async function scrapeForCoordinator(target: Target, deps: WorkerScrapeDeps): Promise<Omit<ScrapedElsewhere, 'job'>> {
  const startedAt = new Date().toISOString();
  const outcome = await scrapeTarget(target, { fetcher: deps.fetcher, ctx: deps.ctx, profile: deps.profile ?? null, ...(deps.onPage ? { onPage: deps.onPage } : {}) });
  let detail: Verdict | undefined;
  if (target.detail && outcome.ok) {
    const known = new Map<string, StoredItem>((deps.known ?? []).map((key) => [key, { key, data: {}, firstSeen: '', lastSeen: '', missingRuns: 0 }]));
    detail = await followDetails(target, { status: 'good', items: outcome.items }, known, {
      fetcher: deps.fetcher,
      ctx: deps.ctx,
      ...(deps.rules ? { rules: deps.rules, now: (deps.now ?? (() => new Date()))() } : {}),
    });
  }
  return { startedAt, finishedAt: new Date().toISOString(), outcome, ...(detail ? { detail } : {}) };
}

/** The coordinator's half: the verdict on what the worker found, then the usual settle. */
export async function settleScraped(target: Target, scraped: ScrapedElsewhere, deps: SettleDeps): Promise<TargetRunResult> {
  const db = await openSnapshot(deps.stateDir, target.id, target.kind);
  const judged = judge(scraped.outcome, { target, lastGoodCount: db.data.lastGoodCount, minItemRatio: deps.rules.price.min_item_ratio });
  let verdict: Verdict = judged;
  if (judged.status === 'good' && target.detail) {
    if (!scraped.detail) verdict = { status: 'failed', failure: { class: 'config', message: 'the worker sent no detail pages (an older radar worker?)', url: target.fetch.url } };
    else if (scraped.detail.status === 'failed') verdict = scraped.detail;
    else verdict = { status: 'good', items: withKnownDetails(scraped.detail.items, db.data.items) };
  }
  const startedAt = Date.parse(scraped.startedAt);
  return settleRun(
    target,
    { db, pages: scraped.outcome.pages, scraped: scraped.outcome.ok, verdict, startedAt, durationMs: Date.parse(scraped.finishedAt) - startedAt, job: scraped.job },
    // The run happened when the worker read it, whenever the result arrives here.
    { ...deps, now: () => new Date(scraped.finishedAt) },
  );
}
