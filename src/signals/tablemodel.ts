/**
 * Learning from the company's own past leavers: a labelled table (one row per person, any
 * numeric and categorical columns, a Yes/No label) -> an L2-regularised logistic regression
 * with the same exact-contribution property as the weekly model.
 *
 * Encoding: numeric columns are standardised (training mean and SD; a missing value is the
 * mean), categorical columns are one-hot encoded and centred on the training frequencies, so
 * every contribution reads "compared with the average person in the training data".
 * Evaluation: stratified 5-fold cross-validation; the encoder, the class weights (our form of
 * resampling) and the model are all fitted inside each training fold only.
 */
import { basename } from 'node:path';
import { type Contribution, explain, sigmoid, topDrivers } from './model.js';
import { Rng } from './random.js';
import { BadRows, type Cell, readTable } from './table.js';
import { RadarError } from '../core/errors.js';

export interface Table {
  file: string;
  header: string[];
  rows: string[][];
  /** Physical line of each row, for messages. */
  lines: number[];
}

function cellText(c: Cell | undefined): string {
  if (c === null || c === undefined) return '';
  if (c instanceof Date) return c.toISOString().slice(0, 10);
  return String(c).trim();
}

/** Reads a whole labelled table (these are one row per person: thousands, not millions). */
export async function readLabelledTable(file: string, opts: { encoding?: string } = {}): Promise<Table & { bad: BadRows }> {
  const bad = new BadRows(50);
  let header: string[] | null = null;
  const rows: string[][] = [];
  const lines: number[] = [];
  await readTable(
    file,
    { encoding: opts.encoding ?? 'auto' },
    (cells, line) => {
      const t = cells.map(cellText);
      if (!header) {
        header = t.map((h) => h.replace(/^\uFEFF/, ''));
        return;
      }
      if (t.length !== header.length) {
        bad.add(basename(file), line, `${t.length} cells, header has ${header.length}`);
        return;
      }
      rows.push(t);
      lines.push(line);
    },
    bad,
  );
  if (!header) throw new RadarError('usage', 'empty table', { where: file });
  return { file: basename(file), header, rows, lines, bad };
}

const POSITIVE = new Set(['yes', 'y', '1', 'true', 't', '是', '离职', '已离职', 'left', 'leaver']);
const NEGATIVE = new Set(['no', 'n', '0', 'false', 'f', '否', '在职', 'stayed', 'active']);

export function parseLabel(v: string): 0 | 1 | null {
  const s = v.trim().toLowerCase();
  if (POSITIVE.has(s)) return 1;
  if (NEGATIVE.has(s)) return 0;
  return null;
}

export type ColumnSpec =
  | { name: string; kind: 'numeric'; mean: number; sd: number }
  | { name: string; kind: 'categorical'; levels: string[]; freq: number[] };

export interface TableModel {
  format: 'sales-radar/attrition-table-model';
  version: 1;
  label: string;
  idColumn: string | null;
  columns: ColumnSpec[];
  /** Encoded feature names, e.g. "MonthlyIncome" or "OverTime=Yes". */
  features: string[];
  weights: number[];
  intercept: number;
  lambda: number;
  balanced: boolean;
  trainedAt: string;
  rows: number;
  positives: number;
  cv: CvReport | null;
}

export interface CvReport {
  folds: number;
  rocAuc: { mean: number; sd: number; perFold: number[] };
  prAuc: { mean: number; sd: number; perFold: number[] };
  /** AUCs over the pooled out-of-fold predictions. */
  pooledRocAuc: number;
  pooledPrAuc: number;
  /** PR-AUC of a model that knows nothing: the positive rate. */
  baselinePrAuc: number;
}

const NUM_RE = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const ID_NAME = /^(employee ?(number|id|no)|emp_?(id|no)|staff ?id|id|工号|员工编号|编号|人员编号)$/i;
const MAX_LEVELS = 30;

/**
 * Decides each column's type from the training rows: numeric when every non-empty value is a
 * number, else categorical. Drops the label, id-like columns, constants (EmployeeCount = 1)
 * and free-text columns (more distinct values than half the rows).
 */
export function inferColumns(t: Table, label: string, drop: readonly string[] = []): { use: { name: string; index: number; kind: 'numeric' | 'categorical' }[]; idColumn: string | null; dropped: { name: string; why: string }[] } {
  const use: { name: string; index: number; kind: 'numeric' | 'categorical' }[] = [];
  const dropped: { name: string; why: string }[] = [];
  let idColumn: string | null = null;
  t.header.forEach((name, index) => {
    if (name === label) return;
    if (drop.includes(name)) {
      dropped.push({ name, why: 'dropped by --drop' });
      return;
    }
    const vals = t.rows.map((r) => r[index] ?? '').filter((v) => v !== '');
    const distinct = new Set(vals);
    if (ID_NAME.test(name.replace(/[\s_]/g, ' ').trim()) || (distinct.size === t.rows.length && /(id|number|no|号)$/i.test(name))) {
      idColumn ??= name;
      dropped.push({ name, why: 'identifier' });
      return;
    }
    if (distinct.size <= 1) {
      dropped.push({ name, why: 'constant' });
      return;
    }
    const numeric = vals.every((v) => NUM_RE.test(v));
    if (!numeric && distinct.size > Math.max(MAX_LEVELS, t.rows.length / 2)) {
      dropped.push({ name, why: 'free text (too many distinct values)' });
      return;
    }
    use.push({ name, index, kind: numeric ? 'numeric' : 'categorical' });
  });
  return { use, idColumn, dropped };
}

/** Fits the encoder on some rows (a training fold). */
export function fitEncoder(t: Table, cols: { name: string; index: number; kind: 'numeric' | 'categorical' }[], rowIdx: readonly number[]): ColumnSpec[] {
  return cols.map((c) => {
    const vals = rowIdx.map((i) => t.rows[i]?.[c.index] ?? '');
    if (c.kind === 'numeric') {
      const xs = vals.filter((v) => v !== '').map(Number);
      const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
      const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1);
      return { name: c.name, kind: 'numeric', mean, sd: Math.sqrt(v) || 1 };
    }
    const counts = new Map<string, number>();
    for (const v of vals) counts.set(v === '' ? '(empty)' : v, (counts.get(v === '' ? '(empty)' : v) ?? 0) + 1);
    const levels = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_LEVELS);
    return { name: c.name, kind: 'categorical', levels: levels.map(([l]) => l), freq: levels.map(([, n]) => n / vals.length) };
  });
}

export function featureNames(specs: ColumnSpec[]): string[] {
  return specs.flatMap((s) => (s.kind === 'numeric' ? [s.name] : s.levels.map((l) => `${s.name}=${l}`)));
}

/** Encodes one row given the row's values by column name. Unknown levels and missing numbers encode as "average" (0). */
export function encodeRow(specs: ColumnSpec[], get: (name: string) => string): number[] {
  const x: number[] = [];
  for (const s of specs) {
    const v = get(s.name);
    if (s.kind === 'numeric') {
      const n = v === '' ? Number.NaN : Number(v);
      x.push(Number.isFinite(n) ? (n - s.mean) / s.sd : 0);
    } else {
      const key = v === '' ? '(empty)' : v;
      const hit = s.levels.indexOf(key);
      for (let l = 0; l < s.levels.length; l++) x.push(hit < 0 ? 0 : (l === hit ? 1 : 0) - (s.freq[l] ?? 0));
    }
  }
  return x;
}

/**
 * L2-regularised logistic regression by Newton's method (IRLS). The intercept is not penalised.
 * Small d (tens of encoded columns), so a dense Cholesky solve per step is plenty.
 */
export function fitLogistic(X: number[][], y: number[], opts: { lambda: number; weights?: number[]; maxIter?: number }): { w: number[]; b: number } {
  const n = X.length;
  const d = X[0]?.length ?? 0;
  const p = d + 1; // last = intercept
  const beta = new Array<number>(p).fill(0);
  const sw = opts.weights ?? new Array<number>(n).fill(1);
  for (let iter = 0; iter < (opts.maxIter ?? 50); iter++) {
    const g = new Array<number>(p).fill(0);
    const H: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    for (let i = 0; i < n; i++) {
      const xi = X[i] as number[];
      let z = beta[d] as number;
      for (let j = 0; j < d; j++) z += (beta[j] as number) * (xi[j] as number);
      const mu = sigmoid(z);
      const wi = (sw[i] as number) * Math.max(mu * (1 - mu), 1e-10);
      const r = (sw[i] as number) * ((y[i] as number) - mu);
      for (let j = 0; j < p; j++) {
        const xj = j < d ? (xi[j] as number) : 1;
        g[j] = (g[j] as number) + r * xj;
        if (xj === 0) continue;
        const Hj = H[j] as number[];
        for (let k = 0; k <= j; k++) {
          const xk = k < d ? (xi[k] as number) : 1;
          Hj[k] = (Hj[k] as number) + wi * xj * xk;
        }
      }
    }
    for (let j = 0; j < p; j++) {
      const Hj = H[j] as number[];
      for (let k = 0; k < j; k++) (H[k] as number[])[j] = Hj[k] as number;
      if (j < d) {
        Hj[j] = (Hj[j] as number) + opts.lambda;
        g[j] = (g[j] as number) - opts.lambda * (beta[j] as number);
      }
    }
    const step = choleskySolve(H, g);
    let maxStep = 0;
    for (let j = 0; j < p; j++) {
      beta[j] = (beta[j] as number) + (step[j] as number);
      maxStep = Math.max(maxStep, Math.abs(step[j] as number));
    }
    if (maxStep < 1e-8) break;
  }
  return { w: beta.slice(0, d), b: beta[d] as number };
}

function choleskySolve(A: number[][], bvec: number[]): number[] {
  const n = A.length;
  const L: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = (A[i] as number[])[j] as number;
      for (let k = 0; k < j; k++) s -= ((L[i] as number[])[k] as number) * ((L[j] as number[])[k] as number);
      if (i === j) (L[i] as number[])[i] = Math.sqrt(Math.max(s, 1e-12));
      else (L[i] as number[])[j] = s / ((L[j] as number[])[j] as number);
    }
  }
  const z = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = bvec[i] as number;
    for (let k = 0; k < i; k++) s -= ((L[i] as number[])[k] as number) * (z[k] as number);
    z[i] = s / ((L[i] as number[])[i] as number);
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i] as number;
    for (let k = i + 1; k < n; k++) s -= ((L[k] as number[])[i] as number) * (x[k] as number);
    x[i] = s / ((L[i] as number[])[i] as number);
  }
  return x;
}

/** ROC-AUC as the Mann-Whitney statistic, ties counted half. */
export function rocAuc(scores: readonly number[], y: readonly number[]): number {
  const idx = scores.map((s, i) => [s, y[i] as number] as const).sort((a, b) => a[0] - b[0]);
  let rankSumPos = 0;
  let nPos = 0;
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && (idx[j + 1] as readonly [number, number])[0] === (idx[i] as readonly [number, number])[0]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if ((idx[k] as readonly [number, number])[1] === 1) {
        rankSumPos += avgRank;
        nPos++;
      }
    }
    i = j + 1;
  }
  const nNeg = idx.length - nPos;
  if (nPos === 0 || nNeg === 0) return Number.NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** PR-AUC as average precision: mean of the precision at each positive, by descending score (ties grouped). */
export function averagePrecision(scores: readonly number[], y: readonly number[]): number {
  const idx = scores.map((s, i) => [s, y[i] as number] as const).sort((a, b) => b[0] - a[0]);
  const nPos = y.filter((v) => v === 1).length;
  if (nPos === 0) return Number.NaN;
  let tp = 0;
  let fp = 0;
  let ap = 0;
  let prevRecall = 0;
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && (idx[j + 1] as readonly [number, number])[0] === (idx[i] as readonly [number, number])[0]) j++;
    for (let k = i; k <= j; k++) {
      if ((idx[k] as readonly [number, number])[1] === 1) tp++;
      else fp++;
    }
    const recall = tp / nPos;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
    i = j + 1;
  }
  return ap;
}

/** Stratified folds: positives and negatives shuffled separately (seeded) and dealt round-robin. */
export function stratifiedFolds(y: readonly number[], k: number, seed: number): number[] {
  const rng = new Rng(seed);
  const fold = new Array<number>(y.length).fill(0);
  for (const cls of [0, 1]) {
    const members = rng.shuffle(y.map((v, i) => (v === cls ? i : -1)).filter((i) => i >= 0));
    members.forEach((i, n) => {
      fold[i] = n % k;
    });
  }
  return fold;
}

export interface TrainOptions {
  label: string;
  drop?: string[];
  /** L2 strength on standardised columns; by default chosen from LAMBDA_GRID by an inner 3-fold CV inside each training fold. */
  lambda?: number;
  /** Weight classes to balance inside each training fold (equivalent to oversampling the leavers there). */
  balance?: boolean;
  folds?: number;
  seed?: number;
  now?: Date;
}

function classWeights(y: number[], balance: boolean): number[] | undefined {
  if (!balance) return undefined;
  const pos = y.filter((v) => v === 1).length;
  const neg = y.length - pos;
  return y.map((v) => (v === 1 ? y.length / (2 * pos) : y.length / (2 * neg)));
}

export const LAMBDA_GRID = [1, 3, 10, 30, 100];

/** Picks the L2 strength by 3-fold CV within the given rows only (so the outer test fold never influences it). */
function chooseLambda(t: Table, cols: ReturnType<typeof inferColumns>['use'], y: number[], rowIdx: number[], balance: boolean, seed: number): number {
  const yy = rowIdx.map((i) => y[i] as number);
  const inner = stratifiedFolds(yy, 3, seed);
  let best = { lambda: LAMBDA_GRID[0] as number, auc: -1 };
  for (const lambda of LAMBDA_GRID) {
    const scores: number[] = new Array<number>(rowIdx.length).fill(0);
    for (let f = 0; f < 3; f++) {
      const tr = rowIdx.filter((_, n) => inner[n] !== f);
      const m = fitOn(t, cols, y, tr, lambda, balance);
      rowIdx.forEach((i, n) => {
        if (inner[n] === f) scores[n] = predict(m, t, i);
      });
    }
    const auc = rocAuc(scores, yy);
    if (auc > best.auc + 1e-9) best = { lambda, auc };
  }
  return best.lambda;
}

function predict(m: { specs: ColumnSpec[]; w: number[]; b: number }, t: Table, i: number): number {
  const x = encodeRow(m.specs, (name) => t.rows[i]?.[t.header.indexOf(name)] ?? '');
  let z = m.b;
  for (let j = 0; j < x.length; j++) z += (m.w[j] as number) * (x[j] as number);
  return sigmoid(z);
}

function fitOn(t: Table, cols: ReturnType<typeof inferColumns>['use'], y: number[], rowIdx: number[], lambda: number, balance: boolean): { specs: ColumnSpec[]; w: number[]; b: number } {
  const specs = fitEncoder(t, cols, rowIdx);
  const X = rowIdx.map((i) => encodeRow(specs, (name) => t.rows[i]?.[t.header.indexOf(name)] ?? ''));
  const yy = rowIdx.map((i) => y[i] as number);
  const { w, b } = fitLogistic(X, yy, { lambda, ...(balance ? { weights: classWeights(yy, true) as number[] } : {}) });
  return { specs, w, b };
}

export interface TrainResult {
  model: TableModel;
  dropped: { name: string; why: string }[];
  skippedRows: { line: number; reason: string }[];
}

export function train(t: Table, opts: TrainOptions): TrainResult {
  const li = t.header.indexOf(opts.label);
  if (li < 0) throw new RadarError('usage', `no column "${opts.label}" (columns: ${t.header.slice(0, 12).join(', ')}${t.header.length > 12 ? ', ...' : ''})`, { where: t.file });
  // Rows whose label is not a recognisable yes/no are left out, and said so.
  const skippedRows: { line: number; reason: string }[] = [];
  const keep: number[] = [];
  const y: number[] = [];
  t.rows.forEach((r, i) => {
    const l = parseLabel(r[li] ?? '');
    if (l === null) skippedRows.push({ line: t.lines[i] ?? 0, reason: `label "${(r[li] ?? '').slice(0, 20)}" is not yes/no` });
    else {
      keep.push(i);
      y.push(l);
    }
  });
  const tt: Table = { ...t, rows: keep.map((i) => t.rows[i] as string[]), lines: keep.map((i) => t.lines[i] as number) };
  const pos = y.filter((v) => v === 1).length;
  const k = opts.folds ?? 5;
  if (pos < k || y.length - pos < k) throw new RadarError('usage', `need at least ${k} leavers and ${k} stayers for ${k}-fold cross-validation (have ${pos} and ${y.length - pos})`, { where: t.file });
  const { use, idColumn, dropped } = inferColumns(tt, opts.label, opts.drop);
  if (use.length === 0) throw new RadarError('usage', 'no usable feature columns', { where: t.file });
  const balance = opts.balance ?? false;
  const seed = opts.seed ?? 7;

  const fold = stratifiedFolds(y, k, seed);
  const oof = new Array<number>(y.length).fill(0);
  const perRoc: number[] = [];
  const perPr: number[] = [];
  for (let f = 0; f < k; f++) {
    const trainIdx = y.map((_, i) => i).filter((i) => fold[i] !== f);
    const testIdx = y.map((_, i) => i).filter((i) => fold[i] === f);
    const lam = opts.lambda ?? chooseLambda(tt, use, y, trainIdx, balance, seed + f + 1);
    const m = fitOn(tt, use, y, trainIdx, lam, balance);
    const s = testIdx.map((i) => predict(m, tt, i));
    testIdx.forEach((i, n) => {
      oof[i] = s[n] as number;
    });
    const yt = testIdx.map((i) => y[i] as number);
    perRoc.push(rocAuc(s, yt));
    perPr.push(averagePrecision(s, yt));
  }
  const stat = (xs: number[]): { mean: number; sd: number; perFold: number[] } => {
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1));
    return { mean, sd, perFold: xs };
  };
  const cv: CvReport = {
    folds: k,
    rocAuc: stat(perRoc),
    prAuc: stat(perPr),
    pooledRocAuc: rocAuc(oof, y),
    pooledPrAuc: averagePrecision(oof, y),
    baselinePrAuc: pos / y.length,
  };
  const allIdx = y.map((_, i) => i);
  const lambda = opts.lambda ?? chooseLambda(tt, use, y, allIdx, balance, seed);
  const all = fitOn(tt, use, y, allIdx, lambda, balance);
  const model: TableModel = {
    format: 'sales-radar/attrition-table-model',
    version: 1,
    label: opts.label,
    idColumn,
    columns: all.specs,
    features: featureNames(all.specs),
    weights: all.w,
    intercept: all.b,
    lambda,
    balanced: balance,
    trainedAt: (opts.now ?? new Date()).toISOString(),
    rows: y.length,
    positives: pos,
    cv,
  };
  return { model, dropped, skippedRows };
}

export function checkModel(m: unknown, where: string): TableModel {
  const o = m as Partial<TableModel>;
  if (o?.format !== 'sales-radar/attrition-table-model' || o.version !== 1 || !Array.isArray(o.weights) || !Array.isArray(o.columns) || !Array.isArray(o.features)) {
    throw new RadarError('usage', 'not a sales-radar attrition model file (made by `radar signals train`)', { where });
  }
  if (o.weights.length !== o.features.length) throw new RadarError('usage', 'model file is inconsistent (weights vs features)', { where });
  return o as TableModel;
}

export interface TableDriver {
  feature: string;
  text_zh: string;
  text_en: string;
  contribution: number;
}

export interface TableScore {
  id: string;
  line: number;
  score: number;
  logit: number;
  /** Per source column: the sum of its encoded contributions. With the intercept they add up to the logit. */
  contributions: Contribution[];
  drivers: TableDriver[];
}

/** Scores each row of a table shaped like the training table. */
export function scoreTable(model: TableModel, t: Table): TableScore[] {
  const missing = model.columns.map((c) => c.name).filter((n) => !t.header.includes(n));
  if (missing.length > 0) throw new RadarError('usage', `columns missing from the input: ${missing.join(', ')}`, { where: t.file });
  const weights = Object.fromEntries(model.features.map((f, j) => [f, model.weights[j] as number]));
  const idIdx = model.idColumn ? t.header.indexOf(model.idColumn) : -1;
  return t.rows.map((r, i) => {
    const get = (name: string): string => r[t.header.indexOf(name)] ?? '';
    const x = encodeRow(model.columns, get);
    const xf = Object.fromEntries(model.features.map((f, j) => [f, x[j] as number]));
    const ex = explain(model.intercept, weights, xf, model.features);
    // Group encoded contributions by their source column: "OverTime" rather than "OverTime=No" and "OverTime=Yes".
    let j = 0;
    const byColumn: Contribution[] = [];
    for (const c of model.columns) {
      const width = c.kind === 'numeric' ? 1 : c.levels.length;
      let sum = 0;
      for (let q = 0; q < width; q++) sum += (ex.contributions[j + q] as Contribution).contribution;
      j += width;
      byColumn.push({ feature: c.name, value: c.kind === 'numeric' ? Number(get(c.name)) : Number.NaN, weight: Number.NaN, contribution: sum });
    }
    const drivers = topDrivers(byColumn, 3, 0).map((d) => {
      const spec = model.columns.find((c) => c.name === d.feature) as ColumnSpec;
      const v = get(d.feature) || '(empty)';
      const avg = spec.kind === 'numeric' ? Math.round(spec.mean * 10) / 10 : null;
      return {
        feature: d.feature,
        text_zh: avg === null ? `${d.feature} 为 ${v}` : `${d.feature} 为 ${v}（训练集平均 ${avg}）`,
        text_en: avg === null ? `${d.feature} = ${v}` : `${d.feature} = ${v} (training average ${avg})`,
        contribution: d.contribution,
      };
    });
    return {
      id: idIdx >= 0 ? (r[idIdx] ?? String(i + 1)) : `row ${t.lines[i] ?? i + 2}`,
      line: t.lines[i] ?? 0,
      score: ex.score,
      logit: ex.logit,
      contributions: byColumn,
      drivers,
    };
  });
}
