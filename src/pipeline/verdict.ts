import type { Target } from '../config/target-schema.js';
import type { Failure } from '../core/verdict.js';
import type { Item } from '../kinds/types.js';
import type { ScrapeOutcome } from './scrape.js';

export type Verdict =
  | {
      status: 'good';
      items: Item[];
      /** The charset of a page was decided against its own declaration: its changes are held back (kinds/price.ts). */
      charsetNote?: string;
    }
  | { status: 'failed'; failure: Failure };

export interface VerdictContext {
  target: Target;
  /** Item count of the last good run (0 when there was none). */
  lastGoodCount: number;
  /** A good run must keep at least this share of the last good run's items. */
  minItemRatio: number;
  /** `radar accept`: fewer items than last time is the new normal. */
  accepting?: boolean;
}

/**
 * Decide whether what came back can be trusted. A half-loaded page, a changed layout or a page
 * of unparseable prices must fail here, or it would show up as removed items and false alerts.
 */
export function judge(outcome: ScrapeOutcome, ctx: VerdictContext): Verdict {
  if (!outcome.ok) return { status: 'failed', failure: outcome.failure };
  const url = outcome.pages[0]?.url ?? ctx.target.fetch.url;
  // What the page showed, so sales ops can tell a redesign from a half-loaded page.
  const shown = outcome.sample ? { sample: outcome.sample } : {};
  // A new target has never worked: what missed is its selectors, and ops need to see what the page has instead.
  const isNew = ctx.lastGoodCount === 0;
  const near = outcome.hint ? `; ${outcome.hint}` : '';
  // Counted by key: a page that listed an item twice does not make two.
  const found = outcome.items.length + outcome.requiredMissing;
  if (found === 0 && ctx.lastGoodCount > 0) {
    return {
      status: 'failed',
      failure: {
        class: 'layout_changed',
        message: ctx.target.items ? `${outcome.hint ?? `"${ctx.target.items.each}" matched nothing`}; the last good run found ${ctx.lastGoodCount} items` : `no product found; the last good run found one`,
        url,
        ...shown,
      },
    };
  }
  if (found === 0) {
    return {
      status: 'failed',
      failure: {
        class: 'empty',
        message: ctx.target.items ? (outcome.hint ?? `no items matched "${ctx.target.items.each}"`) : 'no product found on the page',
        url,
        ...shown,
      },
    };
  }
  if (outcome.requiredMissing > found / 2) {
    const example = outcome.problems[0]?.error ?? 'required field missing';
    if (isNew && outcome.hint) return { status: 'failed', failure: { class: 'no_match', message: `a new target: ${outcome.hint}`, url, ...shown } };
    return {
      status: 'failed',
      failure: { class: 'layout_changed', message: `${outcome.requiredMissing} of ${found} items lack a required field (${example})${near}`, url, ...shown },
    };
  }
  // "At most half" with the default 0.5: a page that lost half its items is half-loaded far more
  // often than a shop that halved its range overnight. One product leaving a two-product list is
  // just that, so a drop of a single item never counts.
  const lost = ctx.lastGoodCount - outcome.items.length;
  if (!ctx.accepting && ctx.lastGoodCount > 0 && lost >= 2 && outcome.items.length <= ctx.lastGoodCount * ctx.minItemRatio) {
    return {
      status: 'failed',
      failure: {
        class: 'layout_changed',
        message: `found ${outcome.items.length} items, the last good run found ${ctx.lastGoodCount}; if the shop really shrank, run: radar accept ${ctx.target.id}`,
        url,
        ...shown,
      },
    };
  }
  if (outcome.items.length > 0 && outcome.unparsed > outcome.items.length / 2) {
    return {
      status: 'failed',
      failure: { class: 'parse_error', message: `${outcome.unparsed} of ${outcome.items.length} prices could not be read`, url, ...shown },
    };
  }
  return { status: 'good', items: outcome.items, ...(outcome.charsetNote ? { charsetNote: outcome.charsetNote } : {}) };
}
