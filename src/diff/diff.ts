import type { Item, ItemData } from '../core/item.js';

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
  /** The items to store if the run is good. */
  next: Map<string, StoredItem>;
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
export function diffItems(prev: ReadonlyMap<string, StoredItem>, current: readonly Item[], opts: DiffOptions): ItemDiff {
  const at = opts.now.toISOString();
  // Maps, not objects: 100 k keys put an object in dictionary mode, where inserting, iterating
  // and serialising it cost several times more (bench/ diff row).
  const next = new Map<string, StoredItem>();
  const added: Item[] = [];
  const changed: ItemChange[] = [];
  let unchanged = 0;
  for (const item of current) {
    if (next.has(item.key)) continue; // a duplicate key on the page: the first one wins
    const old = prev.get(item.key);
    if (!old) {
      added.push(item);
      next.set(item.key, { key: item.key, data: item.data, firstSeen: at, lastSeen: at, missingRuns: 0 });
      continue;
    }
    const fields = opts.changedFields(old.data, item.data);
    if (fields && fields.length) changed.push({ key: item.key, before: old.data, after: item.data, fields });
    else unchanged++;
    next.set(item.key, { key: item.key, data: item.data, firstSeen: old.firstSeen, lastSeen: at, missingRuns: 0 });
  }
  const removed: StoredItem[] = [];
  const missing: string[] = [];
  for (const [key, old] of prev) {
    if (next.has(key)) continue;
    const runs = old.missingRuns + 1;
    if (runs >= opts.removedAfterRuns) removed.push({ ...old, missingRuns: runs });
    else {
      missing.push(key);
      next.set(key, { ...old, missingRuns: runs });
    }
  }
  return { added, removed, changed, unchanged, missing, next };
}
