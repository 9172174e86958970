/**
 * The queue as `radar status` and the console show it: jobs waiting and running per queue, who
 * leads, and each worker with the jobs in its hands.
 */
import { keys, PREFIX, RESULTS_QUEUE } from './names.js';
import type { WorkerBeat } from './protocol.js';
import { connectRedis, envMs, shownUrl } from './redis.js';

export interface QueueDepth {
  name: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

export interface WorkerView extends WorkerBeat {
  /** No heartbeat for a while: gone without saying goodbye (its jobs return to the queue when their locks expire). */
  stale: boolean;
}

export type QueueStatus =
  | { mode: 'distributed'; reachable: true; url: string; leader: { host: string; pid: number; since: string } | null; queues: QueueDepth[]; workers: WorkerView[] }
  | { mode: 'distributed'; reachable: false; url: string; error: string };

/** Reads the queue's state; an unreachable Redis is an answer too, not an exception. */
export async function readQueueStatus(url: string, now: Date = new Date()): Promise<QueueStatus> {
  const redis = await connectRedis(url, { name: 'radar-status', blocking: false });
  try {
    await redis.ping();
    const names = (await redis.smembers(keys.queues)).sort();
    const { Queue } = await import('bullmq');
    const queues: QueueDepth[] = [];
    for (const name of [...names, RESULTS_QUEUE]) {
      const q = new Queue(name, { connection: redis, prefix: PREFIX });
      try {
        const c = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized');
        queues.push({ name, waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0, completed: c.completed ?? 0 });
      } finally {
        await q.close().catch(() => undefined);
      }
    }
    const staleMs = envMs('RADAR_WORKER_STALE_MS', 30_000);
    const workers: WorkerView[] = Object.values(await redis.hgetall(keys.workers))
      .map((v) => JSON.parse(v) as WorkerBeat)
      .map((w) => ({ ...w, stale: now.getTime() - Date.parse(w.seenAt) > staleMs }))
      .sort((a, b) => a.id.localeCompare(b.id));
    // Workers gone for an hour are forgotten.
    const gone = workers.filter((w) => now.getTime() - Date.parse(w.seenAt) > 3_600_000).map((w) => w.id);
    if (gone.length) await redis.hdel(keys.workers, ...gone);
    const leaderHeld = await redis.get(keys.leader);
    const info = leaderHeld ? await redis.get(keys.leaderInfo) : null;
    return {
      mode: 'distributed',
      reachable: true,
      url: shownUrl(url),
      leader: info ? (JSON.parse(info) as { host: string; pid: number; since: string }) : null,
      queues,
      workers: workers.filter((w) => !gone.includes(w.id)),
    };
  } catch (e) {
    return { mode: 'distributed', reachable: false, url: shownUrl(url), error: e instanceof Error ? e.message : String(e) };
  } finally {
    redis.disconnect();
  }
}
