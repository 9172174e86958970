import { describe, expect, it } from 'vitest';
import { comparisonAlerts } from '../../src/compare/alerts.js';
import { matchProducts } from '../../src/compare/match.js';
import { buildIndex } from '../../src/compare/price-index.js';
import { explicit, offer, OPTS, product, rules } from './fixtures.js';

const ours = product({ sku: 'R1', name: 'Radar 空调 KFR-35GW/R1 1.5匹 新一级能效', model: 'KFR-35GW/R1', gtin: '6901234567892', listPrice: 2500 });

// Four Acme items, each matching R1 by a different method.
const byExplicit = offer({ competitor: 'Acme', key: 'A-EXP', name: 'Acme 空调 挂机 新款', amount: 2400 });
const byGtin = offer({ competitor: 'Acme', key: 'A-GTIN', name: 'Acme 空调', gtin: '06901234567892', amount: 2300 });
const byModel = offer({ competitor: 'Acme', key: 'A-MODEL', name: 'Acme 空调 ＫＦＲ－３５ＧＷ／Ｒ１ 1.5匹', amount: 2200 });
const byTitle = offer({ competitor: 'Acme', key: 'A-FUZZY', name: 'Acme 空调 1.5匹 新一级能效 变频', amount: 2100 });

const methodsFor = (offers = [byExplicit, byGtin, byModel, byTitle], ex = explicit([{ our_sku: 'R1', competitor: 'Acme', key: 'A-EXP' }])) => {
  const r = matchProducts([ours], offers, ex, OPTS);
  return {
    confirmed: r.confirmed.map((m) => `${m.offer.key}:${m.method}`),
    suggested: r.suggested.map((m) => `${m.offer.key}:${m.method}`),
  };
};

describe('matching precedence: explicit > identifier > model > fuzzy', () => {
  it('an explicit mapping wins over every automatic match for that SKU and competitor', () => {
    expect(methodsFor().confirmed).toEqual(['A-EXP:explicit']);
  });

  it('without it, the GTIN match wins over the model and the title', () => {
    expect(methodsFor([byGtin, byModel, byTitle], explicit()).confirmed).toEqual(['A-GTIN:identifier']);
  });

  it('without a GTIN, the model number (full-width in the title) wins over the title', () => {
    const r = methodsFor([byModel, byTitle], explicit());
    expect(r.confirmed).toEqual(['A-MODEL:model']);
    expect(r.suggested).toEqual([]);
  });

  it('a title alone is only ever a suggestion', () => {
    const r = matchProducts([ours], [byTitle], explicit(), OPTS);
    expect(r.confirmed).toEqual([]);
    expect(r.suggested.map((m) => [m.offer.key, m.method, m.confirmed])).toEqual([['A-FUZZY', 'fuzzy', false]]);
    expect(r.suggested[0]!.confidence).toBeGreaterThanOrEqual(0.6);
  });

  it('an MPN equal to our model number counts as an identifier', () => {
    const o = offer({ competitor: 'Cielo', key: 'C1', name: 'Cielo 空调', mpn: 'kfr 35gw/r1' });
    expect(matchProducts([ours], [o], explicit(), OPTS).confirmed.map((m) => [m.method, m.detail])).toEqual([['identifier', 'mpn kfr 35gw/r1']]);
  });

  it('an item claimed explicitly or by identifier is not matched to another SKU by model', () => {
    const other = product({ sku: 'R2', name: 'Radar 空调 KFR-35GW/R2', model: 'KFR-35GW/R2' });
    const r = matchProducts([ours, other], [byGtin], explicit(), OPTS);
    expect(r.confirmed.map((m) => `${m.sku}:${m.offer.key}:${m.method}`)).toEqual(['R1:A-GTIN:identifier']);
  });

  it('each shop is matched on its own: explicit for Acme does not stop a model match at Bolt', () => {
    const bolt = offer({ competitor: 'Bolt', key: 'B1', name: '宝拓 变频空调 KFR-35GW/R1 一级能效', region: 'south' });
    const r = matchProducts([ours], [byExplicit, byModel, bolt], explicit([{ our_sku: 'R1', competitor: 'acme', key: 'A-EXP' }]), OPTS);
    expect(r.confirmed.map((m) => `${m.offer.key}:${m.method}:${m.detail}`).sort()).toEqual(['A-EXP:explicit:rules/matches.yaml:2', 'B1:model:model KFR-35GW/R1']);
  });

  it('the same standard code but another model (KFR-35GW vs our KFR-35GW/R1) is only suggested, and never alerts', () => {
    // The false alert: "东岳 is 52 % cheaper than our KFR-35GW/BP" from a series match between different SKUs.
    const dongyue = offer({ competitor: '东岳', key: 'DY1', name: '东岳 变频空调 KFR-35GW/DY 一级能效', amount: 1199 });
    const r = matchProducts([ours], [dongyue], explicit(), OPTS);
    expect(r.confirmed).toEqual([]);
    expect(r.suggested.map((m) => [m.offer.key, m.method, m.confidence, m.detail])).toEqual([['DY1', 'series', 0.85, 'series KFR-35GW/DY: same standard code, another model']]);
    expect(comparisonAlerts(buildIndex([ours], [...r.confirmed, ...r.suggested]), rules(), new Date())).toEqual([]);
    // Confirmed by ops, it counts.
    const c = matchProducts([ours], [dongyue], explicit([{ our_sku: 'R1', competitor: '东岳', key: 'DY1' }]), OPTS);
    expect(comparisonAlerts(buildIndex([ours], c.confirmed), rules(), new Date()).map((a) => a.payload.rule)).toEqual(['undercut']);
  });

  it('several items of one shop with the same model code are ambiguous: suggested, not used', () => {
    const n8 = offer({ competitor: 'Acme', key: 'N8', name: 'Acme 空调 KFR-35GW/N8 1.5匹' });
    const x1 = offer({ competitor: 'Acme', key: 'X1', name: 'Acme 空调 KFR-35GW/X1 1.5匹 定频' });
    const r = matchProducts([ours], [n8, x1], explicit(), OPTS);
    expect(r.confirmed).toEqual([]);
    expect(r.suggested.map((m) => [m.offer.key, m.ambiguous])).toEqual(expect.arrayContaining([['N8', true], ['X1', true]]));
    // Mapping N8 to another SKU explicitly does not make X1 look unique.
    const other = product({ sku: 'R9', name: 'Radar 空调 9', model: 'R9-1000' });
    const r2 = matchProducts([ours, other], [n8, x1], explicit([{ our_sku: 'R9', competitor: 'Acme', key: 'N8' }]), OPTS);
    expect(r2.confirmed.map((m) => `${m.sku}:${m.offer.key}`)).toEqual(['R9:N8']);
    expect(r2.suggested.map((m) => `${m.sku}:${m.offer.key}`)).toEqual(['R1:X1']);
  });

  it('an exact model beats a same-code one in the same shop', () => {
    const n8 = offer({ competitor: 'Acme', key: 'N8', name: 'Acme 空调 KFR-35GW/N8' });
    const r1 = offer({ competitor: 'Acme', key: 'R1copy', name: 'Acme 代销 KFR-35GW/R1' });
    expect(matchProducts([ours], [n8, r1], explicit(), OPTS).confirmed.map((m) => [m.offer.key, m.detail])).toEqual([['R1copy', 'model KFR-35GW/R1']]);
  });

  it('rejected entries are never matched, and explicit entries for unknown SKUs are reported', () => {
    const r = matchProducts([ours], [byModel], explicit([{ our_sku: 'NOPE', competitor: 'Acme', key: 'A-MODEL' }], [{ our_sku: 'R1', competitor: 'Acme', key: 'A-MODEL' }]), OPTS);
    expect(r.confirmed).toEqual([]);
    expect(r.unknownSku.map((e) => [e.our_sku, e.line])).toEqual([['NOPE', 2]]);
  });

  it('reports explicit entries whose item is in no current snapshot', () => {
    const r = matchProducts([ours], [], explicit([{ our_sku: 'R1', competitor: 'Acme', key: 'GONE' }]), OPTS);
    expect(r.unseen.map((e) => e.key)).toEqual(['GONE']);
  });
});

describe('fuzzy matches never alert', () => {
  const dehumidifier = product({ sku: 'D20', name: 'Radar 除湿机 DH-20R 20升', model: 'DH-20R', category: '除湿机', listPrice: 1200 });
  const cheap = (name: string) => offer({ competitor: 'Acme', key: 'D', name, amount: 500, previousAmount: 1200 });

  it('below the threshold: not matched, not suggested, no alert even at 58 % cheaper', () => {
    const r = matchProducts([dehumidifier], [cheap('Acme 除湿机 DH-20L')], explicit(), OPTS);
    expect(r.confirmed).toEqual([]);
    expect(r.suggested).toEqual([]);
    expect(comparisonAlerts(buildIndex([dehumidifier], [...r.confirmed, ...r.suggested]), rules(), new Date())).toEqual([]);
  });

  it('above the threshold: suggested, still no alert until confirmed in rules/matches.yaml', () => {
    const o = cheap('Acme 除湿机 20升');
    const r = matchProducts([dehumidifier], [o], explicit(), OPTS);
    expect(r.suggested.map((m) => m.method)).toEqual(['fuzzy']);
    expect(comparisonAlerts(buildIndex([dehumidifier], [...r.confirmed, ...r.suggested]), rules(), new Date())).toEqual([]);

    const confirmed = matchProducts([dehumidifier], [o], explicit([{ our_sku: 'D20', competitor: 'Acme', key: 'D' }]), OPTS);
    const alerts = comparisonAlerts(buildIndex([dehumidifier], confirmed.confirmed), rules(), new Date());
    expect(alerts.map((a) => a.payload.rule)).toEqual(['undercut']);
  });

  it('a lower --min-confidence shows weaker candidates as suggestions only', () => {
    const r = matchProducts([dehumidifier], [cheap('Acme 除湿机 DH-20L')], explicit(), { ...OPTS, fuzzyThreshold: 0.2 });
    expect(r.suggested.map((m) => [m.method, m.confirmed])).toEqual([['fuzzy', false]]);
  });
});
