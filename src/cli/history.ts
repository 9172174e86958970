import type { Command } from 'commander';
import { RadarError } from '../core/errors.js';
import { failureText } from '../core/verdict.js';
import { getKind } from '../kinds/registry.js';
import { readRunLog } from '../store/runlog.js';
import { readSnapshot } from '../store/snapshot.js';
import { localTime, pathsFrom, out, readingZone } from './common.js';
import { formatTable } from './table.js';

export function register(program: Command): void {
  program
    .command('history')
    .description("Show a target's recent runs and items, or one item's price history.")
    .argument('<id>', 'target id')
    .option('-i, --item <key>', 'show the history of one item')
    .option('--json', 'print as JSON')
    .action((id: string, opts: { item?: string; json?: boolean }, cmd: Command) => {
      const paths = pathsFrom(cmd);
      const snap = readSnapshot(paths.stateDir, id);
      const log = readRunLog(paths.stateDir, id);
      if (!snap && log.runs.length === 0) throw new RadarError('usage', `no history for target "${id}" in ${paths.stateDir}`);
      if (opts.item) {
        const item = snap?.items.get(opts.item);
        const series = snap?.history.get(opts.item);
        if (!item && !series) throw new RadarError('usage', `target "${id}" has no item "${opts.item}"`);
        if (opts.json) return out(JSON.stringify({ item: item ?? null, history: series ?? [] }, null, 2));
        const { zone, note } = readingZone(paths);
        out(`${opts.item}  ${item?.data.name ?? ''}`);
        out(formatTable(['at', 'amount', 'currency'], (series ?? []).map((p) => [localTime(p.at, zone), String(p.amount ?? ''), String(p.currency ?? '')])));
        out(`(${note})`);
        return;
      }
      // JSON keeps ISO times in UTC, for scripts; the tables are for people, in their zone.
      if (opts.json) return out(JSON.stringify({ runs: log.runs, items: Object.fromEntries(snap?.items ?? []) }, null, 2));
      const { zone, note } = readingZone(paths);
      out(formatTable(['run at', 'verdict', 'items', 'pages', '+', '~', '-', 'detail'], log.runs.slice(-20).map((r) => [localTime(r.at, zone), r.verdict, String(r.items), String(r.pages), String(r.added ?? ''), String(r.changed ?? ''), String(r.removed ?? ''), r.failure ? failureText(r.failure) : ''])));
      if (snap) {
        out('');
        // Kinds without a price (tender, job) name the columns that say what their items are.
        const cols = getKind(snap.kind)?.columns?.slice(0, 3);
        if (cols) out(formatTable(['key', ...cols, 'first seen', 'last seen'], [...snap.items.values()].slice(0, 100).map((i) => [i.key, ...cols.map((c) => String(i.data[c] ?? '')), localTime(i.firstSeen, zone), localTime(i.lastSeen, zone)])));
        else out(formatTable(['key', 'name', 'price', 'points', 'last seen'], [...snap.items.values()].slice(0, 100).map((i) => [i.key, String(i.data.name ?? ''), String(i.data.amount ?? ''), String(snap.history.get(i.key)?.length ?? 0), localTime(i.lastSeen, zone)])));
      }
      out(`(${note})`);
    });
}
