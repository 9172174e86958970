import type { Alert } from '../alerts/model.js';

/**
 * Alerts that repeat the same news get the same cooldown key, and the outbox sends only the first
 * of them within the cooldown. Ids already stop the *same* change from alerting twice; this stops
 * a price flapping 999 ↔ 1099 every run from alerting every run. A topic opts in with one line.
 */
const keys: Record<string, (a: Alert) => string | null> = {
  price(a) {
    const p = a.payload as { change?: string; targetId?: string; key?: string; oldAmount?: number | null; newAmount?: number | null; currency?: string | null };
    if (!p.targetId || !p.key) return null;
    if (p.change === 'changed' && p.oldAmount != null && p.newAmount != null) {
      // Both directions of a flip share the key: 999→1099 and 1099→999 are the same story.
      const [lo, hi] = [p.oldAmount, p.newAmount].sort((x, y) => x - y);
      return `price:${p.targetId}:${p.key}:${lo}|${hi}${p.currency ? ` ${p.currency}` : ''}`;
    }
    // An item dropping out of a listing and coming back is one story too.
    if (p.change === 'added' || p.change === 'removed') return `price:${p.targetId}:${p.key}:listed`;
    return null;
  },
  // An item flapping in and out of stock: each direction once per cooldown.
  stock: (a) => {
    const p = a.payload as { targetId?: string; key?: string; change?: string };
    return p.targetId && p.key ? `stock:${p.targetId}:${p.key}:${p.change}` : null;
  },
};

export function registerCooldownKey(topic: string, fn: (a: Alert) => string | null): void {
  keys[topic] = fn;
}

export function cooldownKey(a: Alert): string | null {
  return keys[a.topic]?.(a) ?? null;
}
