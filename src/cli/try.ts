import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadTargetFile, loadTargets, loadRules, type Paths } from '../config/load.js';
import type { Target } from '../config/target-schema.js';
import { getKind } from '../kinds/registry.js';
import { RadarError } from '../core/errors.js';
import { tryScrape } from '../service/try.js';
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
      const r = await tryScrape(target, paths, rules);
      const items = r.items;
      if (opts.json) {
        out(JSON.stringify({ target: target.id, verdict: r.verdict, failure: r.failure, pages: r.pages, items, problems: r.problems }, null, 2));
      } else {
        for (const p of r.pages) out(`page ${p.url}  HTTP ${p.status ?? '-'}  ${p.items} items`);
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
