/**
 * What travels through Redis: a scrape job (the target as the coordinator validated it, and its
 * slot) and a worker's result (the scrape's verdict inputs, with the items in chunks beside it).
 * Secrets never travel: a target's `${ENV}` references are resolved by the worker that fetches.
 */
import type { Target } from '../config/target-schema.js';
import type { Failure } from '../core/verdict.js';
import type { ItemProblem, PageReport } from '../pipeline/scrape.js';
import type { PageProfile } from '../store/snapshot.js';

export const PROTOCOL = 1;

export interface ScrapeJobData {
  v: typeof PROTOCOL;
  target: Target;
  slot: string;
  /** Targets with `detail:`: the snapshot's keys, so the worker follows only new items' pages. */
  known?: string[];
  /** The last good run's pages, so the worker tells a cut-off page from a normal one. */
  profile?: PageProfile;
}

/** Items stored beside a result, in chunks: the list's key and how many items it holds. */
export interface ItemsRef {
  key: string;
  count: number;
}

/** The scrape outcome without its items (they are in chunks). Item problems are capped: they are examples. */
export type OutcomeSummary =
  | { ok: true; items: ItemsRef; pages: PageReport[]; problems: ItemProblem[]; requiredMissing: number; unparsed: number; duplicates: number; sample?: string; hint?: string; charsetNote?: string }
  | { ok: false; failure: Failure; pages: PageReport[] };

export type DetailSummary = { status: 'good'; items: ItemsRef } | { status: 'failed'; failure: Failure };

export interface ResultJobData {
  v: typeof PROTOCOL;
  /** The scrape job this answers. */
  job: string;
  targetId: string;
  worker: string;
  startedAt: string;
  finishedAt: string;
  outcome: OutcomeSummary;
  detail?: DetailSummary;
}

/** What a worker reports about itself (a hash field per worker, refreshed every few seconds). */
export interface WorkerBeat {
  id: string;
  host: string;
  pid: number;
  browser: boolean;
  proxyGroups: string[];
  concurrency: number;
  queues: string[];
  startedAt: string;
  seenAt: string;
  current: { job: string; target: string; since: string; pages: number }[];
  done: number;
  failed: number;
}

export const MAX_PROBLEMS = 50;
