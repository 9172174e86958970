/**
 * What in the price index is news for a regional head:
 *
 * - undercut: a competitor is at least X % cheaper than us (X per category);
 * - floor: a competitor's price on a matched product is below the floor we set (MAP-style);
 * - most_expensive: we are dearer than every one of at least N matched competitors.
 *
 * Ids carry the prices, so the same situation alerts once however often the agent runs, and a
 * new lower price alerts again. A competitor raising a price while still undercutting us is not
 * news (its previous price undercut us too). Only confirmed matches are in the index, so a fuzzy
 * suggestion can never alert.
 */
import type { Alert } from '../alerts/model.js';
import type { OwnersRules } from '../config/rules-schema.js';
import { undercutPercent, type CompareRules } from './config.js';
import { matchesYamlLine, type Match } from './match.js';
import type { OurProduct, Problem } from './pricelist.js';
import { deltaPct, type CompetitorPrice, type CompetitorSummary, type IndexRow, type PriceIndex } from './price-index.js';

export type ComparisonRule = 'undercut' | 'floor' | 'most_expensive' | 'problem';

export interface ComparisonAlertPayload {
  rule: ComparisonRule;
  region: string | null;
  sku: string | null;
  /** The competitor this alert is about (undercut, floor). */
  competitor: string | null;
  key: string | null;
  amount: number | null;
  deltaPct: number | null;
  /** Undercut %, floor amount, or minimum number of competitors. */
  threshold: number | null;
  /** The whole comparison row at the time of the alert: our price and every competitor's. */
  row: IndexRow | null;
  /** Per competitor in the region: matched SKUs and how many they undercut. */
  summary: CompetitorSummary[];
  /** The region's display names (rules/owners.yaml), for recipients of several regions. */
  regionName: { zh: string | null; en: string | null } | null;
  /** Problems with the price list or rules/matches.yaml (for sales ops). */
  where: string | null;
  message: string | null;
}

const empty = { regionName: null, region: null, sku: null, competitor: null, key: null, amount: null, deltaPct: null, threshold: null, row: null, summary: [], where: null, message: null };

export function comparisonAlerts(index: PriceIndex, rules: CompareRules, now: Date, owners?: OwnersRules): Alert<ComparisonAlertPayload>[] {
  const at = now.toISOString();
  const out: Alert<ComparisonAlertPayload>[] = [];
  const make = (row: IndexRow, id: string, p: Partial<ComparisonAlertPayload> & { rule: ComparisonRule }): Alert<ComparisonAlertPayload> => ({
    id,
    topic: 'comparison',
    audience: { kind: 'region', region: row.region },
    createdAt: at,
    payload: {
      ...empty,
      ...p,
      region: row.region,
      regionName: { zh: owners?.regions[row.region]?.name ?? null, en: owners?.regions[row.region]?.name_en ?? null },
      sku: row.sku,
      row,
      summary: index.competitors.filter((s) => s.region === row.region),
    },
  });
  const about = (c: CompetitorPrice) => ({ competitor: c.competitor, key: c.key, amount: c.amount, deltaPct: c.deltaPct });

  for (const row of index.rows) {
    const x = undercutPercent(rules, row.category);
    for (const c of row.competitors) {
      const undercuts = (amount: number) => deltaPct(amount, row.ourPrice) <= -x;
      if (undercuts(c.amount) && !(c.previousAmount !== null && c.amount > c.previousAmount && undercuts(c.previousAmount))) {
        out.push(make(row, `compare:undercut:${row.region}:${row.sku}:${c.targetId}:${c.key}:${c.amount}@${row.ourPrice}`, { rule: 'undercut', threshold: x, ...about(c) }));
      }
      const floor = rules.floors[row.sku];
      if (floor !== undefined && c.amount < floor && !(c.previousAmount !== null && c.amount > c.previousAmount && c.previousAmount < floor)) {
        out.push(make(row, `compare:floor:${row.region}:${row.sku}:${c.targetId}:${c.key}:${c.amount}@${floor}`, { rule: 'floor', threshold: floor, ...about(c) }));
      }
    }
    const n = rules.most_expensive.min_competitors;
    if (row.mostExpensive && row.competitors.length >= n) {
      out.push(make(row, `compare:most-expensive:${row.region}:${row.sku}:${row.ourPrice}:${row.competitors.length}`, { rule: 'most_expensive', threshold: n }));
    }
  }
  return out;
}

/** Bad price-list rows and broken matches go to sales ops, once per distinct problem. */
export function problemAlerts(problems: readonly Problem[], now: Date): Alert<ComparisonAlertPayload>[] {
  return problems.map((p) => ({
    id: `compare:problem:${p.where}:${p.message}`,
    topic: 'comparison',
    audience: { kind: 'ops' },
    createdAt: now.toISOString(),
    payload: { ...empty, rule: 'problem', where: p.where, message: p.message },
  }));
}

/** A proposed match for sales ops to confirm or reject (topic `suggestion`); never used for the index or alerts. */
export interface SuggestionPayload {
  sku: string;
  ourName: string | null;
  competitor: string;
  targetId: string;
  region: string;
  key: string;
  name: string | null;
  url: string | null;
  amount: number;
  currency: string | null;
  from: boolean;
  method: string;
  confidence: number;
  detail: string;
  ambiguous: boolean;
  /** The line to paste under `matches:` in rules/matches.yaml. */
  yaml: string;
}

/** Each suggestion reaches the ops digest once (its id names the pair), so ops can confirm it before it counts. */
export function suggestionAlerts(suggested: readonly Match[], products: readonly OurProduct[], now: Date): Alert<SuggestionPayload>[] {
  const names = new Map(products.map((p) => [p.sku, p.name ?? p.model]));
  return suggested.map((m) => ({
    id: `compare:suggest:${m.sku}:${m.offer.targetId}:${m.offer.key}`,
    topic: 'suggestion',
    audience: { kind: 'ops' },
    createdAt: now.toISOString(),
    payload: {
      sku: m.sku,
      ourName: names.get(m.sku) ?? null,
      competitor: m.offer.competitor,
      targetId: m.offer.targetId,
      region: m.offer.region,
      key: m.offer.key,
      name: m.offer.name,
      url: m.offer.url,
      amount: m.offer.amount,
      currency: m.offer.currency,
      from: m.offer.from,
      method: m.method,
      confidence: m.confidence,
      detail: m.detail,
      ambiguous: m.ambiguous ?? false,
      yaml: matchesYamlLine(m),
    },
  }));
}
