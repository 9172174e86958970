import { describe, expect, it } from 'vitest';
import { comparisonAlerts, problemAlerts } from '../../src/compare/alerts.js';
import type { Match } from '../../src/compare/match.js';
import type { Offer } from '../../src/compare/offers.js';
import { buildIndex, median } from '../../src/compare/price-index.js';
import type { OurProduct } from '../../src/compare/pricelist.js';
import { offer, product, rules } from './fixtures.js';

const confirm = (sku: string, o: Offer, method: Match['method'] = 'model'): Match => ({ sku, offer: o, method, confidence: 0.9, detail: '', confirmed: true });
const NOW = new Date('2026-11-28T00:00:00Z');

describe('price index maths on a fixed set', () => {
  const P = product({ sku: 'P', model: 'P-100', listPrice: 2100, regionPrices: { east: 2000, south: 1900 } });
  const Q = product({ sku: 'Q', model: 'Q-100', listPrice: 1000 });
  const R = product({ sku: 'R', model: 'R-100', listPrice: 3000, regionPrices: { south: 'not_sold' } });
  const matches = [
    confirm('P', offer({ competitor: 'A', key: 'a1', amount: 1800 })),
    confirm('P', offer({ competitor: 'B', key: 'b1', amount: 2200 })),
    // C lists it twice: it counts once, at its lower price.
    confirm('P', offer({ competitor: 'C', key: 'c1', amount: 2100 })),
    confirm('P', offer({ competitor: 'C', key: 'c2', amount: 2000 })),
    confirm('P', offer({ competitor: 'D', key: 'd1', amount: 1700, region: 'south', targetId: 'd-south' })),
    confirm('P', offer({ competitor: 'E', key: 'e1', amount: 1750, region: 'south', targetId: 'e-south' })),
    confirm('Q', offer({ competitor: 'A', key: 'a2', amount: 950 })),
    // Not comparable: another currency, and a region where we do not sell R.
    confirm('Q', offer({ competitor: 'B', key: 'b2', amount: 100, currency: 'USD' })),
    confirm('R', offer({ competitor: 'D', key: 'd2', amount: 2500, region: 'south', targetId: 'd-south' })),
    // A suggestion never counts.
    { ...confirm('Q', offer({ competitor: 'C', key: 'c3', amount: 10 }), 'fuzzy'), confirmed: false },
  ];
  const index = buildIndex([P, Q, R], matches);
  const row = (sku: string, region: string) => index.rows.find((r) => r.sku === sku && r.region === region);

  it('lowest, median, our price and index per SKU and region', () => {
    expect(row('P', 'east')).toMatchObject({ ourPrice: 2000, lowest: 1800, median: 2000, index: 100, rank: 2, mostExpensive: false });
    expect(row('P', 'east')!.competitors.map((c) => [c.competitor, c.amount, c.deltaPct])).toEqual([
      ['A', 1800, -10],
      ['C', 2000, 0],
      ['B', 2200, 10],
    ]);
    // 1900 / median(1700, 1750) = 1900 / 1725 = 110.14…
    expect(row('P', 'south')).toMatchObject({ ourPrice: 1900, lowest: 1700, median: 1725, index: 110.1, rank: 3, mostExpensive: true });
    // No region column: the list price. 1000 / 950 = 105.26…
    expect(row('Q', 'east')).toMatchObject({ ourPrice: 1000, lowest: 950, median: 950, index: 105.3, rank: 2, mostExpensive: true });
    expect(row('Q', 'east')!.competitors.map((c) => c.competitor)).toEqual(['A']);
    expect(row('R', 'south')).toBeUndefined();
    expect(index.rows).toHaveLength(3);
  });

  it('per competitor and region: matched products and how many they undercut', () => {
    expect(index.competitors).toEqual([
      { region: 'east', competitor: 'A', matched: 2, undercut: 2 },
      { region: 'east', competitor: 'B', matched: 1, undercut: 0 },
      { region: 'east', competitor: 'C', matched: 1, undercut: 0 },
      { region: 'south', competitor: 'D', matched: 1, undercut: 1 },
      { region: 'south', competitor: 'E', matched: 1, undercut: 1 },
    ]);
  });

  it('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });
});

describe('only real prices of items in stock are compared', () => {
  const kfr = product({ sku: 'R-KFR35', name: 'Radar 空调 KFR-35GW/R1', model: 'KFR-35GW/R1', listPrice: 2499 });
  const from = offer({ competitor: '东岳', key: 'D1', amount: 1199, from: true });
  const gone = offer({ competitor: 'Bolt', key: 'B1', amount: 1299, stock: 'out_of_stock' });
  const real = offer({ competitor: 'Acme', key: 'A1', amount: 2399, stock: 'in_stock' });

  it('a "¥1,199起" starting price and an out-of-stock item never undercut us, however cheap: shown, marked, not compared', () => {
    const index = buildIndex([kfr], [confirm('R-KFR35', from, 'explicit'), confirm('R-KFR35', gone, 'identifier'), confirm('R-KFR35', real)]);
    expect(index.rows).toHaveLength(1);
    const row = index.rows[0]!;
    expect(row.competitors.map((c) => c.competitor)).toEqual(['Acme']);
    expect(row).toMatchObject({ lowest: 2399, median: 2399, rank: 2 });
    expect(row.notCompared.map((c) => [c.competitor, c.amount, c.from, c.outOfStock ?? false])).toEqual([
      ['Bolt', 1299, false, true],
      ['东岳', 1199, true, false],
    ]);
    expect(comparisonAlerts(index, rules(), NOW).filter((a) => a.payload.rule === 'undercut')).toEqual([]);
  });

  it('with nothing comparable there is no row at all (no index from a starting price)', () => {
    expect(buildIndex([kfr], [confirm('R-KFR35', from, 'explicit')]).rows).toEqual([]);
  });

  it('a series or fuzzy match never counts, even if something marked it confirmed', () => {
    expect(buildIndex([kfr], [confirm('R-KFR35', real, 'series'), confirm('R-KFR35', real, 'fuzzy')]).rows).toEqual([]);
  });
});

describe('comparison alerts', () => {
  const kfr = product({ sku: 'R-KFR35', name: 'Radar 空调 KFR-35GW/R1', model: 'KFR-35GW/R1', listPrice: 2599, regionPrices: { east: 2499, south: 2399 } });
  const acme = (amount: number, previousAmount: number | null = 2599) => offer({ competitor: 'Acme', key: 'AC-1', targetId: 'acme-prices', region: 'east', amount, previousAmount });
  const bolt = offer({ competitor: '宝拓', key: 'B1', targetId: 'bolt-prices', region: 'south', amount: 2399 });
  const alertsFor = (offers: Offer[], r = rules(), products: OurProduct[] = [kfr]) => comparisonAlerts(buildIndex(products, offers.map((o) => confirm(products[0]!.sku, o))), r, NOW);

  it('routes an undercut to the region of the competitor target, with our regional price and Δ%', () => {
    const alerts = alertsFor([acme(2299), bolt]);
    expect(alerts).toHaveLength(1);
    const a = alerts[0]!;
    expect(a.topic).toBe('comparison');
    expect(a.audience).toEqual({ kind: 'region', region: 'east' });
    expect(a.id).toBe('compare:undercut:east:R-KFR35:acme-prices:AC-1:2299@2499');
    expect(a.payload).toMatchObject({ rule: 'undercut', region: 'east', sku: 'R-KFR35', competitor: 'Acme', amount: 2299, deltaPct: -8, threshold: 5 });
    expect(a.payload.row).toMatchObject({ ourPrice: 2499, index: 108.7 });
    expect(a.payload.row!.competitors[0]).toMatchObject({ competitor: 'Acme', amount: 2299, trend: 'down', from: false, url: 'https://shop.example/AC-1' });
  });

  it('the same competitor price in south is compared with our south price', () => {
    const alerts = alertsFor([offer({ ...bolt, amount: 2199, previousAmount: 2499 })]);
    expect(alerts.map((a) => [a.audience, a.payload.deltaPct, a.payload.row!.ourPrice])).toEqual([[{ kind: 'region', region: 'south' }, -8.3, 2399]]);
  });

  it('the same situation gives the same id every run; a new lower price a new one; a rise while still cheaper none', () => {
    const first = alertsFor([acme(2299)]).map((a) => a.id);
    expect(alertsFor([acme(2299)]).map((a) => a.id)).toEqual(first);
    const lower = alertsFor([acme(2199, 2299)]).map((a) => a.id);
    expect(lower).toHaveLength(1);
    expect(lower).not.toEqual(first);
    expect(alertsFor([acme(2349, 2299)])).toEqual([]); // up from 2299, still 6 % under us: not news
    expect(alertsFor([acme(2349, 2600)])).toHaveLength(1); // down into undercut territory: news
  });

  it('uses the threshold of the product category', () => {
    const deh = product({ sku: 'D', model: 'DH-20R', category: '除湿机', listPrice: 1000 });
    const o = offer({ competitor: 'Acme', key: 'D1', amount: 930 });
    expect(alertsFor([o], rules({ undercut_percent: { default: 5, 除湿机: 8 } }), [deh])).toEqual([]);
    expect(alertsFor([{ ...o, amount: 920 }], rules({ undercut_percent: { default: 5, 除湿机: 8 } }), [deh]).map((a) => a.payload.threshold)).toEqual([8]);
  });

  it('alerts when a matched competitor price drops below our floor', () => {
    const r = rules({ floors: { 'R-KFR35': 2450 }, undercut_percent: { default: 50 } });
    expect(alertsFor([acme(2450)], r)).toEqual([]);
    const a = alertsFor([acme(2449)], r);
    expect(a.map((x) => [x.payload.rule, x.payload.threshold, x.id])).toEqual([['floor', 2450, 'compare:floor:east:R-KFR35:acme-prices:AC-1:2449@2450']]);
  });

  it('alerts when we are the dearest of at least N competitors', () => {
    const r = rules({ undercut_percent: { default: 50 }, most_expensive: { min_competitors: 2 } });
    const other = offer({ competitor: 'Cielo', key: 'C1', targetId: 'cielo', region: 'east', amount: 2450 });
    expect(alertsFor([acme(2400)], r)).toEqual([]); // dearest, but of one competitor only
    const a = alertsFor([acme(2400), other], r);
    expect(a.map((x) => [x.id, x.payload.rule, x.audience])).toEqual([['compare:most-expensive:east:R-KFR35:2499:2', 'most_expensive', { kind: 'region', region: 'east' }]]);
    expect(alertsFor([acme(2400), { ...other, amount: 2600 }], r)).toEqual([]);
  });

  it('price-list problems go to sales ops, one alert per distinct problem', () => {
    const p = problemAlerts([{ where: 'data/pricelist.csv:7', message: 'list_price (指导价): "abc" is not a price' }], NOW);
    expect(p.map((a) => [a.audience, a.id])).toEqual([[{ kind: 'ops' }, 'compare:problem:data/pricelist.csv:7:list_price (指导价): "abc" is not a price']]);
  });
});
