import { join } from 'node:path';
import { Low } from 'lowdb';
import type { StoredItem } from '../diff/diff.js';
import type { Item } from '../kinds/types.js';
import type { KindState } from '../kinds/types.js';
import { AtomicJsonFile } from './atomic.js';

export type HistoryPoint = { at: string } & Record<string, string | number | null>;

/** Everything remembered about a target's items. Only a good run writes this file. */
export interface Snapshot {
  version: 1;
  targetId: string;
  kind: string;
  lastGoodAt: string | null;
  lastGoodCount: number;
  items: Record<string, StoredItem>;
  /** Bounded per-item history of the kind's main value (price). */
  history: Record<string, HistoryPoint[]>;
  kindState: KindState;
}

export function emptySnapshot(targetId: string, kind: string): Snapshot {
  return { version: 1, targetId, kind, lastGoodAt: null, lastGoodCount: 0, items: {}, history: {}, kindState: {} };
}

export function snapshotFile(stateDir: string, targetId: string): string {
  return join(stateDir, 'targets', `${targetId}.snapshot.json`);
}

export async function openSnapshot(stateDir: string, targetId: string, kind: string): Promise<Low<Snapshot>> {
  const db = new Low<Snapshot>(new AtomicJsonFile<Snapshot>(snapshotFile(stateDir, targetId)), emptySnapshot(targetId, kind));
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
