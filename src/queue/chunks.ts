/**
 * A run's items beside its result, in chunks of a Redis list: a 100 k-item target is not one
 * 40 MB job payload (BullMQ would copy it through every state change), and the coordinator reads
 * it back a chunk at a time.
 */
import { randomUUID } from 'node:crypto';
import type { Item } from '../kinds/types.js';
import { keys } from './names.js';
import type { ItemsRef } from './protocol.js';
import type { RedisClient } from './redis.js';

export const CHUNK_ITEMS = 1000;
/** Items nobody collected (a coordinator that never came back) are dropped after this. */
const TTL_S = 7 * 24 * 3600;

/** Writes items in chunks, 16 chunks per round trip (a huge target streams rather than building one giant pipeline). */
export async function writeItems(redis: RedisClient, jobId: string, items: readonly Item[]): Promise<ItemsRef> {
  const key = keys.items(jobId, randomUUID());
  const group = CHUNK_ITEMS * 16;
  for (let i = 0; i < items.length; i += group) {
    const batch = redis.pipeline();
    for (let j = i; j < Math.min(items.length, i + group); j += CHUNK_ITEMS) batch.rpush(key, JSON.stringify(items.slice(j, j + CHUNK_ITEMS)));
    for (const [err] of (await batch.exec()) ?? []) if (err) throw err;
  }
  await redis.expire(key, TTL_S);
  return { key, count: items.length };
}

/** Reads the items back, 16 chunks per round trip. Missing or short lists are an error: a run is never settled with part of its items. */
export async function readItems(redis: RedisClient, ref: ItemsRef): Promise<Item[]> {
  const out: Item[] = [];
  for (let start = 0; out.length < ref.count; start += 16) {
    const chunks = await redis.lrange(ref.key, start, start + 15);
    if (!chunks.length) break;
    for (const c of chunks) for (const item of JSON.parse(c) as Item[]) out.push(item);
  }
  if (out.length !== ref.count) throw new Error(`the worker's items are gone from Redis (${out.length} of ${ref.count} found under ${ref.key})`);
  return out;
}

export async function dropItems(redis: RedisClient, ...refs: (ItemsRef | undefined)[]): Promise<void> {
  const ks = refs.filter((r): r is ItemsRef => !!r).map((r) => r.key);
  if (ks.length) await redis.del(...ks).catch(() => undefined);
}
