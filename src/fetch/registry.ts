import type { Fetcher, FetcherOptions } from './types.js';
import { httpFetcher } from './http-fetcher.js';
import { jsonFetcher } from './json.js';
import { makeBrowserFetcher } from './browser.js';

const fetchers = new Map<string, (opts: FetcherOptions) => Fetcher>();

/** A new fetch mode is one file plus one line here. Factories, so a run can own (and close) its browser. */
export function registerFetcher(mode: string, make: (opts: FetcherOptions) => Fetcher): void {
  fetchers.set(mode, make);
}

export function makeFetcher(mode: string, opts: FetcherOptions = {}): Fetcher | undefined {
  return fetchers.get(mode)?.(opts);
}

export function fetcherModes(): string[] {
  return [...fetchers.keys()];
}

registerFetcher('http', () => httpFetcher);
registerFetcher('json', () => jsonFetcher);
registerFetcher('browser', makeBrowserFetcher);
