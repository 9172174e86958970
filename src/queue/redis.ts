/**
 * Where the queue is and how radar talks to it. ioredis (and BullMQ) are loaded here, on first
 * use: embedded mode, and a daemon at rest without a queue, never load them.
 */
import type { Redis, RedisOptions } from 'ioredis';
import { interpolateEnv } from '../config/env.js';
import { loadRules, type Paths } from '../config/load.js';
import { join } from 'node:path';
import { RadarError } from '../core/errors.js';

/**
 * The queue's URL: `--redis`, else RADAR_REDIS_URL, else `daemon.queue` in rules/delivery.yaml.
 * None of them: embedded mode (no Redis). The URL may use ${ENV} for its password.
 */
export function queueUrl(opts: { flag?: string | undefined; env?: NodeJS.ProcessEnv; configured?: string | undefined; where?: string }): string | null {
  const env = opts.env ?? process.env;
  const raw = opts.flag?.trim() || env.RADAR_REDIS_URL?.trim() || opts.configured?.trim();
  if (!raw) return null;
  const url = interpolateEnv(raw, env, opts.where);
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RadarError('config', `queue: "${shownUrl(url)}" is not a URL like redis://host:6379`, opts.where ? { where: opts.where } : {});
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new RadarError('config', `queue: expected a redis:// or rediss:// URL, not ${u.protocol}//`, opts.where ? { where: opts.where } : {});
  return url;
}

/** The queue this installation is configured for (flag, environment, rules/delivery.yaml), or null: embedded. */
export function configuredQueueUrl(paths: Paths, flag?: string, env: NodeJS.ProcessEnv = process.env): string | null {
  let configured: string | undefined;
  if (!flag?.trim() && !env.RADAR_REDIS_URL?.trim()) {
    try {
      configured = loadRules(paths.rulesDir).delivery?.daemon.queue;
    } catch {
      // Broken rules are reported by whoever loads them for real; here they just say nothing about a queue.
    }
  }
  return queueUrl({ flag, env, configured, where: join(paths.rulesDir, 'delivery.yaml') });
}

/** The URL as logs and `radar status` show it: host, port and database, never a password. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
  } catch {
    return '(invalid URL)';
  }
}

export type RedisClient = Redis;

/**
 * A connection. `blocking` ones (BullMQ workers, anything that must wait out an outage) retry
 * every command until Redis is back; the others fail at once while it is down, so the
 * coordinator notices an outage instead of hanging on it.
 */
export async function connectRedis(url: string, opts: { name: string; blocking: boolean }): Promise<RedisClient> {
  const { Redis } = await import('ioredis');
  const options: RedisOptions = {
    connectionName: opts.name,
    // Reconnect quickly at first, then every 2 s: an outage is noticed and left within seconds.
    retryStrategy: (times) => Math.min(100 * times, 2000),
    ...(opts.blocking ? { maxRetriesPerRequest: null } : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 3000 }),
  };
  const client = new Redis(url, options);
  // Errors surface through the commands that fail; an unhandled 'error' event would crash the process.
  client.on('error', () => undefined);
  // Commands of a connection that fails fast fail before it is up, too: give it a moment to come up.
  if (!opts.blocking && client.status !== 'ready') {
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        client.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, 3000);
      client.once('ready', done);
    });
  }
  return client;
}

/** Milliseconds from an environment variable (tests shorten leases and locks), else the default. */
export function envMs(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}
