/**
 * Everything the signals stage keeps lives under <state>/signals/:
 *   key          the pseudonym key (random, created once, mode 0600)
 *   store.json   weekly aggregates per imported file + the people directory (atomic writes)
 *   raw/         content-addressed copies of imported files, deleted after retention_days
 *   alerts.json  open / acknowledged attrition alerts (state.ts)
 *   audit.jsonl  append-only record of alerts raised, delivered, listed and acknowledged
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { appendFile, copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { SourceKind } from './config.js';
import { dayNumber, dayToIso, weekLabelToDay } from './dates.js';
import type { PersonInfo, StoredAggregate } from './weekly.js';
import { RadarError } from '../core/errors.js';
import { writeFileAtomic } from '../store/atomic.js';
import { jsonPieces } from '../store/json-pieces.js';

export function signalsDir(stateDir: string): string {
  return join(stateDir, 'signals');
}

/** Default state folder, shared with the rest of the product. */
export function defaultStateDir(): string {
  return process.env.RADAR_STATE_DIR ?? 'data/state';
}

/** Write to a temp file, fsync, rename over the target, fsync the folder: readers see old or new, never half. Owner-only (HR data). */
export async function writeJsonAtomic(file: string, data: unknown): Promise<void> {
  writeFileAtomic(file, jsonPieces(data), { mode: 0o600 });
}

export async function readJson<T>(file: string, fallback: T): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw new RadarError('store', `cannot read: ${(err as Error).message}`, { where: file, cause: err });
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new RadarError('store', 'corrupt JSON (was it edited by hand?)', { where: file, cause: err });
  }
}

/** The pseudonym key, created on first use. Losing it changes every pseudonymous id. */
export async function loadKey(stateDir: string): Promise<string> {
  const file = join(signalsDir(stateDir), 'key');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new RadarError('store', `cannot read pseudonym key: ${(err as Error).message}`, { where: file, cause: err });
  }
  await mkdir(signalsDir(stateDir), { recursive: true });
  const key = randomBytes(32).toString('hex');
  try {
    await writeFile(file, key + '\n', { mode: 0o600, flag: 'wx' });
    return key;
  } catch (err) {
    // Another process created it between our read and write: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return (await readFile(file, 'utf8')).trim();
    throw new RadarError('store', `cannot write pseudonym key: ${(err as Error).message}`, { where: file, cause: err });
  }
}

export interface StoredSource {
  file: string;
  preset: string;
  kind: SourceKind;
  sha256: string;
  importedAt: string;
  aggregate: StoredAggregate;
}

export interface StoreFile {
  version: 1;
  /** Keyed by the absolute path of the imported file: importing it again replaces what it contributed. */
  sources: Record<string, StoredSource>;
  directory: Record<string, PersonInfo>;
}

export async function loadStore(stateDir: string): Promise<StoreFile> {
  const s = await readJson<StoreFile>(join(signalsDir(stateDir), 'store.json'), { version: 1, sources: {}, directory: {} });
  if (s.version !== 1) throw new RadarError('store', `unknown store version ${String(s.version)}`, { where: join(signalsDir(stateDir), 'store.json') });
  return s;
}

export async function saveStore(stateDir: string, s: StoreFile): Promise<void> {
  await writeJsonAtomic(join(signalsDir(stateDir), 'store.json'), s);
}

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Keeps a copy of an imported file as raw/<import date>_<sha12>_<name>; the same content is kept once. */
export async function keepRaw(stateDir: string, file: string, sha: string, today: number): Promise<void> {
  const dir = join(signalsDir(stateDir), 'raw');
  await mkdir(dir, { recursive: true });
  const tag = sha.slice(0, 12);
  const existing = (await readdir(dir)).find((f) => f.split('_')[1] === tag);
  if (existing) return;
  await copyFile(file, join(dir, `${dayToIso(today)}_${tag}_${basename(file)}`));
}

export interface PurgeResult {
  rawFiles: number;
  weeks: number;
  sources: number;
}

/**
 * The first and last day any export in the store has data for (per person-and-day exports by
 * their day masks; others by whole weeks), or null for an empty store.
 */
export function dataSpan(store: StoreFile): { first: number; last: number } | null {
  let first = Infinity;
  let last = -Infinity;
  for (const src of Object.values(store.sources)) {
    if (src.kind === 'roster' || src.kind === 'org') continue;
    for (const weeks of Object.values(src.aggregate.weeks)) {
      for (const [w, o] of Object.entries(weeks)) {
        const monday = weekLabelToDay(w);
        const mask = o.days ?? 0;
        // Without a day mask (an event log, or a store from before masks), the week counts whole.
        const lo = mask ? monday + Math.log2(mask & -mask) : monday;
        const hi = mask ? monday + Math.floor(Math.log2(mask)) : monday + 6;
        if (lo < first) first = lo;
        if (hi > last) last = hi;
      }
    }
  }
  return Number.isFinite(first) ? { first, last } : null;
}

/**
 * Retention: raw copies imported more than `days` ago are deleted, and weekly aggregates of
 * weeks that ended more than `days` before the newest data (or today, if that is earlier) are
 * dropped from the store; the directory of people is kept while anything refers to them.
 * Counting weeks from the newest data rather than from today keeps the last `days` of a first
 * import of history; without that, importing last year's exports deleted most of them at once.
 */
export async function purgeExpired(stateDir: string, store: StoreFile, today: number, days: number): Promise<PurgeResult> {
  const rawCutoff = today - days;
  const cutoff = Math.min(today, dataSpan(store)?.last ?? today) - days;
  const result: PurgeResult = { rawFiles: 0, weeks: 0, sources: 0 };
  const dir = join(signalsDir(stateDir), 'raw');
  let names: string[] = [];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  for (const n of names) {
    const m = /^(\d{4})-(\d{2})-(\d{2})_/.exec(n);
    if (!m) continue;
    if (dayNumber(Number(m[1]), Number(m[2]), Number(m[3])) < rawCutoff) {
      await rm(join(dir, n), { force: true });
      result.rawFiles++;
    }
  }
  for (const [key, src] of Object.entries(store.sources)) {
    let left = 0;
    for (const [pid, weeks] of Object.entries(src.aggregate.weeks)) {
      for (const w of Object.keys(weeks)) {
        if (weekLabelToDay(w) + 6 < cutoff) {
          delete weeks[w];
          result.weeks++;
        } else left++;
      }
      if (Object.keys(weeks).length === 0) delete src.aggregate.weeks[pid];
    }
    for (const [f, ws] of Object.entries(src.aggregate.coverage)) {
      src.aggregate.coverage[f as keyof StoredAggregate['coverage']] = (ws ?? []).filter((w) => weekLabelToDay(w) + 6 >= cutoff);
    }
    if (left === 0 && src.kind !== 'roster' && src.kind !== 'org') {
      delete store.sources[key];
      result.sources++;
    }
  }
  return result;
}

export type AuditEvent =
  | { event: 'import'; file: string; sha256: string; rows: number; bad: number }
  | { event: 'purge'; rawFiles: number; weeks: number }
  | { event: 'alert'; alertId: string; personId: string; score: number; week: string }
  | { event: 'quiet'; alertId: string; personId: string; score: number; ackedScore: number }
  | { event: 'delivered'; alertId: string; personId: string; score: number | null; recipients: string[] }
  | { event: 'listed'; by: string; alertIds: string[] }
  | { event: 'viewed'; by: string; alertId: string; personId: string }
  | { event: 'ack'; alertId: string; personId: string; by: string; note: string; score: number };

/** Appends one line to the audit log. Lines are written whole with O_APPEND, so concurrent writers interleave by line. */
export async function appendAudit(stateDir: string, at: Date, e: AuditEvent): Promise<void> {
  const file = join(signalsDir(stateDir), 'audit.jsonl');
  await mkdir(dirname(file), { recursive: true });
  await appendFile(file, JSON.stringify({ at: at.toISOString(), ...e }) + '\n', { mode: 0o600 });
}

export async function readAudit(stateDir: string): Promise<({ at: string } & AuditEvent)[]> {
  let text = '';
  try {
    text = await readFile(join(signalsDir(stateDir), 'audit.jsonl'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { at: string } & AuditEvent);
}
