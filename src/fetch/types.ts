import type { Target } from '../config/target-schema.js';

export interface FetchedPage {
  /** The URL asked for. */
  requestedUrl: string;
  /** The URL the content came from, after redirects. */
  url: string;
  status: number;
  headers: Record<string, string>;
  /** Decoded text (HTML or JSON). */
  text: string;
  charset: string;
  bytes: number;
}

export interface FetchContext {
  /** Aborted when the run is cancelled (SIGTERM): fetchers stop promptly. */
  signal?: AbortSignal;
  /** Schedules a request through the politeness queues (per host + global). */
  schedule<T>(url: string, task: () => Promise<T>): Promise<T>;
}

/** A way of getting a page: plain HTTP, a headless browser, a JSON API. One file each, plus a registry line. */
export interface Fetcher {
  mode: string;
  fetchPage(url: string, target: Target, ctx: FetchContext): Promise<FetchedPage>;
  /** Releases shared resources (a browser) at the end of a run. */
  close?(): Promise<void>;
}
