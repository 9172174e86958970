import type { Fetcher } from './types.js';
import { httpFetcher } from './http-fetcher.js';
import { jsonFetcher } from './json.js';
import { makeBrowserFetcher } from './browser.js';

const fetchers = new Map<string, () => Fetcher>();

/** A new fetch mode is one file plus one line here. Factories, so a run can own (and close) its browser. */
export function registerFetcher(mode: string, make: () => Fetcher): void {
  fetchers.set(mode, make);
}

export function makeFetcher(mode: string): Fetcher | undefined {
  return fetchers.get(mode)?.();
}

export function fetcherModes(): string[] {
  return [...fetchers.keys()];
}

registerFetcher('http', () => httpFetcher);
registerFetcher('json', () => jsonFetcher);
registerFetcher('browser', makeBrowserFetcher);
