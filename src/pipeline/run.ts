import PQueue from 'p-queue';
import type { Alert } from '../alerts/model.js';
import { loadRules, loadTargets, projectPath, type Paths, type Rules } from '../config/load.js';
import type { Target } from '../config/target-schema.js';
import { errorLine, RadarError } from '../core/errors.js';
import { crashPoint } from '../core/crashpoint.js';
import { deliverOutbox, type DeliveryReport } from '../deliver/deliver.js';
import { DEFAULT_DELIVERY, recordPolicy } from '../deliver/policy.js';
import { CONFIG_FILE_ALERT, type ScraperAlertPayload } from '../deliver/sections/scraper.js';
import { makeTransport, type Transport } from '../deliver/transport.js';
import { HostQueues, defaultPoliteness } from '../fetch/host-queue.js';
import { makeFetcher } from '../fetch/registry.js';
import { RobotsCache } from '../fetch/robots.js';
import type { Fetcher } from '../fetch/types.js';
import { Outbox, type OutboxMessage } from '../store/outbox.js';
import type { PageReport } from './scrape.js';
import { analysers } from './analysers.js';
import { settleScraped, type RemoteScrape } from './remote.js';
import { runTarget, type TargetRunResult } from './run-target.js';

export type RunEvent =
  | { type: 'run-start'; targets: Target[] }
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
  /** Validated config to use instead of reading the folders (the daemon keeps its last good one across reloads). */
  config?: { rules: Rules; targets: Target[] };
  /** The daemon's one outbox for every run: a second instance in the same process would overwrite its writes. */
  outbox?: Outbox;
  /** Politeness queues shared by runs that overlap in time (the daemon), so two targets on one host still take turns. */
  queues?: HostQueues;
  /** robots.txt answers kept across runs (the daemon's, expiring); default: read once per origin for this run. */
  robots?: RobotsCache;
  /** At the end: send everything waiting (default, a manual run), only the immediate window (daemon runs), or nothing. */
  deliver?: 'all' | 'immediate' | 'none';
  /** `radar accept`: this target's result is the new normal (fewer items, smaller pages), recorded in its run log. */
  accept?: { targetId: string; note?: string };
  /** Distributed mode: targets are scraped by workers; this run judges and settles what they found. */
  remote?: RemoteScrape;
  /** false: skip the passes across targets (the daemon runs them once a round, see runAnalysers). */
  analyse?: boolean;
}

export interface RunSummary {
  results: TargetRunResult[];
  configErrors: RadarError[];
  /** Cross-target analysers that failed (one line each); their failure never blocks other alerts. */
  analyserErrors: string[];
  alerts: Alert[];
  /** Where each of `alerts` came from, so summaries count them where they arise and add up to the total. */
  sources: AlertSources;
  messages: OutboxMessage[];
  delivery: DeliveryReport;
  exitCode: 0 | 1;
}

/** The alerts a run adds (not those it found again, already recorded), by where they arose. */
export interface AlertSources {
  /** Per target id: what its run found, plus sales ops' notice when it keeps failing or recovers. */
  targets: Map<string, Alert[]>;
  /** Per cross-target analyser (price comparison, mentions ...), in the order they ran. */
  analysers: { name: string; alerts: Alert[]; error: string | null }[];
  /** Broken target files, to sales ops. */
  config: Alert[];
}

export async function runAll(opts: RunOptions): Promise<RunSummary> {
  const now = opts.now ?? (() => new Date());
  const rules = opts.config?.rules ?? loadRules(opts.paths.rulesDir);
  const loaded = opts.config ? { targets: opts.config.targets, errors: [] as RadarError[] } : loadTargets(opts.paths.scrapersDir);
  let targets = loaded.targets.filter((t) => t.enabled);
  if (opts.only?.length) {
    const unknown = opts.only.filter((id) => !loaded.targets.some((t) => t.id === id));
    if (unknown.length && !loaded.errors.length) throw new RadarError('usage', `no target with id ${unknown.join(', ')}`);
    targets = loaded.targets.filter((t) => opts.only!.includes(t.id));
  }
  const outbox = opts.outbox ?? new Outbox(opts.paths.stateDir);
  outbox.policy = recordPolicy(rules.delivery ?? DEFAULT_DELIVERY);
  opts.onEvent?.({ type: 'run-start', targets });
  // What this run adds is what it reports: the comparison pass finds every open undercut and match
  // suggestion again, a failing target its notice, a broken file its error; those already recorded
  // were news once (the outbox never sends them twice) and are not counted again.
  const known = new Set(Object.keys(outbox.data.alerts));
  const fresh = (found: Alert[]) => found.filter((a) => !known.has(a.id));
  const results = await scrapeAll(targets, rules, opts, now, outbox);

  const sources: AlertSources = { targets: new Map(), analysers: [], config: [] };
  for (const r of results) sources.targets.set(r.target.id, fresh([...r.alerts, ...healthAlerts(r, rules, now(), opts.paths)]));
  for (const err of loaded.errors) sources.config.push(...fresh([configAlert(err, now(), opts.paths)]));
  const passes = opts.analyse === false ? { analysers: [], errors: [] } : await runAnalysers({ paths: opts.paths, rules, results, now, outbox, fresh });
  sources.analysers.push(...passes.analysers);
  const analyserErrors = passes.errors;
  const alerts: Alert[] = [...[...sources.targets.values()].flat(), ...sources.config, ...sources.analysers.flatMap((a) => a.alerts)];
  outbox.record(alerts, now());

  const { messages, delivery } = await deliverOutbox(outbox, {
    rules,
    paths: opts.paths,
    now,
    window: opts.deliver ?? 'all',
    ...(opts.transport ? { transport: opts.transport } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const failed = results.some((r) => r.verdict === 'failed') || loaded.errors.length > 0;
  return { results, configErrors: loaded.errors, analyserErrors, alerts, sources, messages, delivery, exitCode: failed || analyserErrors.length ? 1 : 0 };
}

/**
 * The passes across targets (比价, mentions), once the targets they follow have run: after `radar
 * run`'s targets, or when the last run of a daemon round ends. Each analyser's failure is its own
 * line; the others still run. Returns what each found (only `fresh` ones), not yet recorded.
 */
export async function runAnalysers(o: {
  paths: Paths;
  rules: Rules;
  results: TargetRunResult[];
  now: () => Date;
  outbox: Outbox;
  /** Keeps what is news (not recorded before the run began). */
  fresh: (found: Alert[]) => Alert[];
}): Promise<{ analysers: AlertSources['analysers']; errors: string[] }> {
  const out: AlertSources['analysers'] = [];
  const errors: string[] = [];
  for (const a of analysers) {
    try {
      const found = await a.analyse({ paths: o.paths, rules: o.rules, results: o.results, now: o.now(), record: (found) => o.outbox.record(found, o.now()) });
      out.push({ name: a.name, alerts: o.fresh(found), error: null });
    } catch (e) {
      errors.push(`${a.name}: ${errorLine(e)}`);
      out.push({ name: a.name, alerts: [], error: errorLine(e) });
    }
  }
  return { analysers: out, errors };
}

async function scrapeAll(targets: Target[], rules: Rules, opts: RunOptions, now: () => Date, outbox: Outbox): Promise<TargetRunResult[]> {
  const queues = opts.queues ?? new HostQueues(defaultPoliteness);
  const robots = opts.robots ?? new RobotsCache(); // once per origin (per run, or as long as the daemon's copy is fresh), shared by every target and mode
  const fetchers = new Map<string, Fetcher>();
  const jobs = opts.concurrency ?? 4;
  const pool = new PQueue({ concurrency: jobs });
  const results: TargetRunResult[] = [];
  try {
    await Promise.all(
      targets.map((target) =>
        pool.add(async () => {
          crashPoint('fetch-start');
          opts.onEvent?.({ type: 'target-start', target });
          const record = (a: Alert[]) => {
            crashPoint('outbox-record');
            outbox.record(a, now());
          };
          if (opts.remote) {
            const result = await opts.remote(target, (scraped) => settleScraped(target, scraped, { rules, stateDir: opts.paths.stateDir, now, record }));
            results.push(result);
            opts.onEvent?.({ type: 'target-done', result });
            return;
          }
          let fetcher = fetchers.get(target.fetch.mode);
          if (!fetcher) {
            // The schema only admits registered modes; a miss here is a bug, not a config problem.
            fetcher = makeFetcher(target.fetch.mode, { jobs });
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
              spaceHost: (url, ms) => queues.space(url, ms),
              ...(opts.signal ? { signal: opts.signal } : {}),
            },
            now,
            record,
            onPage: (page) => {
              crashPoint('page-fetched');
              opts.onEvent?.({ type: 'page', target, page });
            },
            ...(opts.accept?.targetId === target.id ? { accept: opts.accept.note ? { note: opts.accept.note } : {} } : {}),
          });
          // Its browser context goes now, not when the idle timer would (the other targets go on).
          await fetcher.release?.(target).catch(() => undefined);
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
export function healthAlerts(r: TargetRunResult, rules: Rules, now: Date, paths: Paths): Alert<ScraperAlertPayload>[] {
  const n = rules.price.notify_ops_after_failures;
  const base = {
    targetId: r.target.id,
    competitor: r.target.competitor,
    file: projectPath(r.target.file, paths),
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

/** A broken config file, to sales ops: named as they know it (scrapers/acme.yaml:7), wherever the agent runs. */
export function configAlert(err: RadarError, now: Date, paths: Paths): Alert<ScraperAlertPayload> {
  const where = err.where ? projectPath(err.where, paths) : 'config';
  return {
    // The same problem is the same alert, whichever folder the command ran in.
    id: `${CONFIG_FILE_ALERT}${where}: ${err.message}`,
    topic: 'scraper',
    audience: { kind: 'ops' },
    createdAt: now.toISOString(),
    payload: {
      state: 'failing',
      targetId: where.replace(/(:\d+)+$/, ''),
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
