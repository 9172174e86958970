import type { Target } from '../config/target-schema.js';
import { extractJsonItems } from '../extract/json-path.js';
import { httpRequest, targetRequest } from './http.js';
import { politely } from './polite.js';
import type { FetchContext, FetchedPage, Fetcher, PageOptions } from './types.js';

/**
 * The JSON API behind a page (many shops and job boards fill their lists from one): more stable
 * to read than the markup. Same road as HTML (robots, queues, retries, proxy, cookies); the
 * items are read by path (`data.list[*]`, `price.current`) instead of by selector.
 */
export const jsonFetcher: Fetcher = {
  mode: 'json',
  async fetchPage(url: string, target: Target, ctx: FetchContext, opts?: PageOptions): Promise<FetchedPage> {
    const req = targetRequest(url, target, ctx, opts, { accept: 'application/json, text/plain;q=0.9, */*;q=0.5' });
    return politely(url, target, ctx, () => httpRequest(req));
  },
  extract(page: FetchedPage, target: Target) {
    return extractJsonItems(page.text, page.url, target);
  },
};
