/**
 * Suggesting an `items:` block for a page nobody has written a target for yet: fetch it the way
 * a run would (the same fetcher, politeness and decoding), then ask the suggestion engine.
 * `radar try URL --suggest` uses it.
 */
import { stringify } from 'yaml';
import { targetSchema, type Target } from '../config/target-schema.js';
import { RadarError } from '../core/errors.js';
import type { ItemsProposal } from '../extract/suggest-items.js';

export interface SuggestResult {
  url: string;
  status: number;
  proposal: ItemsProposal | null;
  /** The `items:` YAML to paste into a target (a comment when structured data needs none). */
  yaml: string;
}

/** A target with only a URL: what fetching needs, nothing that would be stored. */
export function scratchTarget(url: string, mode: 'http' | 'browser' = 'http'): Target {
  try {
    new URL(url);
  } catch {
    throw new RadarError('usage', `"${url}" is not a URL (give the whole address, with http:// or https://)`);
  }
  return { ...targetSchema.parse({ id: 'suggest', competitor: 'suggest', region: 'suggest', fetch: { url, mode } }), file: '(suggest)' };
}

export async function suggestFromUrl(url: string, opts: { mode?: 'http' | 'browser'; currency?: string } = {}): Promise<SuggestResult> {
  const target = scratchTarget(url, opts.mode ?? 'http');
  const [{ HostQueues }, { makeFetcher }, { itemsBlock, suggestItems }] = await Promise.all([import('../fetch/host-queue.js'), import('../fetch/registry.js'), import('../extract/suggest-items.js')]);
  const fetcher = makeFetcher(target.fetch.mode)!;
  const queues = new HostQueues();
  try {
    const page = await fetcher.fetchPage(url, target, { schedule: (u, t) => queues.schedule(u, t, target.fetch.min_interval_ms), spaceHost: (u, ms) => queues.space(u, ms) });
    const text = page.text;
    if (page.status >= 400) throw new RadarError('fetch', `${url} answered HTTP ${page.status}: nothing to suggest from`);
    const proposal = suggestItems(text, { url: page.url, ...(opts.currency ? { defaultCurrency: opts.currency } : {}) });
    return { url: page.url, status: page.status, proposal, yaml: proposalYaml(proposal, proposal ? itemsBlock(proposal) : null) };
  } finally {
    await fetcher.close?.();
  }
}

/** `block` is itemsBlock(p): passed in, so this module loads no extraction code until a page is read. */
export function proposalYaml(p: ItemsProposal | null, block: Record<string, unknown> | null): string {
  if (!p) return '# nothing on this page repeats like a product list: click an item in the console builder, or write items: by hand\n';
  if (!block) return `# the page's JSON-LD lists ${p.count} products: leave items: out, they are read from it\n`;
  return stringify({ items: block }, { lineWidth: 0 });
}
