/**
 * Starting the server for `radar serve` and `radar daemon --serve`. Loaded only by them, so a
 * daemon without --serve never loads Fastify, the routes or the console templates.
 */
import type { Paths } from '../config/load.js';
import type { Logger } from '../core/log.js';
import type { OutboxChanger, TargetRunner } from '../service/context.js';
import { buildApp, type App } from './app.js';

export interface ServeOptions {
  paths: Paths;
  port: number;
  host: string;
  owner: TargetRunner & OutboxChanger;
  log?: Logger;
  /** Distributed mode: the queue whose depth and workers the console and /api/queue show. */
  queueUrl?: string | null;
  secureCookies?: boolean;
  trustProxy?: boolean;
}

export interface RunningServer {
  url: string;
  app: App;
  close(): Promise<void>;
}

export async function startServer(o: ServeOptions): Promise<RunningServer> {
  const app = await buildApp({
    ctx: { paths: o.paths, now: () => new Date(), runner: o.owner, outbox: o.owner, ...(o.queueUrl ? { queueUrl: o.queueUrl } : {}) },
    ...(o.secureCookies !== undefined ? { secureCookies: o.secureCookies } : {}),
    ...(o.trustProxy ? { trustProxy: true } : {}),
  });
  const address = await app.listen({ port: o.port, host: o.host });
  const url = address.replace('://[::1]', '://localhost').replace('://0.0.0.0', '://localhost');
  o.log?.info({ url }, 'console and API listening');
  return { url, app, close: () => app.close() };
}
