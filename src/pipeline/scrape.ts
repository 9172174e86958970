import type { Target } from '../config/target-schema.js';
import { redactFailure, targetUrl } from '../config/target-url.js';
import { FetchFailure, type Failure } from '../core/verdict.js';
import { extractPage, type RawItem } from '../extract/items.js';
import type { FetchContext, FetchedPage, Fetcher } from '../fetch/types.js';
import { getKind } from '../kinds/registry.js';
import type { Item } from '../kinds/types.js';

export interface PageReport {
  url: string;
  status: number | null;
  items: number;
  error?: string;
}

export interface ItemProblem {
  key: string | null;
  page: string;
  error: string;
}

/** What a scrape hands to the verdict: items found, or the one reason it failed. */
export type ScrapeOutcome =
  | { ok: true; items: Item[]; pages: PageReport[]; problems: ItemProblem[]; requiredMissing: number; unparsed: number }
  | { ok: false; failure: Failure; pages: PageReport[] };

export interface ScrapeDeps {
  fetcher: Fetcher;
  ctx: FetchContext;
  onPage?: (p: PageReport) => void;
}

/** Page URLs known up front (a `{page}` range), or null when pages are found by following "next". */
function plannedPages(target: Target): string[] | null {
  const r = target.fetch.pages;
  if (!r) return target.fetch.next ? null : [targetUrl(target)];
  const urls: string[] = [];
  for (let p = r.from; p <= r.to; p++) urls.push(targetUrl(target, p));
  return urls;
}

/**
 * Fetch and extract every page of a target. Any page failing fails the whole scrape: a partial
 * list must never look like removed items.
 */
export async function scrapeTarget(target: Target, deps: ScrapeDeps): Promise<ScrapeOutcome> {
  const kind = getKind(target.kind);
  if (!kind) return { ok: false, failure: { class: 'config', message: `unknown kind "${target.kind}"` }, pages: [] };
  const pages: PageReport[] = [];
  const raw: { page: string; item: RawItem }[] = [];

  const handle = (url: string, page: FetchedPage): string | null => {
    if (page.status >= 400) {
      throw new FetchFailure({
        class: `http_${page.status}`,
        message: `the site answered HTTP ${page.status}`,
        url,
        httpStatus: page.status,
        sample: sample(page.text),
      });
    }
    const ex = extractPage(page.text, page.url, target);
    const report: PageReport = { url, status: page.status, items: ex.items.length };
    pages.push(report);
    deps.onPage?.(report);
    for (const item of ex.items) raw.push({ page: url, item });
    return ex.nextUrl;
  };

  try {
    const planned = plannedPages(target);
    if (planned) {
      // Fetch concurrently (the host queue keeps it polite), then handle in page order.
      const fetched = await Promise.allSettled(planned.map((u) => deps.fetcher.fetchPage(u, target, deps.ctx)));
      for (let i = 0; i < planned.length; i++) {
        const r = fetched[i]!;
        if (r.status === 'rejected') throw r.reason;
        handle(planned[i]!, r.value);
      }
    } else {
      const seen = new Set<string>();
      let url: string | null = targetUrl(target);
      while (url && !seen.has(url) && seen.size < target.fetch.max_pages) {
        seen.add(url);
        const page = await deps.fetcher.fetchPage(url, target, deps.ctx);
        url = handle(url, page);
      }
    }
  } catch (err) {
    if (err instanceof FetchFailure) return { ok: false, failure: redactFailure(err.failure, target), pages };
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, failure: redactFailure({ class: 'config', message, url: target.fetch.url }, target), pages };
  }

  const items: Item[] = [];
  const problems: ItemProblem[] = [];
  const required = target.items?.required ?? kind.requiredFields;
  let requiredMissing = 0;
  let unparsed = 0;
  for (const { page, item } of raw) {
    const missing = required.filter((f) => item.fields[f] === null || item.fields[f] === undefined);
    if (missing.length) {
      requiredMissing++;
      problems.push({ key: item.key, page, error: `missing ${missing.join(', ')}` });
      continue;
    }
    const n = kind.normalise(item, target);
    if (!n.ok) {
      problems.push({ key: n.key, page, error: n.error });
      continue;
    }
    if (kind.unparsedField && n.item.data[kind.unparsedField] === null) unparsed++;
    items.push(n.item);
  }
  return { ok: true, items, pages, problems, requiredMissing, unparsed };
}

export function sample(text: string, max = 300): string {
  return text
    .replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);
}
