import type { Command } from 'commander';
import { errorLine } from '../core/errors.js';
import { createLogger, resolveLogFormat } from '../core/log.js';
import { Daemon } from '../schedule/daemon.js';
import { pathsFrom, setExitCode } from './common.js';

export function register(program: Command): void {
  program
    .command('daemon')
    .description('Run unattended: scrape each target on its schedule, send digests, retry mail, reload config on change.')
    .option('--log <format>', 'json (one object per line on stdout), pretty, or auto: pretty on a terminal', 'auto')
    .option('--run-now', 'run every target once at start, then follow the schedule')
    .option('--schedule <cron>', 'use this cron for every target instead of their own (trying a setup, the demo)')
    .option('--no-watch', 'do not watch scrapers/ and rules/ for changes (SIGHUP still reloads)')
    .addHelpText(
      'after',
      `
Signals: SIGTERM/SIGINT stop gracefully (running targets get daemon.shutdown_grace_seconds),
SIGHUP reloads scrapers/ and rules/ (a broken file keeps its previous version and ops are told),
SIGUSR2 delivers pending mail now (radar outbox retry sends it).
One daemon per state folder: a second one refuses to start. Settings: rules/delivery.yaml.
Exit codes: 0 stopped cleanly, 2 config or lock problem at start.`,
    )
    .action(async (opts: { log: string; runNow?: boolean; schedule?: string; watch: boolean }, cmd: Command) => {
      const log = createLogger({ format: resolveLogFormat(opts.log) });
      const daemon = new Daemon({
        paths: pathsFrom(cmd),
        log,
        ...(opts.runNow ? { runNow: true } : {}),
        ...(opts.schedule ? { scheduleOverride: opts.schedule } : {}),
        watch: opts.watch,
      });
      await daemon.start();
      let abandoned = 0;
      const handlers: [NodeJS.Signals, (sig: NodeJS.Signals) => void][] = [];
      const code = await new Promise<number>((resolve) => {
        let stops = 0;
        const stop = (sig: NodeJS.Signals) => {
          stops++;
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
          try {
            daemon.reload('SIGHUP');
          } catch (e) {
            log.error({ error: errorLine(e) }, 'reload failed; previous config keeps running');
          }
        };
        const usr2 = () => daemon.poke();
        handlers.push(['SIGTERM', stop], ['SIGINT', stop], ['SIGHUP', hup], ['SIGUSR2', usr2]);
        for (const [sig, fn] of handlers) process.on(sig, fn);
      });
      for (const [sig, fn] of handlers) process.removeListener(sig, fn);
      setExitCode(cmd, code);
      // Abandoned runs still hold sockets and timers; their state is safe, so the process ends here.
      if (abandoned) process.exit(code);
    });
}
