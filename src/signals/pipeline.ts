/**
 * The import stage as a whole: which files (rules/signals.yaml sources, or files named on the
 * command line), in which order (roster and org first, so names in the transfer log resolve),
 * folded into the store, with raw copies and retention. A file that cannot be read is one
 * entry in the bad-row list (line 0) and the run goes on with the other files.
 */
import { access, readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { SignalsConfig, SourceConfig } from './config.js';
import { dayInZone } from './dates.js';
import { importFile, type ImportReport, type ImportSpec } from './importer.js';
import { BUILTIN_PRESETS, HEADER_SCAN_ROWS, mapHeader, missingRequired, resolvePreset, withOverrides } from './mapping.js';
import { appendAudit, keepRaw, loadKey, loadStore, purgeExpired, type PurgeResult, saveStore, sha256File, type StoreFile } from './store.js';
import { type BadRow, type Cell, readTable, BadRows } from './table.js';
import { Directory, mergeInto, mergeStored, newAggregate, Pseudonymizer, pruneToStored, type SourceAggregate, type StoredAggregate, toStored } from './weekly.js';
import { errorLine, RadarError } from '../core/errors.js';

const KIND_ORDER = { roster: 0, org: 1, attendance: 2, activity: 3, transfers: 4 } as const;

function globToRegExp(pattern: string): RegExp {
  const esc = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${esc}$`);
}

/** Expands configured sources against a folder; `*` and `?` are allowed in the file name. */
export async function resolveSources(cfg: SignalsConfig, inputsDir: string, where = 'rules/signals.yaml'): Promise<{ specs: ImportSpec[]; missing: BadRow[] }> {
  const specs: ImportSpec[] = [];
  const missing: BadRow[] = [];
  for (const src of cfg.sources) {
    const preset = withOverrides(resolvePreset(src.preset, cfg.presets, where), src.columns);
    const full = resolve(inputsDir, src.path);
    const files: string[] = [];
    if (/[*?]/.test(basename(full))) {
      const re = globToRegExp(basename(full));
      let names: string[] = [];
      try {
        names = await readdir(dirname(full));
      } catch {
        names = [];
      }
      for (const n of names.sort()) if (re.test(n)) files.push(join(dirname(full), n));
    } else {
      try {
        await access(full);
        files.push(full);
      } catch {
        // handled below
      }
    }
    if (files.length === 0 && !src.optional) missing.push({ file: src.path, line: 0, reason: `no file matches (looked in ${inputsDir})` });
    for (const f of files) specs.push(specFor(f, src, preset));
  }
  return { specs, missing };
}

function specFor(path: string, src: SourceConfig, preset: ReturnType<typeof resolvePreset>): ImportSpec {
  return {
    path,
    presetName: src.preset,
    preset,
    encoding: src.encoding,
    ...(src.sheet !== undefined ? { sheet: src.sheet } : {}),
    ...(src.delimiter !== undefined ? { delimiter: src.delimiter } : {}),
  };
}

class StopReading extends Error {}

/**
 * Guesses the preset of a file named on the command line: the first configured source whose
 * file pattern matches its name, else the built-in preset that maps most columns of a header
 * found in the first rows.
 */
export async function specForFile(path: string, cfg: SignalsConfig, opts: { preset?: string; encoding?: string; sheet?: string } = {}): Promise<ImportSpec> {
  const where = 'rules/signals.yaml';
  if (opts.preset) {
    const preset = resolvePreset(opts.preset, cfg.presets, where);
    return { path, presetName: opts.preset, preset, encoding: opts.encoding ?? 'auto', ...(opts.sheet ? { sheet: opts.sheet } : {}) };
  }
  for (const src of cfg.sources) {
    if (globToRegExp(basename(src.path)).test(basename(path))) {
      const spec = specFor(path, src, withOverrides(resolvePreset(src.preset, cfg.presets, where), src.columns));
      if (opts.encoding) spec.encoding = opts.encoding;
      return spec;
    }
  }
  const rows: Cell[][] = [];
  try {
    await readTable(
      path,
      { encoding: opts.encoding ?? 'auto', ...(opts.sheet ? { sheet: opts.sheet } : {}) },
      (cells) => {
        rows.push(cells);
        if (rows.length >= HEADER_SCAN_ROWS) throw new StopReading();
      },
      new BadRows(0),
    );
  } catch (err) {
    if (!(err instanceof StopReading)) throw err;
  }
  let best: { name: string; mapped: number } | null = null;
  const candidates = { ...Object.fromEntries(Object.keys(cfg.presets).map((k) => [k, resolvePreset(k, cfg.presets, where)])), ...BUILTIN_PRESETS };
  for (const [name, p] of Object.entries(candidates)) {
    for (const r of rows) {
      const idx = mapHeader(r, p);
      if (missingRequired(idx, p).length > 0) continue;
      const mapped = Object.keys(idx).length;
      if (!best || mapped > best.mapped) best = { name, mapped };
    }
  }
  if (!best) throw new RadarError('usage', 'cannot tell what kind of export this is; pass --preset (dingtalk-attendance, wecom-activity, crm-activity, customer-transfer, hr-roster, org)', { where: path });
  return { path, presetName: best.name, preset: candidates[best.name] as ImportSpec['preset'], encoding: opts.encoding ?? 'auto', ...(opts.sheet ? { sheet: opts.sheet } : {}) };
}

/**
 * The aggregates this process has just imported, by the stored form saved for them. mergedView
 * sums these rather than rebuilding them from their JSON form, and with one file uses that
 * aggregate as it is, so the person-weeks of a 1 M-row export are held once, not twice. Entries are
 * made after retention, with the aggregate pruned to what its stored form kept: both hold the same sums.
 */
const justImported = new WeakMap<StoredAggregate, SourceAggregate>();

export interface ImportOutcome {
  reports: ImportReport[];
  /** Bad rows of all files (up to bad_rows_listed per file; counts per file are in the reports), and unreadable files at line 0. */
  badRows: BadRow[];
  store: StoreFile;
  purged: PurgeResult;
}

/** Imports files into the store under <state>/signals/, then applies retention. */
export async function importInto(stateDir: string, specs: ImportSpec[], cfg: SignalsConfig, now: Date, pre: BadRow[] = []): Promise<ImportOutcome> {
  const today = dayInZone(now, cfg.timezone);
  const store = await loadStore(stateDir);
  const directory = Directory.from(store.directory);
  const pseudo = new Pseudonymizer(await loadKey(stateDir));
  const reports: ImportReport[] = [];
  const badRows: BadRow[] = [...pre];
  const ordered = [...specs].sort((a, b) => KIND_ORDER[a.preset.kind] - KIND_ORDER[b.preset.kind]);
  const fresh: [StoredAggregate, SourceAggregate][] = [];
  for (const spec of ordered) {
    const key = resolve(spec.path);
    try {
      const sha = cfg.keep_raw ? await sha256File(spec.path) : '';
      const { aggregate, report, bad } = await importFile(spec, { cfg, directory, pseudo });
      const stored = toStored(aggregate);
      store.sources[key] = {
        file: basename(spec.path),
        preset: spec.presetName,
        kind: spec.preset.kind,
        sha256: sha,
        importedAt: now.toISOString(),
        aggregate: stored,
      };
      fresh.push([stored, aggregate]);
      if (cfg.keep_raw) await keepRaw(stateDir, spec.path, sha, today);
      reports.push(report);
      badRows.push(...bad.sample);
      await appendAudit(stateDir, now, { event: 'import', file: report.file, sha256: sha, rows: report.rows, bad: report.bad });
    } catch (err) {
      if (err instanceof RadarError && err.code === 'config') throw err;
      badRows.push({ file: basename(spec.path), line: 0, reason: errorLine(err).replace(`${spec.path}: `, '') });
    }
  }
  store.directory = directory.toJSON();
  const purged = await purgeExpired(stateDir, store, today, cfg.retention_days);
  for (const [stored, aggregate] of fresh) {
    pruneToStored(aggregate, stored);
    justImported.set(stored, aggregate);
  }
  forgetLeavers(store);
  await saveStore(stateDir, store);
  if (purged.rawFiles + purged.weeks > 0) await appendAudit(stateDir, now, { event: 'purge', rawFiles: purged.rawFiles, weeks: purged.weeks });
  return { reports, badRows, store, purged };
}

/** Retention also covers people: someone who has left and has no data left in any file is forgotten. */
function forgetLeavers(store: StoreFile): void {
  const live = new Set<string>();
  for (const s of Object.values(store.sources)) for (const pid of Object.keys(s.aggregate.weeks)) live.add(pid);
  for (const [pid, p] of Object.entries(store.directory)) {
    if (p.status === 'left' && !live.has(pid)) delete store.directory[pid];
  }
}

/** Applies retention without importing (the `score` path). */
export async function purgeOnly(stateDir: string, cfg: SignalsConfig, now: Date): Promise<{ store: StoreFile; purged: PurgeResult }> {
  const store = await loadStore(stateDir);
  const purged = await purgeExpired(stateDir, store, dayInZone(now, cfg.timezone), cfg.retention_days);
  if (purged.rawFiles + purged.weeks + purged.sources > 0) {
    forgetLeavers(store);
    await saveStore(stateDir, store);
    await appendAudit(stateDir, now, { event: 'purge', rawFiles: purged.rawFiles, weeks: purged.weeks });
  }
  return { store, purged };
}

/** All files' contributions summed, plus the directory: the input of the scorer (which only reads it). */
export function mergedView(store: StoreFile): { merged: SourceAggregate; directory: Directory } {
  const directory = Directory.from(store.directory);
  const sources = Object.values(store.sources).filter((s) => s.kind !== 'roster' && s.kind !== 'org');
  const only = sources.length === 1 && sources[0] ? justImported.get(sources[0].aggregate) : undefined;
  if (only) return { merged: only, directory };
  const merged = newAggregate('activity');
  for (const s of sources) {
    const live = justImported.get(s.aggregate);
    if (live) mergeInto(merged, live);
    else mergeStored(merged, s.aggregate);
  }
  return { merged, directory };
}
