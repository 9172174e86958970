import type { Alert } from '../alerts/model.js';
import { deliveryRulesSchema, type DeliveryRules } from '../config/delivery-schema.js';
import type { DeliveryWindow, RecordPolicy, RetryPolicy } from '../store/outbox.js';
import { cooldownKey } from './cooldown.js';

export { deliveryRulesSchema, type DeliveryRules } from '../config/delivery-schema.js';

export const DEFAULT_DELIVERY: DeliveryRules = deliveryRulesSchema.parse({});

/** Which window an alert goes out in. */
export function windowOf(a: Alert, rules: DeliveryRules): DeliveryWindow {
  if (a.urgency === 'immediate') return 'immediate';
  for (const r of rules.immediate) {
    if (r.topic !== a.topic) continue;
    if (r.flag !== undefined && (a.payload as Record<string, unknown>)[r.flag] !== true) continue;
    if (r.min_change_percent === undefined) return 'immediate';
    const pct = (a.payload as { deltaPct?: unknown }).deltaPct;
    if (typeof pct === 'number' && Math.abs(pct) >= r.min_change_percent) return 'immediate';
  }
  return 'daily';
}

export function recordPolicy(rules: DeliveryRules): RecordPolicy {
  return { window: (a) => windowOf(a, rules), cooldownKey, cooldownMs: rules.cooldown_hours * 3_600_000 };
}

export function retryPolicy(rules: DeliveryRules): RetryPolicy {
  return { maxAttempts: rules.retry.max_attempts, backoffMs: rules.retry.backoff_minutes.map((m) => m * 60_000) };
}

/** "08:30" → "0 30 8 * * *". */
export function dailyCron(dailyAt: string): string {
  const [h, m] = dailyAt.split(':').map(Number) as [number, number];
  return `0 ${m} ${h} * * *`;
}
