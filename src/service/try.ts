/**
 * Trying a target: fetch and extract it, judge the result as a run would, follow the first few
 * detail pages, and store nothing. `radar try`, the API and the console's "Try" button all use
 * this. The scrape pipeline is loaded on first use: a console at rest does not hold it.
 */
import type { Paths, Rules } from '../config/load.js';
import type { Target } from '../config/target-schema.js';
import { RadarError } from '../core/errors.js';
import { failureText, type Failure } from '../core/verdict.js';
import type { Item } from '../kinds/types.js';
import { getKind } from '../kinds/registry.js';
import type { PageReport } from '../pipeline/scrape.js';
import { readSnapshotHeader } from '../store/snapshot.js';

export interface TryResult {
  target: string;
  verdict: 'good' | 'failed';
  failure: Failure | null;
  /** One line: "good (12 items)" or the failure class and what happened. */
  summary: string;
  pages: PageReport[];
  items: Item[];
  /** Items that could not be read, with why. */
  problems: { key: string | null; error: string }[];
  /** Columns worth showing for this kind, in order. */
  columns: string[];
  /** What the kind's rules would make of each item ("alert → south"), by key, where the kind explains. */
  explain: Record<string, string>;
}

export async function tryScrape(target: Target, paths: Paths, rules: Rules, now: Date = new Date()): Promise<TryResult> {
  const [{ HostQueues }, { makeFetcher }, { scrapeTarget }, { judge }, { followDetails }] = await Promise.all([
    import('../fetch/host-queue.js'),
    import('../fetch/registry.js'),
    import('../pipeline/scrape.js'),
    import('../pipeline/verdict.js'),
    import('../pipeline/details.js'),
  ]);
  const fetcher = makeFetcher(target.fetch.mode);
  if (!fetcher) throw new RadarError('config', `fetch mode "${target.fetch.mode}" is not available in this build`, { where: target.file, field: 'fetch.mode' });
  const queues = new HostQueues();
  const ctx = { schedule: <T>(u: string, t: () => Promise<T>) => queues.schedule(u, t, target.fetch.min_interval_ms), spaceHost: (u: string, ms: number) => queues.space(u, ms) };
  try {
    const outcome = await scrapeTarget(target, { fetcher, ctx });
    const snap = readSnapshotHeader(paths.stateDir, target.id);
    const judged = judge(outcome, { target, lastGoodCount: snap?.lastGoodCount ?? 0, minItemRatio: rules.price.min_item_ratio });
    // A `detail:` block: follow the first few items' own pages, so their fields show too.
    const sampled = target.detail ? { ...target, detail: { ...target.detail, max_per_run: Math.min(target.detail.max_per_run, 5) } } : target;
    const verdict = await followDetails(sampled, judged, new Map(), { fetcher, ctx }, { keepDeferred: true });
    const items = verdict.status === 'good' ? verdict.items : outcome.ok ? outcome.items : [];
    const kind = getKind(target.kind);
    const explain: Record<string, string> = {};
    if (kind?.explain) for (const i of items.slice(0, 200)) explain[i.key] = kind.explain(i, target, rules, now);
    return {
      target: target.id,
      verdict: verdict.status,
      failure: verdict.status === 'failed' ? verdict.failure : null,
      summary: verdict.status === 'good' ? `good (${items.length} items)` : `failed, ${failureText(verdict.failure)}`,
      pages: outcome.pages,
      items,
      problems: outcome.ok ? outcome.problems : [],
      columns: columnsFor(target, items),
      explain,
    };
  } finally {
    await fetcher.close?.();
  }
}

/** The kind's own columns, else name, amount, currency, the other fields, url. */
export function columnsFor(target: Pick<Target, 'kind'>, items: readonly Item[]): string[] {
  const cols = [...new Set(items.flatMap((i) => Object.keys(i.data)))].filter((c) => !['priceText', 'source', 'from'].includes(c));
  const kind = getKind(target.kind);
  return kind?.columns ? [...kind.columns] : ['name', 'amount', 'currency', ...cols.filter((c) => !['name', 'amount', 'currency', 'url'].includes(c)), 'url'].filter((c) => cols.includes(c));
}
