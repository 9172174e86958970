import { compareRulesSchema, type CompareRules, type ExplicitMatches, type MatchEntry } from '../../src/compare/config.js';
import type { Offer } from '../../src/compare/offers.js';
import type { OurProduct } from '../../src/compare/pricelist.js';

export function product(p: Partial<OurProduct> & { sku: string }): OurProduct {
  return { name: null, model: null, brand: 'Radar', category: '空调', gtin: null, listPrice: 1000, currency: 'CNY', regionPrices: {}, where: `pricelist.csv:${p.sku}`, ...p };
}

export function offer(o: Partial<Offer> & { key: string; competitor: string }): Offer {
  return {
    targetId: `${o.competitor.toLowerCase()}-prices`,
    region: 'east',
    name: null,
    url: `https://shop.example/${o.key}`,
    amount: 1000,
    currency: 'CNY',
    from: false,
    stock: null,
    gtin: null,
    mpn: null,
    brand: null,
    previousAmount: null,
    seenAt: '2026-11-01T00:00:00.000Z',
    ...o,
  };
}

export function explicit(matches: Omit<MatchEntry, 'line'>[] = [], rejected: Omit<MatchEntry, 'line'>[] = []): ExplicitMatches {
  return { file: 'rules/matches.yaml', matches: matches.map((m, i) => ({ ...m, line: i + 2 })), rejected: rejected.map((m, i) => ({ ...m, line: 100 + i })) };
}

export function rules(over: Record<string, unknown> = {}): CompareRules {
  return compareRulesSchema.parse(over);
}

export const OPTS = { fuzzyThreshold: 0.6, modelSeries: true };
