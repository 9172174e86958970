import type { Item, ItemData } from '../core/item.js';
import { fingerprintOf } from './fingerprint.js';

/** An item as remembered in the snapshot. */
export interface StoredItem {
  key: string;
  data: ItemData;
  firstSeen: string;
  lastSeen: string;
  /** Consecutive good runs the item has been missing from (debounce before "removed"). */
  missingRuns: number;
}

/**
 * A stored item as a run reads it from a snapshot file (store/snapshot.ts): its `data` is parsed
 * from the file's bytes on first read, and it can tell its fingerprint without that. It is a
 * class with a getter: copy it with `missing()` or field by field, never with a spread or
 * Object.assign, which would drop `data`.
 */
export interface PriorItem extends StoredItem {
  /** The fingerprint of `fields` as stored, or null when it was made over other fields (or none). */
  fingerprint(fields: readonly string[]): number | null;
  /** The same item, missing from one more run, its data still unread. */
  missing(runs: number): StoredItem;
}

function isPrior(item: StoredItem): item is PriorItem {
  return typeof (item as Partial<PriorItem>).fingerprint === 'function';
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
  /**
   * Every field `changedFields` reads (a kind's `changeFields`): a stored item whose fingerprint
   * of these matches the new item's is unchanged, and its stored data is not read. Without it
   * every item is compared in full.
   */
  changeFields?: readonly string[];
}

/**
 * Keyed diff: page order never matters, and an item that drops out for one run (a sold-out
 * page, a flaky listing) comes back without an alert unless it stayed away long enough.
 */
export function diffItems(prev: ReadonlyMap<string, StoredItem | PriorItem>, current: readonly Item[], opts: DiffOptions): ItemDiff {
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
    const fields = sameByFingerprint(old, item, opts.changeFields) ? null : opts.changedFields(old.data, item.data);
    if (fields && fields.length) changed.push({ key: item.key, before: old.data, after: item.data, fields });
    else unchanged++;
    next.set(item.key, { key: item.key, data: item.data, firstSeen: old.firstSeen, lastSeen: at, missingRuns: 0 });
  }
  const removed: StoredItem[] = [];
  const missing: string[] = [];
  for (const [key, old] of prev) {
    if (next.has(key)) continue;
    const runs = old.missingRuns + 1;
    if (runs >= opts.removedAfterRuns) removed.push({ key, data: old.data, firstSeen: old.firstSeen, lastSeen: old.lastSeen, missingRuns: runs });
    else {
      missing.push(key);
      next.set(key, isPrior(old) ? old.missing(runs) : { ...old, missingRuns: runs });
    }
  }
  return { added, removed, changed, unchanged, missing, next };
}

function sameByFingerprint(old: StoredItem, item: Item, fields: readonly string[] | undefined): boolean {
  if (!fields || !isPrior(old)) return false;
  const stored = old.fingerprint(fields);
  return stored !== null && stored === fingerprintOf(item.data, fields);
}
