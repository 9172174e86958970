/**
 * Who carries out runs and outbox changes. One process writes a state folder at a time (the
 * state lock): a running daemon owns it, and gets the work as a request file plus SIGUSR2, the way
 * `radar outbox retry` hands over; with no daemon, the work is done here, under the lock.
 * `radar daemon --serve` passes its own daemon instead (see daemonOwner in schedule/daemon.ts).
 */
import { hostname } from 'node:os';
import { displayPath, loadRules, type Paths } from '../config/load.js';
import { RadarError } from '../core/errors.js';
import { writeRunRequest } from '../schedule/daemon-requests.js';
import { writeOutboxRequest } from '../schedule/daemon.js';
import { acquireLock, liveHolder } from '../schedule/lock.js';
import type { OutboxMessage } from '../store/outbox.js';
import type { OutboxChanger, RunOutcome, TargetRunner } from './context.js';

/**
 * Hands work to a live daemon on this state folder (a request file, then SIGUSR2); null when there
 * is none. A daemon on another host (coordinators sharing the folder) cannot be signalled from
 * here: it takes the request at its next delivery round.
 */
export function handToDaemon(stateDir: string, req: { action: 'run' | 'retry'; ids: string[] }): { pid: number; host: string | null } | null {
  const holder = liveHolder(stateDir);
  if (!holder || holder.command !== 'daemon') return null;
  leaveRequest(stateDir, req);
  if (holder.host !== hostname()) return { pid: holder.pid, host: holder.host };
  try {
    process.kill(holder.pid, 'SIGUSR2');
  } catch {
    throw new RadarError('usage', `radar daemon (pid ${holder.pid}) could not be signalled; the request waits in ${displayPath(stateDir)}/requests/ for its next delivery round`);
  }
  return { pid: holder.pid, host: null };
}

/** The request file a daemon reads at each delivery round (and on SIGUSR2). */
export function leaveRequest(stateDir: string, req: { action: 'run' | 'retry'; ids: string[] }): void {
  if (req.action === 'run') writeRunRequest(stateDir, { ids: req.ids });
  else writeOutboxRequest(stateDir, { action: 'retry', ids: req.ids });
}

/** Who a handed request went to, in the words "run now" answers with. */
export function handedTo(h: { pid: number; host: string | null }): string {
  return h.host ? `radar daemon (pid ${h.pid} on ${h.host}, at its next delivery round)` : `radar daemon (pid ${h.pid})`;
}

/** Retries messages now, under the lock (no daemon): fresh attempt budget, forced send. */
export async function retryHere(paths: Paths, ids: readonly string[], command = 'outbox'): Promise<{ sent: OutboxMessage[]; failed: { msg: OutboxMessage; error: string }[] }> {
  const [{ Outbox }, { sendPending }, { notifyDelivered }, { makeTransport }, { retryPolicy, DEFAULT_DELIVERY }] = await Promise.all([
    import('../store/outbox.js'),
    import('../deliver/deliver.js'),
    import('../deliver/observers.js'),
    import('../deliver/transport.js'),
    import('../deliver/policy.js'),
  ]);
  const lock = acquireLock(paths.stateDir, command);
  try {
    const outbox = new Outbox(paths.stateDir);
    outbox.retry(ids);
    const rules = loadRules(paths.rulesDir);
    const transport = makeTransport(paths.outboxDir);
    try {
      const r = await sendPending(outbox, transport, { force: true, retry: retryPolicy(rules.delivery ?? DEFAULT_DELIVERY), only: new Set(ids) });
      // The same after-delivery records as a normal round (HR's audit of who received which score).
      for (const msg of r.sent) {
        const alerts = msg.alertIds.map((id) => outbox.data.alerts[id]).filter((a): a is NonNullable<typeof a> => a !== undefined);
        await notifyDelivered({ msg, alerts, stateDir: paths.stateDir, owners: rules.owners, at: new Date() });
      }
      return { sent: r.sent, failed: r.failed };
    } finally {
      transport.close();
    }
  } finally {
    lock.release();
  }
}

/** For `radar serve` on its own: a daemon elsewhere gets requests; without one, work happens here. */
export function localOwner(paths: Paths): TargetRunner & OutboxChanger {
  return {
    async run(ids): Promise<RunOutcome> {
      const handed = handToDaemon(paths.stateDir, { action: 'run', ids: [...ids] });
      if (handed) return { status: 'queued', by: handedTo(handed) };
      const { runAll } = await import('../pipeline/run.js');
      const lock = acquireLock(paths.stateDir, 'serve', (h) => `radar ${h.command} (pid ${h.pid}) is using the state folder right now; try again when it has finished`);
      try {
        // Like the daemon: mail that is due goes out; the daily digest keeps its hour.
        const s = await runAll({ paths, only: [...ids], deliver: 'immediate' });
        return {
          status: 'done',
          targets: s.results.map((r) => ({ id: r.target.id, verdict: r.verdict, items: r.items, failure: r.failure ? `${r.failure.class}: ${r.failure.message}` : null, alerts: r.alerts.length })),
          emails: s.delivery.sent.length,
        };
      } finally {
        lock.release();
      }
    },
    async retry(ids) {
      if (handToDaemon(paths.stateDir, { action: 'retry', ids: [...ids] })) return { status: 'queued', ids: [...ids] };
      const r = await retryHere(paths, ids, 'serve');
      return { status: 'done', ids: r.sent.map((m) => m.id) };
    },
  };
}
