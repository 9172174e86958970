import type { Rules } from '../config/load.js';
import type { Target } from '../config/target-schema.js';
import { redactFailure } from '../config/target-url.js';
import { FetchFailure, type Failure } from '../core/verdict.js';
import type { StoredItem } from '../diff/diff.js';
import { pageLines, readLabel } from '../extract/labels.js';
import { loadHtml, parseFieldSelector, readField, releaseDocument } from '../extract/selector.js';
import { makeFetcher } from '../fetch/registry.js';
import type { FetchContext, Fetcher } from '../fetch/types.js';
import { getKind } from '../kinds/registry.js';
import type { DetailPage, Item, ItemData, KindPlugin } from '../kinds/types.js';
import type { Verdict } from './verdict.js';

export interface DetailDeps {
  fetcher: Fetcher;
  ctx: FetchContext;
  /** For the kind to tell which new items are worth their page (`wantsDetail`). */
  rules?: Rules;
  now?: Date;
}

/** The target's detail fields over the kind's defaults. */
export function detailFieldSpecs(target: Target, kind: KindPlugin | undefined): Record<string, string> {
  return { ...(kind?.detailFields ?? {}), ...(target.detail?.fields ?? {}) };
}

/** Reads `detail.fields` from one detail page: CSS selectors like the listing, or `label:预算金额|采购预算`. */
export function readDetailFields(html: string, url: string, specs: Record<string, string>): Record<string, string | null> {
  const $ = loadHtml(html);
  let lines: string[] | null = null;
  const out: Record<string, string | null> = {};
  try {
    for (const [name, spec] of Object.entries(specs)) {
      if (spec.startsWith('label:')) {
        lines ??= pageLines($);
        out[name] = readLabel(lines, spec.slice('label:'.length));
      } else {
        out[name] = readField($, $.root(), parseFieldSelector(spec), url);
      }
    }
  } finally {
    releaseDocument($);
  }
  return out;
}

/**
 * The detail-page stage, between the verdict and the diff: items seen before keep what their
 * detail page gave last time; items not seen before get their detail page fetched and folded in
 * by the kind. An item whose page fails is left out of this run (it is still new next run, so
 * it is retried); when more than half of the pages fail, or none of them has any detail field,
 * the whole run fails, as a broken listing would.
 */
export async function followDetails(
  target: Target,
  verdict: Verdict,
  known: ReadonlyMap<string, StoredItem>,
  deps: DetailDeps,
  /** keepDeferred (`radar try`): show items over the limit too, without their details. */
  opts: { keepDeferred?: boolean } = {},
): Promise<Verdict> {
  if (verdict.status !== 'good' || !target.detail) return verdict;
  const kind = getKind(target.kind);
  const spec = target.detail;
  const specs = detailFieldSpecs(target, kind);
  const items: Item[] = [];
  const fresh: { item: Item; url: string }[] = [];
  for (const item of verdict.items) {
    const old = known.get(item.key);
    if (old) {
      items.push({ key: item.key, data: carryOver(old.data, item.data) });
      continue;
    }
    if (kind?.wantsDetail && deps.rules && !kind.wantsDetail(item, deps.rules, deps.now ?? new Date())) {
      items.push(item); // the listing already says it will never alert: spare the site the request
      continue;
    }
    const link = item.data[spec.link];
    if (typeof link !== 'string' || !/^https?:\/\//i.test(link)) {
      items.push(item); // nothing to follow: the listing is all we will ever know
      continue;
    }
    if (fresh.length >= spec.max_per_run) {
      if (opts.keepDeferred) items.push(item);
      continue; // still new next run, when its turn comes
    }
    fresh.push({ item, url: link });
  }

  // A JSON API's detail pages are still web pages.
  const fetcher = target.fetch.mode === 'json' ? (makeFetcher('http') ?? deps.fetcher) : deps.fetcher;
  const results = await Promise.allSettled(fresh.map(({ url }) => fetcher.fetchPage(url, target, deps.ctx)));
  const failures: Failure[] = [];
  let empty = 0;
  results.forEach((r, i) => {
    const { item, url } = fresh[i]!;
    if (r.status === 'rejected' || r.value.status >= 400) {
      failures.push(
        r.status === 'rejected'
          ? r.reason instanceof FetchFailure
            ? r.reason.failure
            : { class: 'network', message: r.reason instanceof Error ? r.reason.message : String(r.reason), url }
          : { class: `http_${r.value.status}`, message: `the site answered HTTP ${r.value.status}`, url, httpStatus: r.value.status },
      );
      return;
    }
    const page = r.value;
    const html = page.text; // decoded on each read (see FetchedPage.text): once here
    const fields = readDetailFields(html, page.url, specs);
    if (Object.keys(specs).length && Object.values(fields).every((v) => v === null)) empty++;
    const detail: DetailPage = { url: page.url, fields, html };
    items.push(kind?.withDetail ? kind.withDetail(item, detail, target) : { key: item.key, data: mergeFields(item.data, fields) });
  });

  const first = failures[0];
  if (first && failures.length * 2 > fresh.length) {
    // Secrets in the target's URL or headers never reach a log or an email, from here either.
    return { status: 'failed', failure: redactFailure({ ...first, message: `detail pages: ${failures.length} of ${fresh.length} failed, e.g. ${first.message}` }, target) };
  }
  const ok = fresh.length - failures.length;
  if (ok > 0 && empty * 2 > ok) {
    return {
      status: 'failed',
      failure: {
        class: 'layout_changed',
        message: `detail pages: none of ${Object.keys(specs).join(', ')} found on ${empty} of ${ok} pages`,
        url: fresh.find((_f, i) => results[i]!.status === 'fulfilled')?.url ?? target.fetch.url,
      },
    };
  }
  return { ...verdict, items };
}

/**
 * Items whose detail pages were followed elsewhere (a worker) knowing only the snapshot's keys:
 * each known item gets back what its detail page gave last time, as `followDetails` would.
 */
export function withKnownDetails(items: readonly Item[], known: ReadonlyMap<string, StoredItem>): Item[] {
  return items.map((item) => {
    const old = known.get(item.key);
    return old ? { key: item.key, data: carryOver(old.data, item.data) } : item;
  });
}

/** A known item keeps what its detail page gave: listing values win where the listing has one. */
function carryOver(stored: ItemData, listing: ItemData): ItemData {
  const out: ItemData = { ...stored };
  for (const [k, v] of Object.entries(listing)) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

function mergeFields(data: ItemData, fields: Record<string, string | null>): ItemData {
  const out: ItemData = { ...data };
  for (const [k, v] of Object.entries(fields)) if (v !== null) out[k] = v;
  return out;
}
