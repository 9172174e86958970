import PQueue from 'p-queue';
import type { Alert } from '../alerts/model.js';
import { loadRules, loadTargets, displayPath, type Paths, type Rules } from '../config/load.js';
import type { Target } from '../config/target-schema.js';
import { errorLine, RadarError } from '../core/errors.js';
import { composeDigests, sendPending, type DeliveryReport } from '../deliver/deliver.js';
import type { ScraperAlertPayload } from '../deliver/sections/scraper.js';
import { makeTransport, type Transport } from '../deliver/transport.js';
import { HostQueues, defaultPoliteness } from '../fetch/host-queue.js';
import { makeFetcher } from '../fetch/registry.js';
import { RobotsCache } from '../fetch/robots.js';
import type { Fetcher } from '../fetch/types.js';
import { Outbox, type OutboxMessage } from '../store/outbox.js';
import type { PageReport } from './scrape.js';
import { analysers } from './analysers.js';
import { runTarget, type TargetRunResult } from './run-target.js';

export type RunEvent =
  | { type: 'target-start'; target: Target }
  | { type: 'page'; target: Target; page: PageReport }
  | { type: 'target-done'; result: TargetRunResult };

export interface RunOptions {
  paths: Paths;
  /** Only these target ids. */
  only?: string[];
  now?: () => Date;
  transport?: Transport;
  onEvent?: (e: RunEvent) => void;
  signal?: AbortSignal;
  /** Targets run at once (pages within them still obey per-host limits). */
  concurrency?: number;
}

export interface RunSummary {
  results: TargetRunResult[];
  configErrors: RadarError[];
  /** Cross-target analysers that failed (one line each); their failure never blocks other alerts. */
  analyserErrors: string[];
  alerts: Alert[];
  messages: OutboxMessage[];
  delivery: DeliveryReport;
  exitCode: 0 | 1;
}

export async function runAll(opts: RunOptions): Promise<RunSummary> {
  const now = opts.now ?? (() => new Date());
  const rules = loadRules(opts.paths.rulesDir);
  const loaded = loadTargets(opts.paths.scrapersDir);
  let targets = loaded.targets.filter((t) => t.enabled);
  if (opts.only?.length) {
    const unknown = opts.only.filter((id) => !loaded.targets.some((t) => t.id === id));
    if (unknown.length && !loaded.errors.length) throw new RadarError('usage', `no target with id ${unknown.join(', ')}`);
    targets = loaded.targets.filter((t) => opts.only!.includes(t.id));
  }
  const outbox = new Outbox(opts.paths.stateDir);
  const results = await scrapeAll(targets, rules, opts, now, outbox);

  const alerts: Alert[] = [];
  for (const r of results) alerts.push(...r.alerts, ...healthAlerts(r, rules, now()));
  for (const err of loaded.errors) alerts.push(configAlert(err, now()));
  const analyserErrors: string[] = [];
  for (const a of analysers) {
    try {
      alerts.push(...(await a.analyse({ paths: opts.paths, rules, results, now: now() })));
    } catch (e) {
      analyserErrors.push(`${a.name}: ${errorLine(e)}`);
    }
  }
  outbox.record(alerts, now());

  const messages = composeDigests(outbox, { owners: rules.owners, templatesDir: opts.paths.templatesDir, now: now() });
  const transport = opts.transport ?? makeTransport(opts.paths.outboxDir);
  let delivery: DeliveryReport;
  try {
    delivery = await sendPending(outbox, transport);
  } finally {
    if (!opts.transport) transport.close();
  }
  const failed = results.some((r) => r.verdict === 'failed') || loaded.errors.length > 0;
  return { results, configErrors: loaded.errors, analyserErrors, alerts, messages, delivery, exitCode: failed || analyserErrors.length ? 1 : 0 };
}

async function scrapeAll(targets: Target[], rules: Rules, opts: RunOptions, now: () => Date, outbox: Outbox): Promise<TargetRunResult[]> {
  const queues = new HostQueues(defaultPoliteness);
  const robots = new RobotsCache(); // once per origin per run, shared by every target and mode
  const fetchers = new Map<string, Fetcher>();
  const pool = new PQueue({ concurrency: opts.concurrency ?? 4 });
  const results: TargetRunResult[] = [];
  try {
    await Promise.all(
      targets.map((target) =>
        pool.add(async () => {
          opts.onEvent?.({ type: 'target-start', target });
          let fetcher = fetchers.get(target.fetch.mode);
          if (!fetcher) {
            // The schema only admits registered modes; a miss here is a bug, not a config problem.
            fetcher = makeFetcher(target.fetch.mode);
            if (!fetcher) throw new RadarError('internal', `no fetcher registered for mode "${target.fetch.mode}"`);
            fetchers.set(target.fetch.mode, fetcher);
          }
          const result = await runTarget(target, {
            rules,
            stateDir: opts.paths.stateDir,
            fetcher,
            ctx: {
              schedule: (url, task) => queues.schedule(url, task, target.fetch.min_interval_ms),
              robots,
              holdHost: (url, ms) => queues.hold(url, ms),
              ...(opts.signal ? { signal: opts.signal } : {}),
            },
            now,
            record: (a) => outbox.record(a, now()),
            onPage: (page) => opts.onEvent?.({ type: 'page', target, page }),
          });
          results.push(result);
          opts.onEvent?.({ type: 'target-done', result });
        }),
      ),
    );
  } finally {
    await Promise.all([...fetchers.values()].map((f) => f.close?.().catch(() => undefined)));
  }
  return results.sort((a, b) => a.target.id.localeCompare(b.target.id));
}

/** Sales ops hear about a target after N consecutive failures, once, and again when it recovers. */
export function healthAlerts(r: TargetRunResult, rules: Rules, now: Date): Alert<ScraperAlertPayload>[] {
  const n = rules.price.notify_ops_after_failures;
  const base = {
    targetId: r.target.id,
    competitor: r.target.competitor,
    file: displayPath(r.target.file),
  };
  if (r.verdict === 'failed' && r.log.consecutiveFailures >= n && r.failure) {
    return [
      {
        // One alert per failure streak, not one per run.
        id: `scraper:${r.target.id}:failing@${r.log.failingSince}`,
        topic: 'scraper',
        audience: { kind: 'ops' },
        createdAt: now.toISOString(),
        payload: {
          ...base,
          state: 'failing',
          failureClass: r.failure.class,
          message: r.failure.message,
          url: r.failure.url ?? r.target.fetch.url,
          httpStatus: r.failure.httpStatus ?? null,
          sample: r.failure.sample ?? null,
          consecutiveFailures: r.log.consecutiveFailures,
          failingSince: r.log.failingSince,
        },
      },
    ];
  }
  const prev = r.log.runs.at(-2);
  if (r.verdict === 'good' && prev?.verdict === 'failed') {
    // Count the streak that just ended; recovery is news only if ops were told about the failure.
    let streak = 0;
    for (let i = r.log.runs.length - 2; i >= 0 && r.log.runs[i]!.verdict === 'failed'; i--) streak++;
    if (streak >= n) {
      return [
        {
          id: `scraper:${r.target.id}:recovered@${r.log.lastGoodAt}`,
          topic: 'scraper',
          audience: { kind: 'ops' },
          createdAt: now.toISOString(),
          payload: { ...base, state: 'recovered', failureClass: null, message: null, url: r.target.fetch.url, httpStatus: null, sample: null, consecutiveFailures: 0, failingSince: null },
        },
      ];
    }
  }
  return [];
}

function configAlert(err: RadarError, now: Date): Alert<ScraperAlertPayload> {
  const where = err.where ?? 'config';
  return {
    id: `config:${err.toLine()}`,
    topic: 'scraper',
    audience: { kind: 'ops' },
    createdAt: now.toISOString(),
    payload: {
      state: 'failing',
      targetId: where.replace(/:\d+$/, ''),
      competitor: '-',
      file: where,
      failureClass: 'config',
      message: err.message,
      url: null,
      httpStatus: null,
      sample: null,
      consecutiveFailures: 1,
      failingSince: null,
    },
  };
}
