import { InvalidArgumentError, type Command } from 'commander';
import { alertRef } from '../alerts/ref.js';
import { loadRules } from '../config/load.js';
import { RadarError } from '../core/errors.js';
import { isHrAlert } from '../deliver/destinations.js';
import { DEFAULT_DELIVERY, recordPolicy } from '../deliver/policy.js';
import { acquireLock } from '../schedule/lock.js';
import { readAcks } from '../service/alerts.js';
import { Outbox, type StoredAlert } from '../store/outbox.js';
import { out, pathsFrom } from './common.js';
import { handOver } from './handover.js';
import { formatTable } from './table.js';

export function register(program: Command): void {
  const cmd = program
    .command('alerts')
    .description('What was alerted and to whom; acknowledge an alert or mute its item (what chat cards point to).')
    .addHelpText(
      'after',
      `
An alert is named by its ref: the 10 characters chat cards and this list show (or its full id).
HR alerts are not listed or handled here: HR reviews them with radar signals alerts|ack.
While radar daemon runs, ack and mute are handed to it.`,
    );

  cmd
    .command('list')
    .description('Alerts of the last 7 days (--all: everything remembered), newest first, with where each went.')
    .option('--to <key>', 'only those sent to this email address or chat channel')
    .option('--all', 'every alert the outbox remembers')
    .option('--json', 'as JSON')
    .action((opts: { to?: string; all?: boolean; json?: boolean }, sub: Command) => {
      const outbox = new Outbox(pathsFrom(sub).stateDir);
      const consoleAcks = readAcks(pathsFrom(sub).stateDir);
      const since = Date.now() - 7 * 86_400_000;
      const list = Object.values(outbox.data.alerts)
        .filter((a) => !isHrAlert(a))
        .filter((a) => opts.all || Date.parse(a.recordedAt) >= since)
        .filter((a) => !opts.to || a.delivered[opts.to])
        .sort((a, b) => b.recordedAt.localeCompare(a.recordedAt) || a.id.localeCompare(b.id));
      if (opts.json) {
        out(JSON.stringify(list.map((a) => ({ ref: alertRef(a.id), id: a.id, topic: a.topic, recordedAt: a.recordedAt, what: what(a), to: Object.keys(a.delivered), state: state(a, consoleAcks), payload: a.payload })), null, 2));
        return;
      }
      if (!list.length) {
        out(opts.all ? 'no alerts' : 'no alerts in the last 7 days (radar alerts list --all for older ones)');
        return;
      }
      out(formatTable(['ref', 'recorded', 'topic', 'what', 'to', 'state'], list.map((a) => [alertRef(a.id), a.recordedAt.slice(0, 16).replace('T', ' '), a.topic, clip(what(a), 40), Object.keys(a.delivered).join(', ') || '-', state(a, consoleAcks)])));
      out(`${list.length} alerts`);
    });

  cmd
    .command('ack')
    .description('Mark alerts as seen (shown in this list and, once it exists, in the console).')
    .argument('<refs...>', 'alert refs (from a chat card or radar alerts list) or ids')
    .option('--note <text>', 'what was done about it')
    .action((refs: string[], opts: { note?: string }, sub: Command) => {
      const paths = pathsFrom(sub);
      const ids = resolve(new Outbox(paths.stateDir), refs);
      if (handOver(paths.stateDir, { action: 'ack', ids, ...(opts.note ? { note: opts.note } : {}) }, 'alert')) return;
      const lock = acquireLock(paths.stateDir, 'alerts');
      try {
        for (const a of new Outbox(paths.stateDir).ack(ids, new Date(), opts.note)) out(`acknowledged ${alertRef(a.id)} (${a.topic}: ${what(a)})`);
      } finally {
        lock.release();
      }
    });

  const mute = (sub: Command, refs: string[], days: number) => {
    const paths = pathsFrom(sub);
    const ids = resolve(new Outbox(paths.stateDir), refs);
    const until = new Date(Date.now() + days * 86_400_000);
    if (handOver(paths.stateDir, { action: 'mute', ids, until: until.toISOString() }, 'alert item')) return;
    const lock = acquireLock(paths.stateDir, 'alerts');
    try {
      const outbox = new Outbox(paths.stateDir);
      outbox.policy = recordPolicy(loadRules(paths.rulesDir).delivery ?? DEFAULT_DELIVERY);
      for (const id of ids) {
        const done = outbox.mute(id, until, new Date());
        const a = outbox.data.alerts[id]!;
        if (!done) throw new RadarError('usage', `${alertRef(id)} (${a.topic}) is not about an item that can be muted`);
        out(days > 0 ? `muted ${done.key} until ${done.mute.until.slice(0, 16).replace('T', ' ')} (from ${alertRef(id)})` : `unmuted ${done.key}`);
      }
    } finally {
      lock.release();
    }
  };

  cmd
    .command('mute')
    .description("Send no alerts about this alert's item (a product, a tender, a product against one competitor) for a while.")
    .argument('<refs...>', 'alert refs or ids')
    .option('--days <n>', 'how long', (v) => positive(v), 7)
    .action((refs: string[], opts: { days: number }, sub: Command) => mute(sub, refs, opts.days));

  cmd
    .command('unmute')
    .description("Alerts about this alert's item are sent again.")
    .argument('<refs...>', 'alert refs or ids')
    .action((refs: string[], _opts: unknown, sub: Command) => mute(sub, refs, 0));
}

function positive(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`not a positive number of days: ${v}`);
  return n;
}

/** Refs (or ids) → alert ids; HR alerts are not handled here. */
function resolve(outbox: Outbox, refs: string[]): string[] {
  const all = Object.values(outbox.data.alerts);
  return refs.map((r) => {
    const hits = all.filter((a) => a.id === r || alertRef(a.id).startsWith(r.toLowerCase()));
    if (hits.length !== 1) throw new RadarError('usage', hits.length ? `"${r}" matches ${hits.length} alerts; give more characters` : `no alert "${r}" (see radar alerts list --all)`);
    if (isHrAlert(hits[0]!)) throw new RadarError('usage', `"${r}" is an HR alert: HR reviews it with radar signals ack`);
    return hits[0]!.id;
  });
}

function what(a: StoredAlert): string {
  const p = a.payload as Record<string, unknown>;
  const s = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : null);
  return [s('competitor'), s('name') ?? s('title') ?? s('sku') ?? s('key') ?? s('targetId') ?? s('message')].filter(Boolean).join(' ');
}

function state(a: StoredAlert, consoleAcks: Record<string, { at: string }>): string {
  if (a.suppressed) return a.suppressed.startsWith('muted') ? 'muted' : 'suppressed';
  // Acknowledged here, from a chat card, or in the console: the same alert, seen.
  const acked = a.acked ?? consoleAcks[a.id];
  if (acked) return `acked ${acked.at.slice(0, 10)}`;
  return Object.keys(a.delivered).length ? 'sent' : 'waiting';
}

function clip(s: string, n: number): string {
  return [...s].length > n ? `${[...s].slice(0, n - 1).join('')}…` : s;
}
