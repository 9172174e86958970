/**
 * `radar daemon` in distributed mode: wait for the lease, then run the daemon with the
 * coordinator as its dispatcher for as long as the lease holds. Losing it (another coordinator
 * took it while this one could not reach Redis) stops the daemon and goes back to waiting.
 */
import type { Logger } from '../core/log.js';
import { Daemon, type DaemonOptions } from '../schedule/daemon.js';
import { DEFAULT_DELIVERY } from '../deliver/policy.js';
import { createCoordinator } from './coordinator.js';
import { Leadership } from './leader.js';
import { connectRedis, envMs, shownUrl } from './redis.js';

export interface LeadOptions {
  url: string;
  log: Logger;
  daemon: Omit<DaemonOptions, 'dispatcher' | 'lockStaleAfterMs' | 'log'>;
  /** Aborted on SIGTERM/SIGINT: stop leading (or waiting) and return. */
  signal: AbortSignal;
  /** Each time this process starts leading (tests and the CLI's SIGHUP/SIGUSR2 need the daemon). */
  onLeading?: (daemon: Daemon) => void;
  /** Each time it stops leading (stopped, or the lead was lost): that daemon no longer runs anything. */
  onStepDown?: () => void;
}

/** Resolves when stopped; `abandoned` counts runs cut off by the last stop. */
export async function leadOrStandBy(o: LeadOptions): Promise<{ abandoned: number }> {
  const ttlMs = envMs('RADAR_LEADER_TTL_MS', 10_000);
  const renewMs = envMs('RADAR_LEADER_RENEW_MS', Math.max(200, Math.round(ttlMs / 3)));
  const redis = await connectRedis(o.url, { name: 'radar-leader', blocking: false });
  let abandoned = 0;
  try {
    while (!o.signal.aborted) {
      let lost: () => void = () => undefined;
      const lostLease = new Promise<'lost'>((resolve) => (lost = () => resolve('lost')));
      const lease = new Leadership(redis, { ttlMs, renewMs }, (e) => {
        if (e.type === 'lost') lost();
        else if (e.type === 'unreachable') o.log.warn({ queue: shownUrl(o.url), error: e.error }, 'cannot renew the lead (Redis unreachable): still leading, nobody else can take it meanwhile');
        else if (e.type === 'retaken') o.log.info('the lead lapsed while Redis was away: taken again');
      });
      try {
        await lease.acquire(o.signal, (holder) =>
          o.log.info({ queue: shownUrl(o.url), leader: holder }, holder ? 'another coordinator leads: standing by to take over' : 'waiting to lead'),
        );
      } catch {
        break; // stopped while waiting
      }
      o.log.info({ queue: shownUrl(o.url) }, 'leading: this coordinator schedules and settles the runs');
      let daemon: Daemon | null = null;
      const coordinator = await createCoordinator({
        url: o.url,
        log: o.log,
        stateDir: o.daemon.paths.stateDir,
        concurrency: DEFAULT_DELIVERY.daemon.concurrency,
        onOrphan: (id, scraped) => daemon!.settleElsewhere(id, scraped),
        onOwed: (id, slot) => void daemon!.runFor(id, slot).catch((e: unknown) => o.log.error({ target: id, error: String(e) }, 'owed run failed')),
        notify: (alerts) => daemon!.recordOps(alerts),
        onRequest: (req) => {
          if (req.action === 'retry') o.log.info({ action: 'retry', messages: daemon!.retryNow(req.ids) }, 'outbox retry requested by a standby coordinator');
          else daemon!.runNow(req.ids).forEach((queued, i) => o.log.info({ target: req.ids[i], queued, from: 'standby' }, 'run requested'));
        },
      });
      await coordinator.connect();
      daemon = new Daemon({ ...o.daemon, log: o.log, dispatcher: coordinator, lockStaleAfterMs: ttlMs * 2 });
      try {
        await daemon.start();
      } catch (e) {
        // The state folder is still held (the previous leader on another host has not let go): give the lead back and wait.
        o.log.error({ error: e instanceof Error ? e.message : String(e) }, 'cannot take the state folder yet; standing by');
        await coordinator.close();
        await lease.release();
        await new Promise((r) => setTimeout(r, renewMs));
        continue;
      }
      coordinator.setConcurrency(daemon.concurrency);
      await coordinator.run();
      o.onLeading?.(daemon);
      const stopped = new Promise<'stop'>((resolve) => (o.signal.aborted ? resolve('stop') : o.signal.addEventListener('abort', () => resolve('stop'), { once: true })));
      const why = await Promise.race([lostLease, stopped]);
      if (why === 'lost') o.log.error('another coordinator took the lead: stepping down');
      o.onStepDown?.();
      const r = await daemon.stop(why === 'lost' ? 'lost the lead' : 'stop');
      abandoned = r.abandoned.length;
      await coordinator.close();
      await lease.release();
    }
  } finally {
    redis.disconnect();
  }
  return { abandoned };
}
