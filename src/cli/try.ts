import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadTargetFile, loadTargets, loadRules, type Paths } from '../config/load.js';
import type { Target } from '../config/target-schema.js';
import { RadarError } from '../core/errors.js';
import { failureText } from '../core/verdict.js';
import { HostQueues } from '../fetch/host-queue.js';
import { makeFetcher } from '../fetch/registry.js';
import { scrapeTarget } from '../pipeline/scrape.js';
import { judge } from '../pipeline/verdict.js';
import { followDetails } from '../pipeline/details.js';
import { getKind } from '../kinds/registry.js';
import { readSnapshot } from '../store/snapshot.js';
import { pathsFrom, out, setExitCode } from './common.js';
import { formatTable } from './table.js';

export function register(program: Command): void {
  program
    .command('try')
    .description('Fetch and extract one target and print what would be stored. Changes nothing: use it to test a new scrapers/*.yaml.')
    .argument('<file|id>', 'a target file, or the id of a target in scrapers/')
    .option('--json', 'print items as JSON')
    .option('-n, --limit <n>', 'show at most n items', (v) => Number(v), 50)
    .action(async (ref: string, opts: { json?: boolean; limit: number }, cmd: Command) => {
      const paths = pathsFrom(cmd);
      const target = resolveTarget(ref, paths);
      const rules = loadRules(paths.rulesDir);
      const fetcher = makeFetcher(target.fetch.mode);
      if (!fetcher) throw new RadarError('config', `fetch mode "${target.fetch.mode}" is not available in this build`, { where: target.file });
      const queues = new HostQueues();
      const ctx = { schedule: <T>(u: string, t: () => Promise<T>) => queues.schedule(u, t, target.fetch.min_interval_ms), spaceHost: (u: string, ms: number) => queues.space(u, ms) };
      try {
        const outcome = await scrapeTarget(target, { fetcher, ctx });
        const snap = readSnapshot(paths.stateDir, target.id);
        const judged = judge(outcome, { target, lastGoodCount: snap?.lastGoodCount ?? 0, minItemRatio: rules.price.min_item_ratio });
        // A `detail:` block: follow the first few items' own pages, so their fields show too.
        const sampled = target.detail ? { ...target, detail: { ...target.detail, max_per_run: Math.min(target.detail.max_per_run, 5) } } : target;
        const verdict = await followDetails(sampled, judged, new Map(), { fetcher, ctx }, { keepDeferred: true });
        const items = verdict.status === 'good' ? verdict.items : outcome.ok ? outcome.items : [];
        if (opts.json) {
          out(JSON.stringify({ target: target.id, verdict: verdict.status, failure: verdict.status === 'failed' ? verdict.failure : null, pages: outcome.pages, items, problems: outcome.ok ? outcome.problems : [] }, null, 2));
        } else {
          for (const p of outcome.pages) out(`page ${p.url}  HTTP ${p.status ?? '-'}  ${p.items} items`);
          if (items.length) {
            const cols = [...new Set(items.flatMap((i) => Object.keys(i.data)))].filter((c) => !['priceText', 'source', 'from'].includes(c));
            const kind = getKind(target.kind);
            const ordered = kind?.columns ? [...kind.columns] : ['name', 'amount', 'currency', ...cols.filter((c) => !['name', 'amount', 'currency', 'url'].includes(c)), 'url'].filter((c) => cols.includes(c));
            const why = (i: (typeof items)[number]) => (kind?.explain ? [kind.explain(i, target, rules, new Date())] : []);
            out(formatTable(['key', ...ordered, ...(kind?.explain ? ['rules'] : [])], items.slice(0, opts.limit).map((i) => [i.key, ...ordered.map((c) => fmt(i.data[c])), ...why(i)])));
            if (items.length > opts.limit) out(`… ${items.length - opts.limit} more (use --limit)`);
          }
          if (outcome.ok) for (const p of outcome.problems.slice(0, 10)) out(`  skipped item ${p.key ?? '(no key)'}: ${p.error}`);
          out(verdict.status === 'good' ? `verdict: good (${items.length} items). Nothing was stored.` : `verdict: failed, ${failureText(verdict.failure)}. Nothing was stored.`);
        }
        setExitCode(cmd, verdict.status === 'good' ? 0 : 1);
      } finally {
        await fetcher.close?.();
      }
    });
}

function fmt(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

export function resolveTarget(ref: string, paths: Paths): Target {
  if (existsSync(ref) && /\.ya?ml$/.test(ref)) return loadTargetFile(ref);
  for (const name of [`${ref}.yaml`, `${ref}.yml`]) {
    const f = join(paths.scrapersDir, name);
    if (existsSync(f)) {
      const t = loadTargetFile(f);
      if (t.id === ref) return t;
    }
  }
  // The file name need not match the id: look through every target.
  const byId = loadTargets(paths.scrapersDir).targets.find((t) => t.id === ref);
  if (byId) return byId;
  throw new RadarError('usage', `no target file or id "${ref}" (looked in ${paths.scrapersDir})`);
}
