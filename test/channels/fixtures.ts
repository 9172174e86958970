import type { Alert } from '../../src/alerts/model.js';
import type { PriceAlertPayload } from '../../src/kinds/price.js';

/** A price move in a region, as the price kind would raise it. */
export function priceAlert(region: string, key: string, from: number, to: number, at = '2026-05-01T00:00:00.000Z', extra: Partial<PriceAlertPayload> = {}): Alert<PriceAlertPayload> {
  const deltaPct = Math.round(((to - from) / from) * 10000) / 100;
  return {
    id: `price:${region}-shop:${key}:${from}->${to}@${at}`,
    topic: 'price',
    audience: { kind: 'region', region },
    createdAt: at,
    payload: {
      change: 'changed',
      targetId: `${region}-shop`,
      competitor: 'Acme',
      region,
      key,
      name: `空调 ${key}`,
      url: `https://shop.example.com/item/${key}`,
      currency: 'CNY',
      oldAmount: from,
      newAmount: to,
      deltaAbs: to - from,
      deltaPct,
      from: false,
      ...extra,
    },
  };
}

/** An attrition alert: HR data. */
export function attritionAlert(n: number, at = '2026-05-01T00:00:00.000Z'): Alert {
  return {
    id: `attrition:p${n}:2026-W18`,
    topic: 'attrition',
    audience: { kind: 'hr' },
    createdAt: at,
    payload: { personId: `p${n}`, name: `员工${n}`, department: '华东销售', score: 80 + n, trend: [], drivers: ['缺勤 3 天'], week: '2026-W18' },
  };
}
