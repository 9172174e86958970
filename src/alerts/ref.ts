import { createHash } from 'node:crypto';

/**
 * A short, shell-safe handle for an alert (its id holds ':' '>' '@' and runs long), for the
 * commands printed on chat cards: `radar alerts ack 3f9c01d2aa`.
 */
export function alertRef(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 10);
}
