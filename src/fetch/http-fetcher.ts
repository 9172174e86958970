import type { Target } from '../config/target-schema.js';
import { httpRequest, targetRequest } from './http.js';
import { politely } from './polite.js';
import type { FetchContext, FetchedPage, Fetcher, PageOptions } from './types.js';

/** Static pages over plain HTTP. Apart from the client in http.ts, which polite.ts also uses for robots.txt. */
export const httpFetcher: Fetcher = {
  mode: 'http',
  async fetchPage(url: string, target: Target, ctx: FetchContext, opts?: PageOptions): Promise<FetchedPage> {
    const req = targetRequest(url, target, ctx, opts);
    return politely(url, target, ctx, () => httpRequest(req));
  },
};
