import { join } from 'node:path';
import { Low } from 'lowdb';
import type { StoredItem } from '../diff/diff.js';
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
