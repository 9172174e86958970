/**
 * The job queue as the console and the API show it: in distributed mode, the depth of each queue,
 * who leads and every worker with its current jobs (what `radar status` prints); embedded, just
 * that. Ops and admins only: a worker's jobs name targets of every region.
 */
import type { QueueStatus } from '../queue/status.js';
import { requireAction, type Principal } from './access.js';
import type { ServiceContext } from './context.js';

export type QueueView = { mode: 'embedded' } | QueueStatus;

export async function queueView(ctx: ServiceContext, p: Principal | null): Promise<QueueView> {
  requireAction(p, 'targets.run');
  if (!ctx.queueUrl) return { mode: 'embedded' };
  // BullMQ and ioredis load only when a queue is configured.
  const { readQueueStatus } = await import('../queue/status.js');
  return readQueueStatus(ctx.queueUrl, ctx.now());
}

/** Jobs waiting (or delayed) and running across the scrape queues; the results queue is the coordinator's own. */
export function queueTotals(q: QueueStatus & { reachable: true }): { waiting: number; running: number } {
  const scrape = q.queues.filter((x) => x.name !== 'results');
  return { waiting: scrape.reduce((n, x) => n + x.waiting + x.delayed, 0), running: scrape.reduce((n, x) => n + x.active, 0) };
}
