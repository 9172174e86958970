import type { Alert } from './model.js';

/**
 * The 比价 table travels as an alert (recorded, routed, sent exactly once like any other), but it is
 * a report on a cadence, not news: summaries and logs count it as a table per region, never as an
 * alert, so "0 alerts, 1 price table" reads as what happened.
 */
export const PRICE_TABLE_TOPIC = 'pricetable';

/** The alerts that are news, and the regions a price table was made for (one per region, whoever gets it). */
export function splitTables(found: readonly Alert[]): { alerts: Alert[]; tables: string[] } {
  const alerts: Alert[] = [];
  const tables = new Set<string>();
  for (const a of found) {
    if (a.topic !== PRICE_TABLE_TOPIC) alerts.push(a);
    else tables.add(a.audience.kind === 'region' ? a.audience.region : a.id);
  }
  return { alerts, tables: [...tables] };
}
