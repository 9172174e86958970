import { join } from 'node:path';
import { Low, type Adapter } from 'lowdb';
import type { StoredItem } from '../diff/diff.js';
import type { Item } from '../kinds/types.js';
import type { KindState } from '../kinds/types.js';
import { RadarError } from '../core/errors.js';
import { readJsonFile, writeFileAtomic } from './atomic.js';

export type HistoryPoint = { at: string } & Record<string, string | number | null>;

/** Everything remembered about a target's items, as the pipeline works with it. Only a good run writes it. */
export interface Snapshot {
  targetId: string;
  kind: string;
  lastGoodAt: string | null;
  lastGoodCount: number;
  items: Record<string, StoredItem>;
  /** Bounded per-item history of the kind's main value (price). */
  history: Record<string, HistoryPoint[]>;
  kindState: KindState;
}

/**
 * The file on disk. Version 2 stores items and history as arrays: V8 serialises a 100 k-key
 * object (dictionary mode) about 4× slower than an array of the same records, and parses it
 * slower too. Version 1 (keyed objects) is still read; the next good run rewrites it as 2.
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
}
type SnapshotFileV1 = Snapshot & { version: 1 };

export function emptySnapshot(targetId: string, kind: string): Snapshot {
  return { targetId, kind, lastGoodAt: null, lastGoodCount: 0, items: {}, history: {}, kindState: {} };
}

export function snapshotFile(stateDir: string, targetId: string): string {
  return join(stateDir, 'targets', `${targetId}.snapshot.json`);
}

function encode(s: Snapshot): SnapshotFileV2 {
  const history: SnapshotFileV2['history'] = [];
  for (const key in s.history) history.push({ key, points: s.history[key]! });
  return { version: 2, targetId: s.targetId, kind: s.kind, lastGoodAt: s.lastGoodAt, lastGoodCount: s.lastGoodCount, items: Object.values(s.items), history, kindState: s.kindState };
}

function decode(raw: unknown, file: string): Snapshot {
  const f = raw as Partial<SnapshotFileV1> | Partial<SnapshotFileV2> | null;
  if (f?.version === 1) return { targetId: f.targetId!, kind: f.kind!, lastGoodAt: f.lastGoodAt ?? null, lastGoodCount: f.lastGoodCount ?? 0, items: f.items ?? {}, history: f.history ?? {}, kindState: f.kindState ?? {} };
  if (f?.version === 2 && Array.isArray(f.items) && Array.isArray(f.history)) {
    const items: Snapshot['items'] = {};
    for (const item of f.items) items[item.key] = item;
    const history: Snapshot['history'] = {};
    for (const h of f.history) history[h.key] = h.points;
    return { targetId: f.targetId!, kind: f.kind!, lastGoodAt: f.lastGoodAt ?? null, lastGoodCount: f.lastGoodCount ?? 0, items, history, kindState: f.kindState ?? {} };
  }
  throw new RadarError('store', `not a snapshot this version can read (version ${JSON.stringify(f?.version ?? null)}); was it written by a newer sales-radar?`, { where: file });
}

/** A target's last good snapshot, or null before its first good run. */
export function readSnapshot(stateDir: string, targetId: string): Snapshot | null {
  const file = snapshotFile(stateDir, targetId);
  const raw = readJsonFile<unknown>(file);
  return raw === null ? null : decode(raw, file);
}

/** lowdb adapter: the pipeline's Snapshot in memory, the version-2 file on disk, written durably. */
class SnapshotAdapter implements Adapter<Snapshot> {
  constructor(private readonly stateDir: string, private readonly targetId: string) {}
  async read(): Promise<Snapshot | null> {
    return readSnapshot(this.stateDir, this.targetId);
  }
  async write(data: Snapshot): Promise<void> {
    writeFileAtomic(snapshotFile(this.stateDir, this.targetId), JSON.stringify(encode(data)) + '\n');
  }
}

export async function openSnapshot(stateDir: string, targetId: string, kind: string): Promise<Low<Snapshot>> {
  const db = new Low<Snapshot>(new SnapshotAdapter(stateDir, targetId), emptySnapshot(targetId, kind));
  await db.read();
  return db;
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
    const series = history[item.key] ?? [];
    const last = series[series.length - 1];
    if (!last || moved(last, point)) {
      series.push({ at: opts.at, ...point } as HistoryPoint);
      history[item.key] = series.length > opts.limit ? series.slice(-opts.limit) : series;
    }
  }
  for (const gone of opts.removed) delete history[gone.key];
}

function moved(last: HistoryPoint, point: Record<string, string | number | null>): boolean {
  // A for-in, not Object.entries: this runs once per item per run.
  for (const k in point) if (last[k] !== point[k]) return true;
  return false;
}
