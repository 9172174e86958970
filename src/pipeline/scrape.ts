import type { Target } from '../config/target-schema.js';
import { redact } from '../config/env.js';
import { redactFailure, targetSecrets, targetUrl } from '../config/target-url.js';
import { FetchFailure, type Failure } from '../core/verdict.js';
import { extractPage, type ExtractedPage, type RawItem } from '../extract/items.js';
import { detectBlock, detectLoginWall } from '../fetch/blocked.js';
import { decodingProblem } from '../fetch/garbled.js';
import { paginatedRequest } from '../fetch/request.js';
import type { FetchContext, FetchedPage, Fetcher } from '../fetch/types.js';
import { getKind } from '../kinds/registry.js';
import type { Item, KindPlugin } from '../kinds/types.js';
import type { PageReport } from '../contracts/run-result.js';
import { cutOff, documentCloses, PageKeys, shortSibling, type PageProfile } from './pages.js';

export type { PageReport } from '../contracts/run-result.js';

export interface ItemProblem {
  key: string | null;
  page: string;
  error: string;
}

/** What a scrape hands to the verdict: items found, or the one reason it failed. */
export type ScrapeOutcome =
  | {
      ok: true;
      /** One per key (the first page showing a key wins). */
      items: Item[];
      pages: PageReport[];
      problems: ItemProblem[];
      requiredMissing: number;
      unparsed: number;
      /** Items left out because an earlier page (or place on the page) had their key. */
      duplicates: number;
      sample?: string;
      /** Where a selector missed, what the page has instead (see extract/hint.ts). */
      hint?: string;
      /** A page's charset was decided against its own declaration (see fetch/charset.ts). */
      charsetNote?: string;
    }
  | { ok: false; failure: Failure; pages: PageReport[] };

export interface ScrapeDeps {
  fetcher: Fetcher;
  ctx: FetchContext;
  onPage?: (p: PageReport) => void;
  /** The last good run's pages, to tell a cut-off page from a normal one (null: a new target). */
  profile?: PageProfile | null;
  /** `radar accept`: pages smaller than last time are the new normal. */
  accepting?: boolean;
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
  const found: PageItems = { items: [], problems: [], requiredMissing: 0, unparsed: 0 };
  const secrets = targetSecrets(target);
  const required = target.items?.required ?? kind.requiredFields;
  const seen = new PageKeys();
  let firstSample: string | undefined;
  let hint: string | undefined;
  let charsetNote: string | undefined;

  const planned = plannedPages(target);
  const of = planned ? planned.length : null;
  const paramHint = target.fetch.paginate ? `its ${target.fetch.paginate.param} parameter` : planned ? 'the page number in fetch.url' : 'its next link';

  // Items are checked and normalised page by page, so a long crawl never holds raw and normalised
  // items side by side at the end; pages are still recorded in page order.
  const read = (url: string, page: FetchedPage, index: number): Read => {
    const r = readPage(url, page, target, deps.fetcher, kind, index === 0);
    const shown = redact(url, secrets);
    // A page with no items at all is a different page (a redesign, an empty list), judged as such; its size says nothing.
    const profile = r.ex.items.length > 0 ? (deps.profile ?? null) : null;
    const cut = cutOff({ index, url: shown, bytes: page.bytes, closes: target.fetch.check_complete ? r.closes : null }, of, profile, deps.accepting ?? false, target.id);
    if (cut) throw new FetchFailure({ ...cut, httpStatus: page.status, ...(r.sample ? { sample: r.sample } : {}) });
    return {
      count: r.ex.items.length,
      found: normalisePage(r.ex.items, shown, target, kind, required),
      status: page.status,
      bytes: page.bytes,
      closes: r.closes,
      nextUrl: r.ex.nextUrl,
      ...(r.sample ? { sample: r.sample } : {}),
      ...(r.ex.hint ? { hint: r.ex.hint } : {}),
      ...(page.charsetNote ? { charsetNote: page.charsetNote } : {}),
    };
  };
  const record = (url: string, index: number, r: Read): void => {
    const shown = redact(url, secrets);
    // A page repeating an earlier one (a site ignoring ?page=) is a failed page, never 3 × the same 8 items.
    const fresh = seen.add(index, shown, r.found.items.map((i) => i.key), paramHint);
    if ('failure' in fresh) throw new FetchFailure({ ...fresh.failure, httpStatus: r.status });
    const report: PageReport = { url: shown, status: r.status, items: r.count, bytes: r.bytes, closes: r.closes };
    pages.push(report);
    deps.onPage?.(report);
    for (const item of r.found.items) if (fresh.fresh.delete(item.key)) found.items.push(item);
    for (const problem of r.found.problems) found.problems.push(problem);
    found.requiredMissing += r.found.requiredMissing;
    found.unparsed += r.found.unparsed;
    firstSample ??= r.sample;
    hint ??= r.hint;
    charsetNote ??= r.charsetNote;
  };

  try {
    if (target.fetch.ignore_robots) {
      (deps.ctx.warn ?? warnStderr)(`${target.id}: fetch.ignore_robots is set, robots.txt is not consulted for ${redact(safeOrigin(targetUrl(target)), secrets)}`);
    }
    if (target.fetch.paginate) {
      // Page after page until one comes back empty (or max_pages): the end is only known by reaching it.
      const p = target.fetch.paginate;
      for (let i = 0; i < target.fetch.max_pages; i++) {
        const req = paginatedRequest(target, p.start + i * p.step);
        const page = await deps.fetcher.fetchPage(req.url, target, deps.ctx, req.body === undefined ? undefined : { body: req.body });
        const r = read(req.url, page, i);
        record(req.url, i, r);
        if (r.count === 0) break;
      }
    } else if (planned) {
      // Fetch concurrently (the host queue keeps it polite) and read each page as it arrives, so
      // its HTML can go at once; reports, items and the first failure still follow page order.
      const done = await Promise.allSettled(planned.map(async (u, i) => read(u, await deps.fetcher.fetchPage(u, target, deps.ctx), i)));
      for (let i = 0; i < planned.length; i++) {
        const r = done[i]!;
        if (r.status === 'rejected') throw r.reason;
        record(planned[i]!, i, r.value);
      }
    } else {
      const visited = new Set<string>();
      let url: string | null = targetUrl(target);
      while (url && !visited.has(url) && visited.size < target.fetch.max_pages) {
        const index = visited.size;
        visited.add(url);
        const r = read(url, await deps.fetcher.fetchPage(url, target, deps.ctx), index);
        record(url, index, r);
        url = r.nextUrl;
      }
    }
    // Only the last page of a listing may be short; an empty page that ended a paginate is not one.
    const counts = pages.map((p) => p.items);
    while (counts.length > 1 && counts[counts.length - 1] === 0) counts.pop();
    const short = shortSibling(counts, pages.map((p) => p.url));
    if (short) throw new FetchFailure(short);
  } catch (err) {
    if (err instanceof FetchFailure) return { ok: false, failure: redactFailure(err.failure, target), pages };
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, failure: redactFailure({ class: 'config', message, url: target.fetch.url }, target), pages };
  }

  return {
    ok: true,
    ...found,
    duplicates: seen.duplicates,
    pages,
    ...(firstSample ? { sample: redact(firstSample, secrets) } : {}),
    ...(hint ? { hint: redact(hint, secrets) } : {}),
    ...(charsetNote ? { charsetNote } : {}),
  };
}

/** One page, read and normalised, waiting to be recorded in page order. */
interface Read {
  count: number;
  found: PageItems;
  status: number;
  bytes: number;
  closes: boolean | null;
  nextUrl: string | null;
  sample?: string;
  hint?: string;
  charsetNote?: string;
}

interface PageItems {
  items: Item[];
  problems: ItemProblem[];
  requiredMissing: number;
  unparsed: number;
}

/** One page's raw items checked for required fields and normalised by the kind. */
function normalisePage(raw: readonly RawItem[], page: string, target: Target, kind: KindPlugin, required: readonly string[]): PageItems {
  const out: PageItems = { items: [], problems: [], requiredMissing: 0, unparsed: 0 };
  for (const item of raw) {
    const missing = required.filter((f) => item.fields[f] === null || item.fields[f] === undefined);
    if (missing.length) {
      out.requiredMissing++;
      out.problems.push({ key: item.key, page, error: `missing ${missing.join(', ')}` });
      continue;
    }
    const n = kind.normalise(item, target);
    if (!n.ok) {
      out.problems.push({ key: n.key, page, error: n.error });
      continue;
    }
    if (kind.unparsedField && n.item.data[kind.unparsedField] === null) out.unparsed++;
    out.items.push({ ...n.item, key: safeKey(n.item.key) });
  }
  return out;
}

/**
 * What a page is, before anything is read from it: an anti-bot check, an HTTP error, a login
 * form or a page that never became ready each fail the scrape with their own class; only a
 * real page has its items read.
 */
export function readPage(
  url: string,
  fetched: FetchedPage,
  target: Target,
  fetcher: Pick<Fetcher, 'extract'>,
  kind?: Pick<KindPlugin, 'extractStructured'>,
  wantSample = false,
): { ex: ExtractedPage; closes: boolean | null; sample?: string } {
  // The text once (an HTTP page decodes it on access), in a page object that dies with this call.
  const page: FetchedPage = { ...fetched };
  const block = detectBlock(page);
  if (block) throw new FetchFailure({ ...block, url });
  if (page.status >= 400) {
    const retryAfter = page.headers['retry-after'];
    throw new FetchFailure({
      class: `http_${page.status}`,
      message: `the site answered HTTP ${page.status}${retryAfter ? ` (Retry-After: ${retryAfter.slice(0, 40)})` : ''}`,
      url,
      httpStatus: page.status,
      sample: sample(page.text),
    });
  }
  // A page decoded with the wrong charset still parses: "1.2万" garbled to "1.2" is a price.
  const garbled = decodingProblem(page.text, page.charset);
  if (garbled) {
    const why = page.charsetSource === 'declared' ? ' (the charset set in fetch.charset)' : page.charsetSource ? ` (charset from the ${page.charsetSource}${page.charsetNote ? `: ${page.charsetNote}` : ''})` : '';
    throw new FetchFailure({ class: 'parse_error', message: `${garbled}${why}; set fetch.charset if the site's own declaration is wrong`, url, httpStatus: page.status, sample: sample(page.text) });
  }
  let ex: ExtractedPage;
  try {
    const structured = kind?.extractStructured?.bind(kind);
    ex = fetcher.extract ? fetcher.extract(page, target) : extractPage(page.text, page.url, target, structured ? { structured } : {});
  } catch (err) {
    // An API that answers HTML was most likely sent to a login page.
    const login = detectLoginWall(page, 0);
    if (login) throw new FetchFailure(login);
    throw err;
  }
  const login = detectLoginWall(page, ex.items.length);
  if (login) throw new FetchFailure(login);
  if (page.notReady) throw new FetchFailure({ ...page.notReady, url, httpStatus: page.status, sample: sample(page.text) });
  // The sample is only shown for the first page: not worth a pass over every page of a long crawl.
  return { ex, closes: documentCloses(page.text), ...(wantSample ? { sample: sample(page.text) } : {}) };
}

function warnStderr(line: string): void {
  process.stderr.write(`warning: ${line}\n`);
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export function sample(text: string, max = 300): string {
  return text
    .replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);
}

/**
 * Item keys come from scraped pages and index plain objects all the way down (snapshot items,
 * history, alerted prices). A key named like an Object.prototype member ("__proto__",
 * "constructor", "toString") would read an inherited value or replace a prototype; such keys get
 * a prefix that no inherited name has.
 */
export function safeKey(key: string): string {
  return key === '__proto__' || key in Object.prototype ? `key:${key}` : key;
}
