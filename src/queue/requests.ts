/**
 * "Run now" and "retry" from a coordinator standing by (its console) to the leading one, through
 * Redis. The leader may be on another machine: it cannot be signalled, and a request file in the
 * shared state folder waited for its next delivery round (a minute by default) and for the shared
 * folder to show the new file. The leader takes these with its once-a-second look at Redis.
 */
import { keys } from './names.js';
import { connectRedis, type RedisClient } from './redis.js';

export interface LeaderRequest {
  action: 'run' | 'retry';
  ids: string[];
}

/** Requests older than this are dropped unread: nobody led for an hour, and the click is long forgotten. */
const TTL_S = 3600;
/** Taken at most this many per look (a burst of clicks waits a second, not the next round). */
const BATCH = 100;

/** Leaves a request for the leader; false when Redis cannot take it (the caller falls back to the state folder). */
export async function sendToLeader(url: string, req: LeaderRequest): Promise<boolean> {
  let redis: RedisClient | null = null;
  try {
    redis = await connectRedis(url, { name: 'radar-standby-request', blocking: false });
    const r = await redis.multi().rpush(keys.requests, JSON.stringify(req)).expire(keys.requests, TTL_S).exec();
    return !!r && r.every(([err]) => !err);
  } catch {
    return false;
  } finally {
    redis?.disconnect();
  }
}

/**
 * Takes the waiting requests, oldest first (one MULTI: a second leader never takes them too).
 * Its answer also shows Redis is reachable; a failure throws, as a PING would.
 */
export async function takeLeaderRequests(redis: RedisClient, onBad: (raw: string) => void = () => undefined): Promise<LeaderRequest[]> {
  const r = await redis.multi().lrange(keys.requests, 0, BATCH - 1).ltrim(keys.requests, BATCH, -1).exec();
  if (!r) throw new Error('the queue did not answer');
  const [err, raw] = r[0]!;
  if (err) throw err;
  const out: LeaderRequest[] = [];
  for (const s of raw as string[]) {
    try {
      const req = JSON.parse(s) as Partial<LeaderRequest>;
      if ((req.action === 'run' || req.action === 'retry') && Array.isArray(req.ids)) out.push({ action: req.action, ids: req.ids.filter((x): x is string => typeof x === 'string') });
      else onBad(s);
    } catch {
      onBad(s);
    }
  }
  return out;
}
