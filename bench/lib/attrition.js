// Quality of the trained attrition model (`radar signals train` / `score --model`) on one labelled
// table: stratified 5-fold cross-validation on the whole table, and a 70/30 hold-out repeated over
// ten seeded stratified splits (train on 70 %, score the 30 % it never saw). The spread across
// splits is the honest error bar: one 30 % of 1,470 people has only ~70 leavers in it.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dec } from './quality.js';

export const SPLITS = 10;

export async function measureAttrition(dist, file) {
  const imp = (p) => import(pathToFileURL(join(dist, 'signals', p)).href);
  const tm = await imp('tablemodel.js');
  const ev = await imp('evaluation.js');
  const t = await tm.readLabelledTable(file);
  const label = 'Attrition';
  const li = t.header.indexOf(label);
  const y = t.rows.map((r) => tm.parseLabel(r[li]));
  const sub = (idx) => ({ ...t, rows: idx.map((i) => t.rows[i]), lines: idx.map((i) => t.lines[i]) });

  const cv = tm.train(t, { label }).model.cv;
  const roc = [];
  const pr = [];
  const brier = [];
  const ece = [];
  for (let seed = 1; seed <= SPLITS; seed++) {
    const { train, test } = ev.stratifiedSplit(y, 0.3, seed);
    const model = tm.train(sub(train), { label, evaluate: false }).model;
    const p = tm.scoreTable(model, sub(test)).map((s) => s.probability);
    const yt = test.map((i) => y[i]);
    roc.push(ev.rocAuc(p, yt));
    pr.push(ev.averagePrecision(p, yt));
    brier.push(ev.brier(p, yt));
    ece.push(ev.calibrationError(p, yt));
  }
  return {
    rows: y.length,
    leavers: y.filter((v) => v === 1).length,
    cv,
    heldOut: { roc: ev.spread(roc), pr: ev.spread(pr), brier: ev.spread(brier), ece: ev.spread(ece) },
  };
}

const pm = (s) => `${dec(s.mean)} ± ${dec(s.sd)}`;

/** Quality-table lines for one table. */
export function attritionLines(name, m) {
  const h = m.heldOut;
  return [
    { row: name, measure: 'ROC-AUC', tuned: `${pm(m.cv.rocAuc)} (5-fold CV)`, heldOut: `${pm(h.roc)} (${SPLITS}× 70/30)`, note: `${m.rows} people, ${m.leavers} leavers; splits ${dec(h.roc.min)}–${dec(h.roc.max)}, split 1: ${dec(h.roc.values[0])}` },
    { row: name, measure: 'PR-AUC', tuned: `${pm(m.cv.prAuc)} (5-fold CV)`, heldOut: `${pm(h.pr)} (${SPLITS}× 70/30)`, note: `no skill: ${dec(m.cv.baselinePrAuc)}` },
    { row: name, measure: 'Brier (calibration error)', tuned: `${m.cv.brier.toFixed(4)} (${dec(m.cv.calibrationError)})`, heldOut: `${h.brier.mean.toFixed(4)} (${dec(h.ece.mean)})`, note: `a constant guess: ${m.cv.baselineBrier.toFixed(4)}` },
  ];
}
