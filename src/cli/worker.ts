import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { loadRules, type Rules } from '../config/load.js';
import { RadarError } from '../core/errors.js';
import { createLogger, resolveLogFormat } from '../core/log.js';
import { configuredQueueUrl } from '../queue/redis.js';
import { pathsFrom, setExitCode } from './common.js';

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new InvalidArgumentError(`expected a whole number from 1 to 256, not ${v}`);
  return n;
}

function group(v: string, prev: string[] = []): string[] {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(v)) throw new InvalidArgumentError(`"${v}" is not a group name (lower-case letters, digits, - and _)`);
  return [...prev, v];
}

export function register(program: Command): void {
  program
    .command('worker')
    .description('Distributed mode: take scrape jobs from the queue (Redis), fetch and read the pages, hand the items back to the coordinator.')
    .option('--redis <url>', 'the queue (default: $RADAR_REDIS_URL, else daemon.queue in rules/delivery.yaml)')
    .option('--browser', 'also take browser targets (mode: browser); needs Chromium on this machine')
    .option('--proxy-group <name>', 'also take targets that require this proxy group (repeatable); this machine sends through that group\'s proxy', group)
    .option('--concurrency <n>', 'jobs at once; a browser worker renders up to 2 pages per job (RADAR_BROWSER_PAGES sets a fixed number)', positiveInt, 4)
    .option('--name <name>', 'how radar status names this worker (default: the host name)')
    .option('--log <format>', 'json (one object per line on stdout), pretty, or auto: pretty on a terminal', 'auto')
    .addHelpText(
      'after',
      `
A worker writes nothing of the state folder: the coordinator (radar daemon with a queue) judges,
diffs, stores and mails. It needs the environment variables the targets refer to (cookies, API
keys, proxies as \${NAME}); --home with the same rules/ lets tender targets skip detail pages
that could never alert. One browser per worker, started on the first browser job.
SIGTERM/SIGINT finish the jobs in hand (up to 30 s), then stop; a job cut off goes to another
worker when its lock expires. Exit codes: 0 stopped, 2 no queue configured or bad options.`,
    )
    .action(async (opts: { redis?: string; browser?: boolean; proxyGroup?: string[]; concurrency: number; name?: string; log: string }, cmd: Command) => {
      const paths = pathsFrom(cmd);
      const url = configuredQueueUrl(paths, opts.redis);
      if (!url) throw new RadarError('usage', 'no queue: pass --redis redis://host:6379, set RADAR_REDIS_URL, or daemon.queue in rules/delivery.yaml');
      const log = createLogger({ format: resolveLogFormat(opts.log) });
      let rules: Rules | undefined;
      try {
        rules = loadRules(paths.rulesDir);
      } catch {
        // No rules/ here: every new item's detail page is followed (up to detail.max_per_run).
      }
      const { RadarWorker } = await import('../queue/worker.js');
      const worker = new RadarWorker({
        url,
        browser: opts.browser ?? false,
        proxyGroups: opts.proxyGroup ?? [],
        concurrency: opts.concurrency,
        log,
        ...(rules ? { rules } : {}),
        ...(opts.name ? { name: opts.name } : {}),
      });
      await worker.start();
      const handlers: [NodeJS.Signals, () => void][] = [];
      await new Promise<void>((resolve) => {
        let stops = 0;
        const stop = () => {
          if (++stops > 1) process.exit(1);
          worker.stop().then(resolve, resolve);
        };
        handlers.push(['SIGTERM', stop], ['SIGINT', stop]);
        for (const [sig, fn] of handlers) process.on(sig, fn);
      });
      for (const [sig, fn] of handlers) process.removeListener(sig, fn);
      setExitCode(cmd, 0);
    });
}
