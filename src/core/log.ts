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
  /** Pretty only: the zone its clock times are in (rules/owners.yaml time_zone); JSON keeps ISO UTC. */
  timeZone?: string;
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
    // One line per event for a person at a terminal: a target run's seven fields on seven lines
    // were noise. Its fields follow the message as key=value; the known events say it in words,
    // with every field only at debug level.
    const detailed = ['debug', 'trace'].includes(base.level);
    const zone = opts.timeZone;
    // A target run is its one closing line; what it said on the way shows only at debug level.
    const hooks: pino.LoggerOptions['hooks'] = detailed
      ? {}
      : {
          logMethod(args, method) {
            if (!isRunDetail(args[0], args[1])) method.apply(this, args);
          },
        };
    // Synchronous, so the last lines before a crash or exit are on screen.
    const stream = pretty({
      destination: (opts.destination as NodeJS.WritableStream | undefined) ?? 2,
      sync: true,
      colorize: opts.destination ? false : Boolean(process.stderr.isTTY),
      ignore: 'pid,hostname',
      hideObject: true,
      messageFormat: (log, key) => prettyLine(log as Record<string, unknown>, key, detailed),
      ...(zone ? { translateTime: false, customPrettifiers: { time: (t: string | object) => clockIn(String(t), zone) } } : { translateTime: 'SYS:HH:MM:ss' }),
    });
    return pino({ ...base, hooks }, stream);
  }
  const dest = opts.destination ?? pino.destination({ dest: 1, sync: true });
  return pino(base, dest as pino.DestinationStream);
}

/** A logger that drops everything (library use and tests that do not look at logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/**
 * Events a target run's closing line ("acme ✓ 12 items …", "target run failed") says again: in
 * pretty mode they show only at debug level. JSON keeps them (a collector counts starts and ends).
 */
function isRunDetail(obj: unknown, msg: unknown): boolean {
  if (typeof obj !== 'object' || obj === null) return false;
  const job = (obj as { job?: unknown }).job;
  return msg === 'run started' && typeof job === 'string' && job.startsWith('target:');
}

const HIDDEN = new Set(['pid', 'hostname', 'level', 'time', 'msg']);

function fieldText(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

const count = (n: unknown, one: string) => `${String(n)} ${n === 1 ? one : `${one}s`}`;

/** Words for the events a person watches most; anything else is its message and its fields. */
function prettyLine(log: Record<string, unknown>, key: string, detailed: boolean): string {
  const msg = String(log[key] ?? '');
  const fields = Object.entries(log).filter(([k, v]) => !HIDDEN.has(k) && k !== key && v !== undefined);
  const all = fields.map(([k, v]) => `${k}=${fieldText(v)}`).join(' ');
  let short: string | null = null;
  if (msg === 'target run') short = `${String(log.target)} ✓ ${count(log.items, 'item')}, ${count(log.pages, 'page')}, ${count(log.alerts, 'alert')} (${seconds(log.ms)})`;
  else if (msg === 'found across targets') short = `${String(log.analyser)} (across targets): ${count(log.alerts, 'alert')}${log.tables ? `, ${count(log.tables, 'price table')}` : ''}`;
  else if (msg === 'passes across targets') short = `passes across targets after ${count(log.runs, 'target run')} (${seconds(log.ms)})`;
  else if (msg === 'target run failed') short = `${String(log.target)} ✗ ${String(log.failure ?? 'failed')}: ${String(log.message ?? '')} (${seconds(log.ms)})`;
  if (short) return detailed ? `${short}  ${all}` : short;
  return all ? `${msg}  ${all}` : msg;
}

function seconds(ms: unknown): string {
  return typeof ms === 'number' ? `${(ms / 1000).toFixed(1)} s` : '-';
}

/** HH:MM:SS of an ISO time in a zone. */
function clockIn(iso: string, timeZone: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(d);
}
