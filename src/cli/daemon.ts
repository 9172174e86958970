import { join } from 'node:path';
import type { Command } from 'commander';
import { resolvePaths, type Paths } from '../config/load.js';
import { errorLine } from '../core/errors.js';
import { createLogger, resolveLogFormat, type Logger } from '../core/log.js';
import { Daemon } from '../schedule/daemon.js';
import { configuredQueueUrl } from '../queue/redis.js';
import { parsePort, pathsFrom, readingZone, setExitCode } from './common.js';

/** Every 20 s: the demo should show a digest within a minute, not at 08:00 tomorrow. */
const DEMO_SCHEDULE = '*/20 * * * * *';

export function register(program: Command): void {
  program
    .command('daemon')
    .description('Run unattended: scrape each target on its schedule, send digests, retry mail, reload config on change.')
    .option('--log <format>', 'json (one object per line on stdout), pretty, or auto: pretty on a terminal', 'auto')
    .option('--run-now', 'run every target once at start, then follow the schedule')
    .option('--schedule <cron>', 'use this cron for every target instead of their own (trying a setup, the demo)')
    .option('--no-watch', 'do not watch scrapers/ and rules/ for changes (SIGHUP still reloads)')
    .option('--demo', `the bundled demo: start the local demo shops, run the demo targets every 20 s (or --schedule); prices change after the first round`)
    .option('--serve', 'also serve the web console and REST API in this process (as radar serve; "run now" goes to this daemon, through the queue when coordinating; the targets page shows the queue and its workers)')
    .option('-p, --port <n>', 'port for --serve', parsePort, 8080)
    .option('--host <addr>', 'address for --serve (0.0.0.0 for the whole network)', '127.0.0.1')
    .option('--redis <url>', 'distributed mode: coordinate `radar worker` processes through this Redis (default: $RADAR_REDIS_URL, else daemon.queue in rules/delivery.yaml; none: everything runs in this process)')
    .addHelpText(
      'after',
      `
Signals: SIGTERM/SIGINT stop gracefully (running targets get daemon.shutdown_grace_seconds),
SIGHUP reloads scrapers/ and rules/ (a broken file keeps its previous version and ops are told),
SIGUSR2 delivers pending mail now (radar outbox retry sends it).
One daemon per state folder: a second one refuses to start. Settings: rules/delivery.yaml.
With a queue (--redis, RADAR_REDIS_URL or daemon.queue) the daemon is the coordinator: workers
fetch and read the pages, this process judges, stores and mails. Several coordinators may run
on one Redis (and one shared state folder): one leads, the others stand by and take over.
Exit codes: 0 stopped cleanly, 2 config or lock problem at start.`,
    )
    .action(async (opts: { log: string; runNow?: boolean; schedule?: string; watch: boolean; demo?: boolean; serve?: boolean; port: number; host: string; redis?: string }, cmd: Command) => {
      const format = resolveLogFormat(opts.log);
      // A person reads pretty logs in the zone `status` and the emails use; JSON keeps ISO UTC.
      const log = createLogger({ format, ...(format === 'pretty' ? { timeZone: readingZone(pathsFrom(cmd)).zone } : {}) });
      const url = opts.demo ? null : configuredQueueUrl(pathsFrom(cmd), opts.redis);
      if (url) return coordinate(cmd, url, opts, log);
      const demo = opts.demo ? await startDemo(cmd, log) : null;
      const daemon = new Daemon({
        paths: demo?.paths ?? pathsFrom(cmd),
        log,
        ...(opts.runNow || demo ? { runNow: true } : {}),
        ...(opts.schedule || demo ? { scheduleOverride: opts.schedule ?? DEMO_SCHEDULE } : {}),
        watch: opts.watch,
        ...(demo ? { onTargetRun: demo.onTargetRun, noJitter: true } : {}),
      });
      try {
        await daemon.start();
      } catch (e) {
        await demo?.stop();
        throw e;
      }
      demo?.setTargets(daemon.targetIds());
      // The server (Fastify, routes, console templates) loads only with --serve.
      const server = opts.serve ? await serveFrom(() => daemon, demo?.paths ?? pathsFrom(cmd), opts, log) : null;
      let abandoned = 0;
      const handlers: [NodeJS.Signals, (sig: NodeJS.Signals) => void][] = [];
      const code = await new Promise<number>((resolve) => {
        let stops = 0;
        const stop = (sig: NodeJS.Signals) => {
          stops++;
          // No new requests while the daemon winds down.
          if (stops === 1) void server?.close();
          if (stops > 1) {
            log.warn({ signal: sig }, 'second signal: exiting now');
            abandoned = 1;
            resolve(1);
            return;
          }
          daemon.stop(sig).then(
            (r) => {
              abandoned = r.abandoned.length;
              resolve(0);
            },
            (e) => {
              log.error({ error: errorLine(e) }, 'error while stopping');
              resolve(1);
            },
          );
        };
        const hup = () => {
          daemon.reload('SIGHUP').catch((e: unknown) => log.error({ error: errorLine(e) }, 'reload failed; previous config keeps running'));
        };
        const usr2 = () => daemon.poke();
        handlers.push(['SIGTERM', stop], ['SIGINT', stop], ['SIGHUP', hup], ['SIGUSR2', usr2]);
        for (const [sig, fn] of handlers) process.on(sig, fn);
      });
      for (const [sig, fn] of handlers) process.removeListener(sig, fn);
      await server?.close();
      await demo?.stop();
      setExitCode(cmd, code);
      // Abandoned runs still hold sockets and timers; their state is safe, so the process ends here.
      if (abandoned) process.exit(code);
    });
}

/**
 * The console and API in this process: runs go to this process's daemon (in distributed mode the
 * leading one, which enqueues them for the workers), outbox changes to its outbox. A coordinator
 * standing by has no daemon: it hands the request to the leader through Redis (taken within a
 * second, wherever the leader runs), else leaves it in the shared state folder.
 */
async function serveFrom(daemon: () => Daemon | null, paths: Paths, opts: { port: number; host: string }, log: Logger, queueUrl: string | null = null) {
  const [{ startServer }, { handToDaemon, handedTo, leaveRequest }] = await Promise.all([import('../server/start.js'), import('../service/owner.js')]);
  const here = `this daemon (pid ${process.pid})${queueUrl ? ', through the job queue' : ''}`;
  /** A coordinator standing by: through Redis; without it, the leader (signalled when on this host) takes the request from the state folder. */
  const toLeader = async (req: { action: 'run' | 'retry'; ids: string[] }): Promise<string> => {
    if (queueUrl) {
      const { sendToLeader } = await import('../queue/requests.js');
      if (await sendToLeader(queueUrl, req)) return 'the leading coordinator, through the job queue';
      log.warn({ action: req.action }, 'the queue (Redis) cannot take the request: left in the state folder for the leader');
    }
    const handed = handToDaemon(paths.stateDir, req);
    if (handed) return handedTo(handed);
    leaveRequest(paths.stateDir, req);
    return 'the leading coordinator, at its next delivery round';
  };
  return startServer({
    paths,
    port: opts.port,
    host: opts.host,
    log,
    queueUrl,
    owner: {
      run: async (ids) => {
        const d = daemon();
        if (!d) return { status: 'queued', by: await toLeader({ action: 'run', ids: [...ids] }) };
        d.runNow(ids);
        return { status: 'queued', by: here };
      },
      retry: async (ids) => {
        const d = daemon();
        if (d) return { status: 'queued', ids: d.retryNow(ids) };
        await toLeader({ action: 'retry', ids: [...ids] });
        return { status: 'queued', ids: [...ids] };
      },
    },
  });
}

/** Distributed mode: lead (or stand by), with the same signals as the embedded daemon. */
async function coordinate(cmd: Command, url: string, opts: { runNow?: boolean; schedule?: string; watch: boolean; serve?: boolean; port: number; host: string }, log: Logger): Promise<void> {
  const { leadOrStandBy } = await import('../queue/lead.js');
  const stop = new AbortController();
  let daemon: Daemon | null = null;
  // The console serves from the start, leading or standing by: its queue view shows who leads.
  const server = opts.serve ? await serveFrom(() => daemon, pathsFrom(cmd), opts, log, url) : null;
  let stops = 0;
  const onStop = (sig: NodeJS.Signals) => {
    if (++stops > 1) {
      log.warn({ signal: sig }, 'second signal: exiting now');
      process.exit(1);
    }
    log.info({ signal: sig }, 'stopping');
    // No new requests while the coordinator winds down.
    void server?.close();
    stop.abort();
  };
  const hup = () => void daemon?.reload('SIGHUP').catch((e: unknown) => log.error({ error: errorLine(e) }, 'reload failed; previous config keeps running'));
  const usr2 = () => daemon?.poke();
  const handlers: [NodeJS.Signals, (sig: NodeJS.Signals) => void][] = [['SIGTERM', onStop], ['SIGINT', onStop], ['SIGHUP', hup], ['SIGUSR2', usr2]];
  for (const [sig, fn] of handlers) process.on(sig, fn);
  try {
    const r = await leadOrStandBy({
      url,
      log,
      signal: stop.signal,
      daemon: {
        paths: pathsFrom(cmd),
        ...(opts.runNow ? { runNow: true } : {}),
        ...(opts.schedule ? { scheduleOverride: opts.schedule } : {}),
        watch: opts.watch,
      },
      onLeading: (d) => (daemon = d),
      onStepDown: () => (daemon = null),
    });
    setExitCode(cmd, 0);
    if (r.abandoned) process.exit(0);
  } finally {
    for (const [sig, fn] of handlers) process.removeListener(sig, fn);
    await server?.close();
  }
}

/** The demo shops on 127.0.0.1 (port 8765, or any free one) and the package's own targets and rules. */
async function startDemo(cmd: Command, log: Logger) {
  // Loaded here, not at the top: a production daemon never needs the demo shops (or what `radar demo` imports).
  const [{ startDemoSite }, { PACKAGE_ROOT }] = await Promise.all([import('../demo/start.js'), import('./demo.js')]);
  const o = cmd.optsWithGlobals() as { state?: string };
  const paths = resolvePaths({ home: PACKAGE_ROOT, stateDir: o.state ?? join(PACKAGE_ROOT, 'data', 'state', 'daemon-demo'), outboxDir: join(PACKAGE_ROOT, 'data', 'outbox') });
  const { site, base } = await startDemoSite({ root: PACKAGE_ROOT, wecomDir: join(paths.outboxDir, 'wecom') });
  log.info({ shops: base, state: paths.stateDir, outbox: paths.outboxDir, wecom: join(paths.outboxDir, 'wecom') }, 'demo shops started');
  let targets: string[] | null = null;
  const ran = new Set<string>();
  let changed = false;
  const check = () => {
    if (changed || !targets || !targets.every((id) => ran.has(id))) return;
    changed = true;
    site.applyChanges();
    log.info('demo: competitors changed their prices; the next round alerts (big moves at once, the rest in the daily digest)');
  };
  return {
    paths,
    setTargets(ids: string[]) {
      targets = ids;
      check();
    },
    onTargetRun(id: string) {
      ran.add(id);
      check();
    },
    stop: () => site.stop(),
  };
}
