import { join } from 'node:path';
import type { StoredItem } from '../diff/diff.js';
import type { Item, KindState } from '../core/item.js';
import { RadarError } from '../core/errors.js';
import { readJsonFile, writeFileAtomic } from './atomic.js';

export type HistoryPoint = { at: string } & Record<string, string | number | null>;

/** What the last good run's pages looked like, to tell a cut-off page from a normal one (pipeline/pages.ts). */
export interface PageProfile {
  /** Body size of each page, in page order. */
  bytes: number[];
  /** Every HTML page of that run closed its document (`</html>` or `</body>`). */
  closed: boolean;
}

/** Everything remembered about a target's items, as the pipeline works with it. Only a good run writes it. */
export interface Snapshot {
  targetId: string;
  kind: string;
  lastGoodAt: string | null;
  lastGoodCount: number;
  items: Map<string, StoredItem>;
  /** Bounded per-item history of the kind's main value (price). */
  history: Map<string, HistoryPoint[]>;
  kindState: KindState;
  /** Null before the first good run, and in snapshots written before it was kept. */
  pages: PageProfile | null;
}

/**
 * The file on disk. Version 2 stores items and history as arrays, read into Maps: a 100 k-key
 * object (V8 dictionary mode) is several times slower to fill, walk and serialise.
 * Version 1 (keyed objects) is still read; the next good run rewrites it as version 2.
 */
interface SnapshotFileV2 {
  version: 2;
  targetId: string;
  kind: string;
  lastGoodAt: string | null;
  lastGoodCount: number;
  items: StoredItem[];
  history: { key: string; points: HistoryPoint[] }[];
  kindState: KindState;
  /** Added later: absent in older files (read as null). */
  pages?: PageProfile;
}
type SnapshotFileV1 = Omit<Snapshot, 'items' | 'history' | 'pages'> & { version: 1; items: Record<string, StoredItem>; history: Record<string, HistoryPoint[]> };

export function emptySnapshot(targetId: string, kind: string): Snapshot {
  return { targetId, kind, lastGoodAt: null, lastGoodCount: 0, items: new Map(), history: new Map(), kindState: {}, pages: null };
}

export function snapshotFile(stateDir: string, targetId: string): string {
  return join(stateDir, 'targets', `${targetId}.snapshot.json`);
}

const BATCH = 1 << 16;

/**
 * The version-2 file, as ~64 KB pieces of JSON written straight from the Maps: the JSON of 100 k
 * items is ~35 MB (twice that as a string once a name is Chinese), and an intermediate array of
 * records, or a generator step per item, cost more than the JSON itself (bench diff row).
 */
function* encode(s: Snapshot): Generator<string> {
  const head: Omit<SnapshotFileV2, 'items' | 'history' | 'kindState'> = { version: 2, targetId: s.targetId, kind: s.kind, lastGoodAt: s.lastGoodAt, lastGoodCount: s.lastGoodCount, ...(s.pages ? { pages: s.pages } : {}) };
  let out = `${JSON.stringify(head).slice(0, -1)},"items":[`;
  let sep = '';
  for (const item of s.items.values()) {
    out += sep + JSON.stringify(item);
    sep = ',';
    if (out.length >= BATCH) {
      yield out;
      out = '';
    }
  }
  out += '],"history":[';
  sep = '';
  for (const [key, points] of s.history) {
    out += `${sep}{"key":${JSON.stringify(key)},"points":${JSON.stringify(points)}}`;
    sep = ',';
    if (out.length >= BATCH) {
      yield out;
      out = '';
    }
  }
  yield `${out}],"kindState":${JSON.stringify(s.kindState)}}\n`;
}

function decode(raw: unknown, file: string): Snapshot {
  const f = raw as Partial<SnapshotFileV1> | Partial<SnapshotFileV2> | null;
  if (f?.version === 1) {
    const items = new Map(Object.entries(f.items ?? {}));
    const history = new Map(Object.entries(f.history ?? {}));
    return { targetId: f.targetId!, kind: f.kind!, lastGoodAt: f.lastGoodAt ?? null, lastGoodCount: f.lastGoodCount ?? 0, items, history, kindState: f.kindState ?? {}, pages: null };
  }
  if (f?.version === 2 && Array.isArray(f.items) && Array.isArray(f.history)) {
    const items: Snapshot['items'] = new Map();
    for (const item of f.items) items.set(item.key, item);
    const history: Snapshot['history'] = new Map();
    for (const h of f.history) history.set(h.key, h.points);
    return { targetId: f.targetId!, kind: f.kind!, lastGoodAt: f.lastGoodAt ?? null, lastGoodCount: f.lastGoodCount ?? 0, items, history, kindState: f.kindState ?? {}, pages: f.pages ?? null };
  }
  throw new RadarError('store', `not a snapshot this version can read (version ${JSON.stringify(f?.version ?? null)}); was it written by a newer sales-radar?`, { where: file });
}

/** A target's last good snapshot, or null before its first good run. */
export function readSnapshot(stateDir: string, targetId: string): Snapshot | null {
  const file = snapshotFile(stateDir, targetId);
  const raw = readJsonFile<unknown>(file);
  return raw === null ? null : decode(raw, file);
}

/**
 * A target's snapshot opened for a run: `data` in memory, `write()` puts it on disk durably (only
 * a good run calls it). This used to be a lowdb Low around an adapter doing exactly these two
 * things; lowdb added nothing the atomic writer does not, so the store has one way to write.
 */
export class OpenSnapshot {
  constructor(
    private readonly stateDir: string,
    private readonly targetId: string,
    public data: Snapshot,
  ) {}

  async write(): Promise<void> {
    writeFileAtomic(snapshotFile(this.stateDir, this.targetId), encode(this.data));
  }
}

export async function openSnapshot(stateDir: string, targetId: string, kind: string): Promise<OpenSnapshot> {
  return new OpenSnapshot(stateDir, targetId, readSnapshot(stateDir, targetId) ?? emptySnapshot(targetId, kind));
}

/**
 * Appends each item's value (a kind's `historyPoint`) when it moved since its last point, keeps
 * the last `limit` points, and forgets removed items. History records moves, not every sighting.
 */
export function recordHistory(
  history: Snapshot['history'],
  items: readonly Item[],
  pointOf: (item: Item) => Record<string, string | number | null> | null,
  opts: { at: string; limit: number; removed: readonly { key: string }[] },
): void {
  for (const item of items) {
    const point = pointOf(item);
    if (!point) continue;
    const series = history.get(item.key);
    const last = series?.[series.length - 1];
    if (!series) history.set(item.key, [{ at: opts.at, ...point } as HistoryPoint]);
    else if (!last || moved(last, point)) {
      series.push({ at: opts.at, ...point } as HistoryPoint);
      if (series.length > opts.limit) history.set(item.key, series.slice(-opts.limit));
    }
  }
  for (const gone of opts.removed) history.delete(gone.key);
}

function moved(last: HistoryPoint, point: Record<string, string | number | null>): boolean {
  // A for-in, not Object.entries: this runs once per item per run.
  for (const k in point) if (last[k] !== point[k]) return true;
  return false;
}
