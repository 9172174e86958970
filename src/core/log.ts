import { createRequire } from 'node:module';
import pino, { type Logger } from 'pino';

// Loaded on first use: pino-pretty (with its colour and date libraries) is only for a person at a
// terminal; a service logging JSON never needs it.
const requireLazy = createRequire(import.meta.url);
const pretty = (opts: import('pino-pretty').PrettyOptions) => (requireLazy('pino-pretty') as typeof import('pino-pretty'))(opts);

export type { Logger };
export type LogFormat = 'json' | 'pretty';

export interface LogOptions {
  /** json (default for services: one object per line on stdout, for journald or a collector) or pretty. */
  format?: LogFormat;
  level?: string;
  /** Where lines go; defaults to stdout for json, stderr for pretty. */
  destination?: NodeJS.WritableStream;
}

/**
 * Never log secrets: SMTP URLs carry passwords and fetch headers carry cookies. Paths are pino's
 * redact syntax; values are replaced, the keys stay so a reader sees something was there.
 */
export const REDACT_PATHS = [
  'smtpUrl',
  '*.smtpUrl',
  'password',
  '*.password',
  'pass',
  '*.pass',
  'auth',
  '*.auth',
  'cookies',
  '*.cookies',
  'headers.cookie',
  '*.headers.cookie',
  'headers.authorization',
  '*.headers.authorization',
  'headers["set-cookie"]',
  '*.headers["set-cookie"]',
];

/** `--log auto` picks pretty when a person is watching (stderr is a terminal), JSON otherwise. */
export function resolveLogFormat(opt: string | undefined, isTTY = Boolean(process.stderr.isTTY)): LogFormat {
  if (opt === 'json' || opt === 'pretty') return opt;
  return isTTY ? 'pretty' : 'json';
}

export function createLogger(opts: LogOptions = {}): Logger {
  const format = opts.format ?? 'json';
  const base = {
    level: opts.level ?? process.env.RADAR_LOG_LEVEL ?? 'info',
    base: { pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Error objects keep their message and class, never a config object hanging off them.
    serializers: { err: pino.stdSerializers.err },
  };
  if (format === 'pretty') {
    // Synchronous, so the last lines before a crash or exit are on screen.
    const stream = pretty({ destination: (opts.destination as NodeJS.WritableStream | undefined) ?? 2, sync: true, colorize: opts.destination ? false : Boolean(process.stderr.isTTY), translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' });
    return pino(base, stream);
  }
  const dest = opts.destination ?? pino.destination({ dest: 1, sync: true });
  return pino(base, dest as pino.DestinationStream);
}

/** A logger that drops everything (library use and tests that do not look at logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
