/**
 * Reads the sources of a sales rule file (rules/targets.yaml, followup.yaml, scorecard.yaml)
 * through the shared signals import path: the org export first (it names people and managers),
 * then every other export with the row handler its preset asks for. A file that cannot be read
 * is one bad row at line 0 and the others still count; a bad row is `file:line: reason`.
 *
 * Coverage: each preset remembers the days its files cover, from the period a title line declares
 * ("统计日期：2025-10-01 至 2026-11-22") or else from its first to its last row. A month or week
 * outside that span is no data, never zero.
 */
import type { SourceConfig } from '../signals/config.js';
import type { Cell } from '../signals/table.js';
import { type BadRow, BadRows } from '../signals/table.js';
import { expandSources, type Mapped, OrgDirectory, periodFromPreamble, readMappedRows, type RowFn, type SourceFile } from '../signals/rows.js';
import type { Pseudonymizer } from '../signals/weekly.js';
import { dayToIso } from '../signals/dates.js';
import { errorLine, RadarError } from '../core/errors.js';
import { salesPreset } from './presets.js';

export interface Span {
  first: number;
  last: number;
}

export interface SourceReport {
  file: string;
  preset: string;
  rows: number;
  bad: number;
  /** The days the file covers (declared period, else first..last row), ISO dates. */
  covers?: { first: string; last: string; declared: boolean };
}

/** What a row handler gets besides the mapped header. */
export interface FileContext {
  file: SourceFile;
  bad: BadRows;
  org: OrgDirectory;
  /** Marks a day as having a row (coverage when no period is declared). */
  mark(day: number): void;
}

export type HandlerFactory = (ctx: FileContext, m: Mapped, preamble: Cell[][]) => RowFn;

export interface ImportResult {
  org: OrgDirectory;
  badRows: BadRow[];
  reports: SourceReport[];
  /** Days covered per preset (union of its files' spans). */
  coverage: Map<string, Span>;
}

export interface ImportOptions {
  sources: readonly SourceConfig[];
  inputsDir: string;
  pseudo: Pseudonymizer;
  /** Row handlers by preset; presets without one (other than org) are skipped. */
  handlers: Record<string, HandlerFactory>;
  /** Where to map columns, for the "no header row" message (e.g. "map the columns in rules/targets.yaml"). */
  mapHint: string;
  badRowsListed?: number;
}

export async function importSources(o: ImportOptions): Promise<ImportResult> {
  const badRows: BadRow[] = [];
  const files = await expandSources(o.sources, o.inputsDir, badRows);
  // The org export first: other exports name people by 工号 or by a name it knows.
  files.sort((a, b) => Number(b.source.preset === 'org') - Number(a.source.preset === 'org'));
  const org = new OrgDirectory(o.pseudo);
  const reports: SourceReport[] = [];
  const coverage = new Map<string, Span>();
  for (const file of files) {
    const preset = salesPreset(file.source.preset);
    const factory = o.handlers[file.source.preset];
    if (!preset || (!factory && file.source.preset !== 'org')) continue;
    const bad = new BadRows(o.badRowsListed ?? 200);
    let lo = Infinity;
    let hi = -Infinity;
    const ctx: FileContext = {
      file,
      bad,
      org,
      mark(day) {
        if (day < lo) lo = day;
        if (day > hi) hi = day;
      },
    };
    try {
      const r = await readMappedRows(file, preset, bad, (m, preamble) => (factory ? factory(ctx, m, preamble) : org.rowHandler(m, file.name, bad)), o.mapHint);
      const declared = periodFromPreamble(r.preamble);
      const span = declared ?? (Number.isFinite(lo) ? { first: lo, last: hi } : null);
      if (span && file.source.preset !== 'org') {
        const had = coverage.get(file.source.preset);
        coverage.set(file.source.preset, had ? { first: Math.min(had.first, span.first), last: Math.max(had.last, span.last) } : span);
      }
      reports.push({ file: file.name, preset: file.source.preset, rows: r.rows, bad: bad.count, ...(span ? { covers: { first: dayToIso(span.first), last: dayToIso(span.last), declared: declared !== null } } : {}) });
      badRows.push(...bad.sample);
    } catch (err) {
      if (err instanceof RadarError && err.code === 'config') throw err;
      badRows.push({ file: file.name, line: 0, reason: errorLine(err).replace(`${file.path}: `, '') });
      reports.push({ file: file.name, preset: file.source.preset, rows: 0, bad: 1 });
    }
  }
  return { org, badRows, reports, coverage };
}

/** Words matched as substrings, case-insensitive (活动类型 "首次拜访（上门）" is a first visit). */
export function matcher(words: readonly string[]): (s: string) => boolean {
  const ws = words.map((w) => w.toLowerCase()).filter((w) => w !== '');
  return (s) => {
    const t = s.toLowerCase();
    return ws.some((w) => t.includes(w));
  };
}
