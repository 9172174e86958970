/**
 * Suggesting a target for a page nobody has written one for yet: fetch it the way a run would
 * (the same fetcher, politeness and decoding), ask the suggestion engine for its `items:`, and
 * when the page has a next link, follow it once and count what the same selectors read there.
 * `radar try URL --suggest` and `POST /api/targets/suggest` use it.
 */
import { stringify } from 'yaml';
import { targetSchema, type Target } from '../config/target-schema.js';
import { RadarError } from '../core/errors.js';
import { FetchFailure } from '../core/verdict.js';
import type { ItemsProposal } from '../extract/suggest-items.js';
import type { PagesProposal } from '../extract/suggest-pages.js';
import { requireAction, type Principal } from './access.js';

export interface SuggestResult {
  url: string;
  status: number;
  proposal: ItemsProposal | null;
  /** How further pages are reached, and what page 2 read (null: no next link found). */
  pagination: (PagesProposal & { page2: { url: string; status: number; items: number } | null }) | null;
  /** The YAML to paste into a target (a comment when structured data needs no `items:`). */
  yaml: string;
}

/** A target with only a URL: what fetching needs, nothing that would be stored. */
export function scratchTarget(url: string, mode: 'http' | 'browser' = 'http'): Target {
  try {
    new URL(url);
  } catch {
    throw new RadarError('usage', `"${url}" is not a URL (give the whole address, with http:// or https://)`, { field: 'url' });
  }
  return { ...targetSchema.parse({ id: 'suggest', competitor: 'suggest', region: 'suggest', fetch: { url, mode } }), file: '(suggest)' };
}

/** The API's face: ops and admins only, like the console builder. */
export async function suggestForUser(who: Principal | null, req: { url: string; mode?: 'http' | 'browser'; currency?: string }): Promise<SuggestResult> {
  requireAction(who, 'targets.write');
  return suggestFromUrl(req.url, req);
}

export async function suggestFromUrl(url: string, opts: { mode?: 'http' | 'browser'; currency?: string } = {}): Promise<SuggestResult> {
  const target = scratchTarget(url, opts.mode ?? 'http');
  const [{ HostQueues }, { makeFetcher }, { itemsBlock, previewSelectors, suggestItems }, { suggestNext }] = await Promise.all([
    import('../fetch/host-queue.js'),
    import('../fetch/registry.js'),
    import('../extract/suggest-items.js'),
    import('../extract/suggest-pages.js'),
  ]);
  const fetcher = makeFetcher(target.fetch.mode)!;
  const queues = new HostQueues();
  const ctx = { schedule: <T>(u: string, t: () => Promise<T>) => queues.schedule(u, t, target.fetch.min_interval_ms), spaceHost: (u: string, ms: number) => queues.space(u, ms) };
  try {
    const page = await fetcher.fetchPage(url, target, ctx).catch((e: unknown) => {
      // robots.txt, a timeout, a refused connection: one line naming the page, not a crash.
      throw e instanceof FetchFailure ? new RadarError('fetch', e.failure.message, { field: 'url' }) : e;
    });
    if (page.status >= 400) throw new RadarError('fetch', `${url} answered HTTP ${page.status}: nothing to suggest from`);
    const cur = opts.currency ? { defaultCurrency: opts.currency } : {};
    const proposal = suggestItems(page.text, { url: page.url, ...cur });
    const next = suggestNext(page.text, { url: page.url });
    let pagination: SuggestResult['pagination'] = null;
    if (next) {
      const url2 = next.nextUrl;
      // Page 2 read with the same selectors: a next link that leads to a page they miss is no pagination.
      const p2 = await fetcher.fetchPage(url2, target, ctx).catch(() => null);
      const items2 = !p2 || !proposal ? 0 : proposal.each ? previewSelectors(p2.text, { each: proposal.each, key: proposal.key, fields: proposal.fields }, { url: p2.url, ...cur }).count : (suggestItems(p2.text, { url: p2.url, ...cur })?.count ?? 0);
      pagination = { ...next, page2: p2 ? { url: p2.url, status: p2.status, items: items2 } : null };
    }
    return { url: page.url, status: page.status, proposal, pagination, yaml: proposalYaml(proposal, proposal ? itemsBlock(proposal) : null, pagination) };
  } finally {
    await fetcher.close?.();
  }
}

/** `block` is itemsBlock(p): passed in, so this module loads no extraction code until a page is read. */
export function proposalYaml(p: ItemsProposal | null, block: Record<string, unknown> | null, pages: PagesProposal | null = null): string {
  if (!p) return '# nothing on this page repeats like a product list: click an item in the console builder, or write items: by hand\n';
  const fetch = pagesYaml(pages);
  if (!block) return `# the page's JSON-LD lists ${p.count} products: leave items: out, they are read from it\n${fetch}`;
  return fetch + stringify({ items: block }, { lineWidth: 0 });
}

/** The `fetch:` lines for further pages: the next link, or the numbered pattern as a comment beside it. */
function pagesYaml(pages: PagesProposal | null): string {
  if (!pages) return '';
  const alt = pages.pattern ? `# or by page number: fetch.url: ${pages.pattern.url} with pages: "${pages.pattern.pages}"\n` : '';
  if (!pages.next) return pages.pattern ? `fetch:\n${indent(stringify({ url: pages.pattern.url, pages: pages.pattern.pages }, { lineWidth: 0 }))}` : '';
  return `${alt}fetch:\n${indent(stringify({ next: pages.next }, { lineWidth: 0 }))}`;
}

const indent = (s: string) => s.replace(/^(?=.)/gm, '  ');
