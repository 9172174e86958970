import type { OutboxMessage } from '../store/outbox.js';

export interface Rate {
  max: number;
  perSeconds: number;
}

/** A little slack for the clocks of sender and service not agreeing on when a request was made. */
const MARGIN_MS = 250;

/**
 * Requests each chat robot took within its window (20 a minute for a WeCom or DingTalk robot ...),
 * so a burst waits instead of being refused. Seeded from the outbox's attempt times, so a run
 * that starts right after another still counts the other's requests.
 */
export class RateLimits {
  private readonly recent = new Map<string, number[]>();
  private seeded = false;

  constructor(private readonly seed: () => OutboxMessage[] = () => []) {}

  /** How long the next request to `key` must wait to stay within every rate (0: now). */
  waitMs(key: string, rates: readonly Rate[], now: Date): number {
    let wait = 0;
    for (const rate of rates) {
      const list = this.window(key, rate, now.getTime());
      if (list.length >= rate.max) wait = Math.max(wait, list[list.length - rate.max]! + rate.perSeconds * 1000 + MARGIN_MS - now.getTime());
    }
    return wait;
  }

  note(key: string, at: Date): void {
    this.load();
    const list = this.recent.get(key) ?? [];
    list.push(at.getTime());
    this.recent.set(key, list);
  }

  private window(key: string, rate: Rate, now: number): number[] {
    this.load();
    const from = now - rate.perSeconds * 1000 - MARGIN_MS;
    return (this.recent.get(key) ?? []).filter((t) => t > from).sort((a, b) => a - b);
  }

  private load(): void {
    if (this.seeded) return;
    this.seeded = true;
    for (const m of this.seed()) {
      if (!m.channel || m.channel === 'email' || !m.lastAttemptAt) continue;
      const list = this.recent.get(m.to) ?? [];
      list.push(Date.parse(m.lastAttemptAt));
      this.recent.set(m.to, list);
    }
  }
}
