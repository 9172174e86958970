import type { Alert } from './model.js';

/** The target and item an alert is about, where it is about one (price, tender, job, scraper, comparison). */
export interface AlertSubject {
  targetId: string | null;
  key: string | null;
}

/**
 * Read from the payload by the names every kind uses (`targetId`, `key`); a comparison alert names
 * its competitor, whose offer in the comparison row says which target and item it came from.
 */
export function alertSubject(a: Pick<Alert, 'topic' | 'payload'>): AlertSubject {
  const p = a.payload as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
  if (a.topic === 'comparison') {
    const row = p.row as { competitors?: { competitor: string; targetId: string; key: string }[] } | null | undefined;
    const c = row?.competitors?.find((x) => x.competitor === p.competitor);
    return { targetId: c?.targetId ?? null, key: c?.key ?? str(p.key) };
  }
  return { targetId: str(p.targetId), key: str(p.key) };
}
