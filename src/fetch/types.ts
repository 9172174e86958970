import type { Target } from '../config/target-schema.js';
import type { ExtractedPage } from '../extract/items.js';
import type { RobotsCache } from './robots.js';

export interface FetchedPage {
  /** The URL asked for. */
  requestedUrl: string;
  /** The URL the content came from, after redirects. */
  url: string;
  status: number;
  headers: Record<string, string>;
  /**
   * Decoded text (HTML or JSON). An HTTP page decodes it on every read (so the string lives only
   * while it is used, see fetch/http.ts): read it once and keep the string while you need it.
   */
  text: string;
  charset: string;
  /** Where the charset came from (header, meta, fetch.charset ...); absent when a browser decoded the page. */
  charsetSource?: string;
  /** The bytes overruled what the page declared: its decoding is a guess, however well it reads. */
  charsetNote?: string;
  bytes: number;
  /**
   * The page came back but never became what the target expects (a browser `wait_for` that timed
   * out, a step whose element is missing). Judged after the blocked/login checks, so a captcha
   * still reads as `blocked`.
   */
  notReady?: { class: 'timeout' | 'layout_changed' | 'step_failed'; message: string };
}

/** Per-page request details that pagination decides (a POST body with the page number in it). */
export interface PageOptions {
  body?: string;
}

export interface FetchContext {
  /** Aborted when the run is cancelled (SIGTERM): fetchers stop promptly. */
  signal?: AbortSignal;
  /** Schedules a request through the politeness queues (per host + global). */
  schedule<T>(url: string, task: () => Promise<T>): Promise<T>;
  /** robots.txt per origin, fetched once and shared by every target of a run. */
  robots?: RobotsCache;
  /** Keeps every request to the host of `url` waiting for `ms` (a Retry-After). */
  holdHost?(url: string, ms: number): void;
  /** Requests to the host of `url` start at least `ms` apart (its robots.txt Crawl-delay). */
  spaceHost?(url: string, ms: number): void;
  /** One warning line for whoever runs radar (robots ignored, ...). Defaults to stderr. */
  warn?(line: string): void;
}

/** A way of getting a page: plain HTTP, a headless browser, a JSON API. One file each, plus a registry line. */
export interface Fetcher {
  mode: string;
  fetchPage(url: string, target: Target, ctx: FetchContext, opts?: PageOptions): Promise<FetchedPage>;
  /** Reads items from a page this fetcher returned; HTML extraction when absent. */
  extract?(page: FetchedPage, target: Target): ExtractedPage;
  /** A target's run or job has ended: let go of what was kept for its next page (its browser context). */
  release?(target: Target): Promise<void>;
  /** Releases shared resources (a browser) at the end of a run. */
  close?(): Promise<void>;
}

/** What a fetcher's owner tells it when making it. */
export interface FetcherOptions {
  /** Targets (a run's, or a worker's jobs) read at once through this fetcher. */
  jobs?: number;
}
