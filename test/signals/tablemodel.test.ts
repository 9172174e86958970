import { describe, expect, it } from 'vitest';
import { brier, calibrationError, rocAuc, spread, stratifiedSplit } from '../../src/signals/evaluation.js';
import { fitLogistic } from '../../src/signals/logistic.js';
import { Rng } from '../../src/signals/random.js';
import { labelledTable } from '../../src/signals/samples.js';
import { fitEncoder, inferColumns, type InteractionSpec, rcsTerms } from '../../src/signals/tableencode.js';
import { checkModel, parseLabel, scoreTable, type Table, type TableModel, train } from '../../src/signals/tablemodel.js';

function toTable(csv: string, file: string): Table {
  const lines = csv.trim().split('\n');
  return { file, header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')), lines: lines.slice(1).map((_, i) => i + 2) };
}
const labels = (t: Table): number[] => t.rows.map((r) => parseLabel(r[t.header.indexOf('Attrition')]!)!);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('evaluation and fitting maths (hand-computed)', () => {
  it('Brier score, calibration error, spread', () => {
    expect(brier([0.9, 0.2], [1, 0])).toBeCloseTo((0.01 + 0.04) / 2, 12);
    // Two bins of two: predicted means 0.15 and 0.75, observed 0 and 1 -> (|0.3 - 0| + |1.5 - 2|) / 4
    expect(calibrationError([0.1, 0.2, 0.7, 0.8], [0, 0, 1, 1], 2)).toBeCloseTo((0.3 + 0.5) / 4, 12);
    const s = spread([0.8, 0.9, 1.0]);
    expect(s.mean).toBeCloseTo(0.9, 12);
    expect(s.sd).toBeCloseTo(0.1, 12);
    expect([s.min, s.max]).toEqual([0.8, 1.0]);
  });

  it('a stratified 70/30 split keeps the leaver share on both sides and uses every row once', () => {
    const y = Array.from({ length: 1000 }, (_, i) => (i % 6 === 0 ? 1 : 0));
    const { train: tr, test } = stratifiedSplit(y, 0.3, 1);
    expect(tr.length + test.length).toBe(1000);
    expect(new Set([...tr, ...test]).size).toBe(1000);
    expect(test.length).toBe(300);
    expect(Math.abs(mean(test.map((i) => y[i]!)) - mean(y))).toBeLessThan(0.005);
  });

  it('logistic regression without penalty recovers the log-odds of each group', () => {
    // One 0/1 feature: 30 of 100 positive when x = 0, 60 of 100 when x = 1.
    const X: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 100; i++) {
      X.push([0], [1]);
      y.push(i < 30 ? 1 : 0, i < 60 ? 1 : 0);
    }
    const f = fitLogistic(X, y, { lambda: 0 });
    expect(f.b).toBeCloseTo(Math.log(0.3 / 0.7), 6);
    expect(f.w[0]!).toBeCloseTo(Math.log(0.6 / 0.4) - Math.log(0.3 / 0.7), 6);
    // A penalty pulls the slope towards zero but never the intercept towards zero-at-any-cost.
    const shrunk = fitLogistic(X, y, { lambda: 50 });
    expect(Math.abs(shrunk.w[0]!)).toBeLessThan(Math.abs(f.w[0]!));
  });

  it('restricted cubic spline terms are zero left of the first knot and linear right of the last', () => {
    const knots = [1, 4, 9];
    expect(rcsTerms(0.5, knots)).toEqual([0]);
    const [a] = rcsTerms(10, knots);
    const [b] = rcsTerms(11, knots);
    const [c] = rcsTerms(12, knots);
    expect(c! - b!).toBeCloseTo(b! - a!, 9);
  });
});

describe('which recognised combinations the encoder builds, and their cut-offs', () => {
  // 20 people, written out by hand; Chinese headers, as an export from a Chinese HR system has them.
  const header = ['工号', '离职', '加班', '工作生活平衡', '年龄', '婚姻状况', '股票期权', '职级', '月薪'];
  const rows: string[][] = [];
  for (let i = 0; i < 20; i++) {
    const single = i % 4 === 0;
    // Most say 3 on the 1-4 balance scale; everyone single has no stock options.
    const balance = i < 2 ? 1 : i < 5 ? 2 : i < 18 ? 3 : 4;
    rows.push([String(i + 1), i % 5 === 0 ? '是' : '否', i % 3 === 0 ? '是' : '否', String(balance), String(22 + i * 2), single ? '未婚' : '已婚', single ? '0' : String(1 + (i % 3)), String(1 + (i % 4)), String(3000 + i * 500)]);
  }
  const t: Table = { file: 'hr.csv', header, rows, lines: rows.map((_, i) => i + 2) };
  const { use } = inferColumns(t, '离职');
  const specs = fitEncoder(t, use, rows.map((_, i) => i)).filter((s): s is InteractionSpec => s.kind === 'interaction');
  const byId = Object.fromEntries(specs.map((s) => [s.id, s]));

  it('"low" is the bottom of a scale, never most people: balance 3 or less would be 18 of 20', () => {
    // The 30 % quantile is 3 here; "≤ 3" would hold for 90 %, so the cut steps down to 2.
    expect(byId['overtime-poor-work-life-balance']!.when).toEqual([
      { column: '加班', op: 'is', value: 'yes', yes: true },
      { column: '工作生活平衡', op: '<=', value: 2 },
    ]);
  });

  it('young and single reads the table\'s own word for single; the lowest level on low pay uses the bottom level', () => {
    expect(byId['young-single']!.when).toEqual([
      { column: '年龄', op: '<=', value: 22 + 0.25 * 19 * 2 },
      { column: '婚姻状况', op: 'is', value: '未婚' },
    ]);
    expect(byId['lowest-level-low-pay']!.when[0]).toEqual({ column: '职级', op: '<=', value: 1 });
  });

  it('leaves out a combination that holds for exactly the people one of its parts does', () => {
    // Everyone single has no stock options and everyone without options is single: the pair is "single".
    expect(byId['no-stock-options-single']).toBeUndefined();
    const t2: Table = { ...t, rows: t.rows.map((r, i) => (i === 1 ? r.map((v, j) => (j === 6 ? '0' : v)) : r)) };
    const specs2 = fitEncoder(t2, use, rows.map((_, i) => i)).filter((s): s is InteractionSpec => s.kind === 'interaction');
    // One married person without options: the pair is no longer "no options", but it is still
    // exactly "single", so it stays out.
    expect(specs2.some((s) => s.id === 'no-stock-options-single')).toBe(false);
    // A single person with options: the pair differs from both parts and is built.
    const t3: Table = { ...t2, rows: t2.rows.map((r, i) => (i === 4 ? r.map((v, j) => (j === 6 ? '2' : v)) : r)) };
    const specs3 = fitEncoder(t3, use, rows.map((_, i) => i)).filter((s): s is InteractionSpec => s.kind === 'interaction');
    expect(specs3.find((s) => s.id === 'no-stock-options-single')?.freq).toBeCloseTo(4 / 20, 12);
  });
});

describe('what the model reads in a synthetic table with planted HR patterns', () => {
  // The generator (src/signals/samples.ts) plants: a riskier first year, pay on a log scale, a step
  // at no stock options, overtime x low job satisfaction, short tenure x long commute.
  const tr = toTable(labelledTable(new Rng(1), 1500), 'train.csv');
  const te = toTable(labelledTable(new Rng(2), 1500), 'test.csv');
  const yTest = labels(te);
  const full = train(tr, { label: 'Attrition', evaluate: false }).model;
  const scored = scoreTable(full, te);

  it('ranks fresh people better than straight lines on the same columns', () => {
    const plain = train(tr, { label: 'Attrition', evaluate: false, encoder: { splines: false, ordinalLevels: false, interactions: false } }).model;
    const aucFull = rocAuc(scored.map((s) => s.probability), yTest);
    const aucPlain = rocAuc(scoreTable(plain, te).map((s) => s.probability), yTest);
    expect(aucFull).toBeGreaterThan(0.85);
    expect(aucFull).toBeGreaterThan(aucPlain + 0.003);
  }, 60_000);

  it('finds overtime with low job satisfaction and names it as a driver for the people it affects', () => {
    const w = full.weights[full.features.indexOf('OverTime × JobSatisfaction')]!;
    expect(w).toBeGreaterThan(0.3);
    const ot = te.header.indexOf('OverTime');
    const js = te.header.indexOf('JobSatisfaction');
    const affected = scored.filter((_, i) => te.rows[i]![ot] === 'Yes' && Number(te.rows[i]![js]) <= 2);
    const named = affected.filter((s) => s.drivers.some((d) => d.feature === 'OverTime × JobSatisfaction'));
    expect(named.length / affected.length).toBeGreaterThan(0.6);
    const d = named[0]!.drivers.find((x) => x.feature === 'OverTime × JobSatisfaction')!;
    expect(d.text_en).toMatch(/^OverTime = Yes and JobSatisfaction = [12] \(low: ≤ 2\)$/);
    expect(d.text_zh).toMatch(/^OverTime 为 Yes 且 JobSatisfaction 为 [12]（偏低：≤ 2）$/);
    // Nobody without overtime gets it as a reason.
    scored.forEach((s, i) => {
      if (te.rows[i]![ot] !== 'Yes') expect(s.drivers.some((x) => x.feature === 'OverTime × JobSatisfaction')).toBe(false);
    });
  });

  it('bends where the data bends: the first years at the company weigh most, no stock options is a step', () => {
    const effect = (column: string, v: number): number => {
      const r = [...te.rows[0]!];
      r[te.header.indexOf(column)] = String(v);
      return scoreTable(full, { ...te, rows: [r], lines: [2] })[0]!.contributions.find((c) => c.feature === column)!.contribution;
    };
    const years = [0, 3, 4, 6, 8, 10].map((v) => effect('YearsAtCompany', v));
    expect(years[0]!).toBeGreaterThan(years[1]!);
    expect(years[1]!).toBeGreaterThan(years[4]!);
    expect(years[0]! - years[2]!).toBeGreaterThan(years[3]! - years[5]!);
    const stock = [0, 1, 2, 3].map((v) => effect('StockOptionLevel', v));
    expect(stock[0]!).toBeGreaterThan(0);
    expect(stock[0]! - stock[1]!).toBeGreaterThan(Math.abs(stock[1]! - stock[3]!));
  });

  it('probabilities are calibrated, with or without class weights', () => {
    const p = scored.map((s) => s.probability);
    expect(Math.abs(mean(p) - mean(yTest))).toBeLessThan(0.02);
    expect(calibrationError(p, yTest)).toBeLessThan(0.05);
    // Class weights double the apparent risk; the calibration fitted on inner out-of-fold predictions takes it back.
    const balanced = scoreTable(train(tr, { label: 'Attrition', evaluate: false, balance: true }).model, te).map((s) => s.probability);
    const raw = scoreTable(train(tr, { label: 'Attrition', evaluate: false, balance: true, calibrate: false }).model, te).map((s) => s.probability);
    expect(Math.abs(mean(balanced) - mean(yTest))).toBeLessThan(0.02);
    expect(mean(raw) - mean(yTest)).toBeGreaterThan(0.08);
  }, 60_000);

  it('every score is explained exactly: contributions plus intercept are the logit, drivers are the top positive ones', () => {
    for (const s of scored) {
      const sum = s.contributions.reduce((a, c) => a + c.contribution, 0);
      expect(Math.abs(full.intercept + sum - s.logit)).toBeLessThan(1e-9);
      expect(s.probability).toBeCloseTo(1 / (1 + Math.exp(-s.logit)), 12);
      const top = [...s.contributions].filter((c) => c.contribution > 0).sort((a, b) => b.contribution - a.contribution).slice(0, 3);
      expect(s.drivers.map((d) => d.feature)).toEqual(top.map((c) => c.feature));
    }
  });

  it('the model file round-trips through JSON and is checked on load', () => {
    const again = checkModel(JSON.parse(JSON.stringify(full)), 'model.json');
    expect(scoreTable(again, te).map((s) => s.logit)).toEqual(scored.map((s) => s.logit));
    const broken = { ...full, weights: full.weights.slice(1) };
    expect(() => checkModel(broken, 'model.json')).toThrow(/inconsistent/);
  });
});

it('a version-1 model file (linear numbers, one-hot categories) still scores', () => {
  const v1: TableModel = {
    format: 'sales-radar/attrition-table-model',
    version: 1,
    label: 'Attrition',
    idColumn: 'EmployeeNumber',
    columns: [
      { name: 'Age', kind: 'numeric', mean: 37, sd: 9 },
      { name: 'OverTime', kind: 'categorical', levels: ['No', 'Yes'], freq: [0.7, 0.3] },
    ],
    features: ['Age', 'OverTime=No', 'OverTime=Yes'],
    weights: [-0.5, -0.6, 0.6],
    intercept: -1.7,
    lambda: 3,
    balanced: false,
    trainedAt: '2026-01-01T00:00:00.000Z',
    rows: 100,
    positives: 16,
    cv: null,
  };
  const m = checkModel(v1, 'old-model.json');
  const [s] = scoreTable(m, { file: 'x.csv', header: ['EmployeeNumber', 'Age', 'OverTime'], rows: [['7', '28', 'Yes']], lines: [2] });
  const logit = -1.7 + -0.5 * ((28 - 37) / 9) + -0.6 * (0 - 0.7) + 0.6 * (1 - 0.3);
  expect(s!.logit).toBeCloseTo(logit, 12);
  expect(s!.id).toBe('7');
  expect(s!.drivers.map((d) => d.feature)).toEqual(['OverTime', 'Age']);
  expect(s!.drivers[1]!.text_en).toBe('Age = 28 (training average 37)');
});
