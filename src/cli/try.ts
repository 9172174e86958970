import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadTargetFile, loadTargets, loadRules, type Paths } from '../config/load.js';
import type { Target } from '../config/target-schema.js';
import { getKind } from '../kinds/registry.js';
import { RadarError } from '../core/errors.js';
import { tryScrape } from '../service/try.js';
import { pathsFrom, out, plural, setExitCode } from './common.js';
import { formatTable } from './table.js';

export function register(program: Command): void {
  program
    .command('try')
    .description('Fetch and extract one target and print what would be stored. Changes nothing: use it to test a new scrapers/*.yaml.')
    .argument('<file|id|url>', 'a target file, the id of a target in scrapers/, or with --suggest a listing page URL')
    .option('--json', 'print items as JSON')
    .option('-n, --limit <n>', 'show at most n items', (v) => Number(v), 50)
    .option('--suggest', 'read the page at URL and print proposed items: YAML, previewed on every item, and its next page when it has a next link')
    .option('--browser', 'with --suggest: render the page in headless Chromium first (for pages that need JavaScript)')
    .action(async (ref: string, opts: { json?: boolean; limit: number; suggest?: boolean; browser?: boolean }, cmd: Command) => {
      if (opts.suggest) return suggest(ref, opts, cmd);
      const paths = pathsFrom(cmd);
      const target = resolveTarget(ref, paths);
      const rules = loadRules(paths.rulesDir);
      const r = await tryScrape(target, paths, rules);
      const items = r.items;
      if (opts.json) {
        out(JSON.stringify({ target: target.id, verdict: r.verdict, failure: r.failure, pages: r.pages, items, problems: r.problems }, null, 2));
      } else {
        for (const p of r.pages) out(`page ${p.url}  HTTP ${p.status ?? '-'}  ${plural(p.items, 'item')}`);
        if (items.length) {
          const kind = getKind(target.kind);
          const ordered = r.columns;
          const why = (i: (typeof items)[number]) => (kind?.explain ? [r.explain[i.key] ?? kind.explain(i, target, rules, new Date())] : []);
          out(formatTable(['key', ...ordered, ...(kind?.explain ? ['rules'] : [])], items.slice(0, opts.limit).map((i) => [i.key, ...ordered.map((c) => fmt(i.data[c])), ...why(i)])));
          if (items.length > opts.limit) out(`… ${items.length - opts.limit} more (use --limit)`);
        }
        for (const p of r.problems.slice(0, 10)) out(`  skipped item ${p.key ?? '(no key)'}: ${p.error}`);
        out(`verdict: ${r.summary}. Nothing was stored.`);
      }
      setExitCode(cmd, r.verdict === 'good' ? 0 : 1);
    });
}

async function suggest(url: string, opts: { json?: boolean; limit: number; browser?: boolean }, cmd: Command): Promise<void> {
  const { suggestFromUrl } = await import('../service/suggest.js');
  const r = await suggestFromUrl(url, { mode: opts.browser ? 'browser' : 'http' });
  const p = r.proposal;
  if (opts.json) {
    out(JSON.stringify({ url: r.url, proposal: p, pagination: r.pagination, yaml: r.yaml }, null, 2));
  } else {
    out(`page ${r.url}  HTTP ${r.status}`);
    if (p) {
      out(p.source === 'json-ld' ? `${p.count} products in the page's JSON-LD` : `${p.count} items match ${p.each}${p.source === 'microdata' ? ' (microdata)' : ''}`);
      const rows = p.rows.slice(0, opts.limit).map((x) => [x.key ?? '', x.name ?? '', x.priceText ?? '', x.price === null ? '' : `${x.price}${x.from ? ' (from)' : ''}`, x.stock ?? '', x.url ?? '']);
      out(formatTable(['key', 'name', 'price text', 'price', 'stock', 'url'], rows));
      if (p.rows.length > opts.limit) out(`… ${p.rows.length - opts.limit} more (use --limit)`);
      for (const a of p.alternatives) out(`  also repeating: ${a.each} (${a.count})`);
    }
    const pg = r.pagination;
    if (pg) {
      const how = pg.next ? `next link "${pg.text}" (${pg.next})` : `page numbers (${pg.pattern!.url}, pages ${pg.pattern!.pages})`;
      out(`pages: ${how} → ${pg.nextUrl}`);
      out(pg.page2 ? `  page 2: HTTP ${pg.page2.status}, ${pg.page2.items} items with the same selectors` : '  page 2 could not be fetched');
    }
    out('');
    out(r.yaml.trimEnd());
  }
  setExitCode(cmd, p ? 0 : 1);
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
