import { join } from 'node:path';
import type { Command } from 'commander';
import { resolvePaths, type Paths } from '../config/load.js';
import { loadUsers } from '../service/users.js';
import { localOwner } from '../service/owner.js';
import { startServer } from '../server/start.js';
import { configuredQueueUrl } from '../queue/redis.js';
import { err, out, parsePort, pathsFrom } from './common.js';

export function register(program: Command): void {
  program
    .command('serve')
    .description('Serve the web console and the REST API (OpenAPI at /api/openapi.json) on one port, on the same state and config as the CLI and daemon.')
    .option('-p, --port <n>', 'port (0 = any free one)', parsePort, 8080)
    .option('--host <addr>', 'address to listen on (0.0.0.0 for the whole network)', '127.0.0.1')
    .option('--demo', 'the console on the state `npm start` left (data/state/demo), with the demo shops running so targets can be tried')
    .option('--secure-cookies', 'mark the session cookie Secure (when served over HTTPS, e.g. behind a proxy)')
    .option('--trust-proxy', 'trust X-Forwarded-For / -Proto from a reverse proxy')
    .addHelpText(
      'after',
      `
Users: radar users add NAME --role admin|ops|hr|head|manager (see radar users --help).
While radar daemon runs on the same state, "run now" and "resend" are handed to it;
without one, the server runs them itself. Stop with Ctrl-C.`,
    )
    .action(async (opts: { port: number; host: string; demo?: boolean; secureCookies?: boolean; trustProxy?: boolean }, cmd: Command) => {
      let paths: Paths = pathsFrom(cmd);
      let stopDemo: (() => Promise<void>) | null = null;
      if (opts.demo) {
        const { PACKAGE_ROOT } = await import('./demo.js');
        const o = cmd.optsWithGlobals() as { state?: string };
        paths = resolvePaths({ home: PACKAGE_ROOT, stateDir: o.state ?? join(PACKAGE_ROOT, 'data', 'state', 'demo'), outboxDir: join(PACKAGE_ROOT, 'data', 'outbox') });
        const { startDemoSite } = await import('../demo/start.js');
        const demo = await startDemoSite({ root: PACKAGE_ROOT });
        // The shops as they were at the end of `npm start` (after the price changes).
        demo.site.applyChanges();
        out(`demo shops: ${demo.base}`);
        stopDemo = demo.stop;
      }
      if (Object.keys(loadUsers(paths.stateDir).users).length === 0) {
        err(`no console users yet in ${paths.stateDir}: add one with  radar users add NAME --role admin${opts.demo ? '  (or run npm start first)' : ''}`);
      }
      // Beside a coordinator (distributed mode), the targets page shows its queue and workers too.
      const queueUrl = configuredQueueUrl(paths);
      const server = await startServer({ paths, port: opts.port, host: opts.host, owner: localOwner(paths), queueUrl, ...(opts.secureCookies ? { secureCookies: true } : {}), ...(opts.trustProxy ? { trustProxy: true } : {}) });
      out(`console: ${server.url}/   API: ${server.url}/api/ (OpenAPI: ${server.url}/api/openapi.json)`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
      await stopDemo?.();
    });
}
