/**
 * What a target's items are once normalised: the shape diff, store, kinds and pipeline all pass
 * around. It lives here, below all of them, so none has to import another for it.
 */

/** JSON-safe item data, as stored in the snapshot. */
export type ItemData = Record<string, string | number | boolean | null>;

export interface Item {
  key: string;
  data: ItemData;
}

/** Per-kind state kept in the snapshot next to the items (e.g. the last alerted price per item). */
export type KindState = Record<string, unknown>;
