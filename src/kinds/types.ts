import type { CheerioAPI } from 'cheerio';
import type { ZodType } from 'zod';
import type { Alert } from '../alerts/model.js';
import type { Target } from '../config/target-schema.js';
import type { Rules } from '../config/rules-schema.js';
import type { RawItem } from '../extract/items.js';
import type { ItemDiff } from '../diff/diff.js';
import type { Item, ItemData, KindState } from '../core/item.js';

/** Re-exported: kinds are where most readers look for them. */
export type { Item, ItemData, KindState } from '../core/item.js';

export type NormaliseResult = { ok: true; item: Item } | { ok: false; key: string | null; error: string };

/** What an item's detail page gave: its `detail.fields` (CSS or `label:` selectors) and the page itself. */
export interface DetailPage {
  url: string;
  fields: Record<string, string | null>;
  html: string;
}

export interface DecideContext {
  target: Target;
  rules: Rules;
  now: Date;
  /** The previous good run existed: the first run only sets a baseline and alerts nothing. */
  hasBaseline: boolean;
  /**
   * When the snapshot being compared against was taken. Alert ids include it, so re-running the
   * same comparison after a crash yields the same ids (deduplicated), while a later genuine
   * change gets a new one.
   */
  epoch: string;
  state: KindState;
  /**
   * Set when a page of this run was decoded against its own charset declaration: its text reads
   * well, but it is a guess, and a guess never alerts on its own (kinds hold its changes back).
   */
  charsetNote?: string;
}

export interface Decision {
  alerts: Alert[];
  /** Replaces the kind's state in the snapshot (only written when the run is good). */
  state: KindState;
  /**
   * Items whose change is held back (a suspect price): the snapshot keeps their previous data, so
   * the change shows up again on the next run, where it is confirmed or gone.
   */
  keep?: string[];
}

/**
 * A kind of target (price, tender, job ...): what an item is, what identifies it, which fields
 * count as a change, and what is worth an alert. One file each, plus one line in the registry.
 */
export interface KindPlugin {
  name: string;
  /** Fields an item must have, unless the target lists its own `required`. */
  requiredFields: readonly string[];
  /**
   * Field names the kind reads from `items.fields` (the required ones included). Other names are
   * kept with the item as they are; `radar validate` only uses this list to catch a misspelt one.
   */
  fields?: readonly string[];
  /** Fields a target's `items.fields` must define (checked by `radar validate`). */
  describe: { zh: string; en: string };
  normalise(raw: RawItem, target: Target): NormaliseResult;
  /** Names of fields whose change counts; null = nothing changed. */
  changedFields(prev: ItemData, next: ItemData): string[] | null;
  /**
   * Every field `changedFields` reads, and nothing else may count: two items equal (===) on these
   * must give null. Snapshots keep a fingerprint of them per item, so the diff reads a stored
   * item's data only when its fingerprint differs (test/kinds/change-fields.test.ts holds each
   * kind to it). Without it every stored item is parsed and compared on every run.
   */
  changeFields?: readonly string[];
  /** A value per item to keep in the bounded history (price for price targets). */
  historyPoint?(item: Item): Record<string, string | number | null> | null;
  /** Share of items whose main value could not be parsed at which a run is a parse_error. */
  unparsedField?: string;
  decide(diff: ItemDiff, ctx: DecideContext): Decision;
  /** The kind's rule file in rules/ (tenders.yaml ...), loaded into `rules.kinds[name]`; a missing file gives the schema's defaults. */
  rules?: { file: string; schema: ZodType };
  /** Detail-page fields used where a target's `detail.fields` leaves them out. */
  detailFields?: Readonly<Record<string, string>>;
  /** False when the listing already shows an item can never alert (a long-closed tender): its page is not fetched. */
  wantsDetail?(item: Item, rules: Rules, now: Date): boolean;
  /** Folds what an item's detail page gave into the listing item (only new items are followed). */
  withDetail?(item: Item, detail: DetailPage, target: Target): Item;
  /** Columns `radar try` prints, in order (default: every field). */
  columns?: readonly string[];
  /** What the rules would make of an item, for `radar try`: "alert → south (空调)", "skip: excluded by 维修". */
  explain?(item: Item, target: Target, rules: Rules, now: Date): string;
  /** Items from structured data on a page without `items:` (a job board's JSON-LD JobPostings, a feed); null = the default product reader. `doc()` is the page's parsed tree, shared with extraction (see StructuredReader). */
  extractStructured?(html: string, pageUrl: string, target: Target, doc: () => CheerioAPI): RawItem[] | null;
}
