import type { Command } from 'commander';
import { displayPath, loadRules } from '../config/load.js';
import { RadarError } from '../core/errors.js';
import { retryPolicy, DEFAULT_DELIVERY } from '../deliver/policy.js';
import { sendPending } from '../deliver/deliver.js';
import { notifyDelivered } from '../deliver/observers.js';
import { makeTransport } from '../deliver/transport.js';
import { acquireLock } from '../schedule/lock.js';
import { type MessageView, opsView, Outbox, type OutboxMessage } from '../store/outbox.js';
import { localTime, out, pathsFrom, plural, readingZone, sentLine, setExitCode } from './common.js';
import { handOver } from './handover.js';
import { formatTable } from './table.js';

export function register(program: Command): void {
  const cmd = program
    .command('outbox')
    .description('Look at and act on the mail waiting in the outbox: list, retry, purge.')
    .addHelpText(
      'after',
      `
A message is pending until the SMTP server accepts it; failures are retried with backoff
(rules/delivery.yaml retry:) and set aside as dead after the last attempt. Sales ops get a
"mail is stuck" notice. While radar daemon runs, retry and purge are handed to it.`,
    );

  cmd
    .command('list')
    .description('Messages not yet sent (pending, sending, dead) and those sent in the last day; --all for everything.')
    .option('--all', 'every message the outbox remembers')
    .option('--json', 'as JSON')
    .action((opts: { all?: boolean; json?: boolean }, sub: Command) => {
      const paths = pathsFrom(sub);
      const outbox = new Outbox(paths.stateDir);
      const dayAgo = Date.now() - 86_400_000;
      const msgs = Object.values(outbox.data.messages)
        .filter((m) => opts.all || m.status !== 'sent' || Date.parse(m.sentAt ?? m.createdAt) >= dayAgo)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      // HR mail is listed as "an HR email": its subject, recipient and server errors are HR data.
      const shown = msgs.map((m) => ({ m, v: opsView(m, outbox.isHr(m)) }));
      if (opts.json) {
        out(JSON.stringify(shown.map(({ m, v }) => (v.hr ? hrEntry(m, v) : (({ html: _h, text: _t, attachments: _a, ...rest }) => rest)(m))), null, 2));
        return;
      }
      if (!msgs.length) {
        out(opts.all ? 'the outbox is empty' : 'nothing waiting (radar outbox list --all shows sent mail too)');
        return;
      }
      const { zone, note } = readingZone(paths);
      out(
        formatTable(
          ['id', 'status', 'tries', 'to', 'created', 'next / sent', 'subject'],
          shown.map(({ m, v }) => [m.id.slice(0, 12), statusText(m), String(m.attempts), v.to, localTime(m.createdAt, zone), localTime(m.status === 'sent' ? m.sentAt : m.nextAttemptAt, zone), clip(v.subject, 48)]),
        ),
      );
      for (const { m, v } of shown.filter(({ m }) => m.lastError && m.status !== 'sent')) out(`  ${m.id.slice(0, 12)}: ${v.lastError}`);
      const counts = countBy(msgs);
      out(`${plural(msgs.length, 'message')}: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')} (${note})`);
    });

  cmd
    .command('retry')
    .description('Send dead or waiting messages again now, with a fresh attempt budget (all unsent ones if no id is given).')
    .argument('[ids...]', 'message ids or unique prefixes (see radar outbox list)')
    .action(async (ids: string[], _opts: unknown, sub: Command) => {
      const paths = pathsFrom(sub);
      const outbox = new Outbox(paths.stateDir);
      const chosen = ids.length ? resolveIds(outbox, ids) : Object.values(outbox.data.messages).filter((m) => m.status !== 'sent').map((m) => m.id);
      if (!chosen.length) {
        out('nothing to retry');
        return;
      }
      if (handOver(paths.stateDir, { action: 'retry', ids: chosen }, 'message')) return;
      const lock = acquireLock(paths.stateDir, 'outbox');
      try {
        const fresh = new Outbox(paths.stateDir);
        fresh.retry(chosen);
        const rules = loadRules(paths.rulesDir);
        const transport = makeTransport(paths.outboxDir);
        try {
          const r = await sendPending(fresh, transport, { force: true, retry: retryPolicy(rules.delivery ?? DEFAULT_DELIVERY), only: new Set(chosen), channels: rules.owners.channels });
          // The same after-delivery records as a normal round (HR's audit of who received which score).
          for (const msg of r.sent) {
            const alerts = msg.alertIds.map((id) => fresh.data.alerts[id]).filter((a): a is NonNullable<typeof a> => a !== undefined);
            await notifyDelivered({ msg, alerts, stateDir: paths.stateDir, owners: rules.owners, at: new Date() });
          }
          for (const m of r.sent) out(sentLine(m, fresh.isHr(m)));
          for (const f of r.failed) {
            const v = opsView(f.msg, fresh.isHr(f.msg));
            out(`! ${f.msg.id.slice(0, 12)} to ${v.to} not sent (${f.msg.status}): ${v.lastError ?? f.error}`);
          }
          setExitCode(sub, r.failed.length ? 1 : 0);
        } finally {
          transport.close();
        }
      } finally {
        lock.release();
      }
    });

  cmd
    .command('purge')
    .description('Drop messages for good (they are never sent); --dead drops every dead one.')
    .argument('[ids...]', 'message ids or unique prefixes')
    .option('--dead', 'every dead message')
    .action((ids: string[], opts: { dead?: boolean }, sub: Command) => {
      const paths = pathsFrom(sub);
      const outbox = new Outbox(paths.stateDir);
      const chosen = [...resolveIds(outbox, ids), ...(opts.dead ? Object.values(outbox.data.messages).filter((m) => m.status === 'dead').map((m) => m.id) : [])];
      if (!ids.length && !opts.dead) throw new RadarError('usage', 'name the messages to purge (ids from radar outbox list) or pass --dead');
      if (!chosen.length) {
        out('nothing to purge');
        return;
      }
      if (handOver(paths.stateDir, { action: 'purge', ids: chosen }, 'message')) return;
      const lock = acquireLock(paths.stateDir, 'outbox');
      try {
        const box = new Outbox(paths.stateDir);
        const hr = new Set(chosen.filter((id) => box.data.messages[id] && box.isHr(box.data.messages[id])));
        for (const m of box.purge(chosen)) {
          const v = opsView(m, hr.has(m.id));
          out(`purged ${m.id.slice(0, 12)} (${m.status}) to ${v.to}: ${v.subject}`);
        }
      } finally {
        lock.release();
      }
    });
}

function resolveIds(outbox: Outbox, ids: string[]): string[] {
  const all = Object.keys(outbox.data.messages);
  return ids.map((p) => {
    const hits = all.filter((id) => id.startsWith(p));
    if (hits.length === 1) return hits[0]!;
    throw new RadarError('usage', hits.length ? `"${p}" matches ${hits.length} messages; give more characters` : `no message with id "${p}" (see radar outbox list --all)`);
  });
}

/** An HR message in a listing: its state only. Its alert ids would say how many people, and who by pseudonym. */
function hrEntry(m: OutboxMessage, v: MessageView): Record<string, unknown> {
  const { id, status, attempts, createdAt, seq, window, lastAttemptAt, nextAttemptAt, sentAt } = m;
  return { id, hr: true, to: v.to, subject: v.subject, status, attempts, createdAt, seq, window, lastAttemptAt, nextAttemptAt, sentAt, lastError: v.lastError ?? undefined };
}

function statusText(m: OutboxMessage): string {
  return m.status === 'sending' ? 'sending (interrupted)' : m.status;
}

function countBy(msgs: OutboxMessage[]): Record<string, number> {
  const c: Record<string, number> = {};
  for (const m of msgs) c[m.status] = (c[m.status] ?? 0) + 1;
  return c;
}

function clip(s: string, n: number): string {
  return [...s].length > n ? `${[...s].slice(0, n - 1).join('')}…` : s;
}
