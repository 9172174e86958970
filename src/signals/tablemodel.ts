/**
 * Learning from the company's own past leavers: a labelled table (one row per person, any
 * numeric and categorical columns, a yes/no label) -> a ridge logistic regression whose
 * contributions add up exactly to each person's logit, like the weekly model.
 *
 * What goes in is shaped in tableencode.ts (log scales and splines for skewed numbers, level
 * indicators for small scales, one-hot categories, interactions HR recognises). The L2 strength
 * is chosen by an inner cross-validation on the training rows only, and the probabilities are
 * calibrated (Platt) on that same inner cross-validation's out-of-fold predictions, folded into
 * the weights so the contributions still add up. Evaluation is stratified k-fold cross-validation
 * in which the encoder, the L2 strength, the class weights and the calibration are all fitted
 * inside each training fold only.
 */
import { basename } from 'node:path';
import { averagePrecision, brier, calibrationError, rocAuc, spread, stratifiedFolds } from './evaluation.js';
import { parseLabel } from './labels.js';
import { fitLogistic, logLoss } from './logistic.js';
import { type Contribution, explain, sigmoid, topDrivers } from './model.js';
import { BadRows, type Cell, readTable } from './table.js';
import {
  blockWidth,
  type ColumnSpec,
  type EncoderOptions,
  encodeRow,
  featureNames,
  fitEncoder,
  inferColumns,
  type InteractionSpec,
  penaltyFactors,
  type Table,
  typicalValue,
  type UsedColumn,
} from './tableencode.js';
import { RadarError } from '../core/errors.js';

export type { ColumnSpec, Table } from './tableencode.js';
export { inferColumns, fitEncoder, encodeRow, featureNames } from './tableencode.js';
export { averagePrecision, rocAuc, stratifiedFolds, stratifiedSplit } from './evaluation.js';
export { parseLabel } from './labels.js';
export { fitLogistic } from './logistic.js';

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

export interface TableModel {
  format: 'sales-radar/attrition-table-model';
  /** 1: linear numbers and one-hot categories; 2: adds log scales, splines, ordinal levels, interactions and calibration. */
  version: 1 | 2;
  label: string;
  idColumn: string | null;
  columns: ColumnSpec[];
  /** Encoded feature names, e.g. "MonthlyIncome", "MonthlyIncome~spline1" or "OverTime=Yes". */
  features: string[];
  /** Calibrated: a probability is sigmoid(intercept + weights · encoded row). */
  weights: number[];
  intercept: number;
  lambda: number;
  /** Extra L2 factor on bends and interactions (version 2). */
  penaltyExtra?: number;
  /** Platt scaling applied to the fitted logit (folded into weights and intercept). */
  calibration?: { a: number; b: number } | null;
  balanced: boolean;
  trainedAt: string;
  rows: number;
  positives: number;
  cv: CvReport | null;
}

export interface FoldStat {
  mean: number;
  sd: number;
  min: number;
  max: number;
  perFold: number[];
}

export interface CvReport {
  folds: number;
  repeats: number;
  rocAuc: FoldStat;
  prAuc: FoldStat;
  /** AUCs over the pooled out-of-fold predictions (of the first repeat). */
  pooledRocAuc: number;
  pooledPrAuc: number;
  /** PR-AUC of a model that knows nothing: the positive rate. */
  baselinePrAuc: number;
  /** Of the calibrated out-of-fold probabilities, and of always predicting the base rate. */
  brier: number;
  baselineBrier: number;
  /** Mean |predicted - observed| over ten equal-count bins of the out-of-fold probabilities. */
  calibrationError: number;
}

export interface TrainOptions {
  label: string;
  drop?: string[];
  /** L2 strength on standardised features; by default chosen from LAMBDA_GRID by an inner CV inside each training fold. */
  lambda?: number;
  /** Weight classes to balance inside each training fold (equivalent to oversampling the leavers there); the calibration undoes the shift in probability. */
  balance?: boolean;
  folds?: number;
  /** Repeat the outer cross-validation with other shuffles, for a steadier estimate (default 1). */
  repeats?: number;
  /** Skip the outer cross-validation (the model is the same; only the report is missing). */
  evaluate?: boolean;
  /** Calibrate probabilities (default on). */
  calibrate?: boolean;
  encoder?: EncoderOptions;
  /** Extra L2 factor on bends and interactions (default PENALTY_EXTRA). */
  penaltyExtra?: number;
  seed?: number;
  now?: Date;
}

export const LAMBDA_GRID = [0.3, 1, 3, 10, 30, 100];
/** Bends and interactions are held this much harder towards zero than main effects. */
export const PENALTY_EXTRA = 3;
const INNER_FOLDS = 3;

interface Fitted {
  specs: ColumnSpec[];
  w: number[];
  b: number;
  lambda: number;
  calibration: { a: number; b: number } | null;
}

function classWeights(y: readonly number[]): number[] {
  const pos = y.filter((v) => v === 1).length;
  const neg = y.length - pos;
  return y.map((v) => (v === 1 ? y.length / (2 * pos) : y.length / (2 * neg)));
}

const rowGetter = (t: Table, i: number) => {
  const r = t.rows[i] as string[];
  return (name: string): string => r[t.header.indexOf(name)] ?? '';
};

function logitOf(w: readonly number[], b: number, x: readonly number[]): number {
  let z = b;
  for (let j = 0; j < x.length; j++) z += (w[j] as number) * (x[j] as number);
  return z;
}

interface FitContext {
  t: Table;
  cols: UsedColumn[];
  y: readonly number[];
  opts: TrainOptions;
}

/** Encoder + ridge fit on the given rows at one lambda. */
function fitAt(ctx: FitContext, rowIdx: readonly number[], lambdas: readonly number[]): { specs: ColumnSpec[]; fits: { w: number[]; b: number }[] } {
  const specs = fitEncoder(ctx.t, ctx.cols, rowIdx, ctx.opts.encoder);
  const X = rowIdx.map((i) => encodeRow(specs, rowGetter(ctx.t, i)));
  const yy = rowIdx.map((i) => ctx.y[i] as number);
  const penalty = penaltyFactors(specs, ctx.opts.penaltyExtra ?? PENALTY_EXTRA);
  const weights = ctx.opts.balance ? classWeights(yy) : undefined;
  // Along the grid each fit starts from the previous one: a few Newton steps instead of a dozen.
  const fits: { w: number[]; b: number }[] = [];
  for (const lambda of lambdas) fits.push(fitLogistic(X, yy, { lambda, penalty, ...(weights ? { weights } : {}), ...(fits.length ? { start: fits[fits.length - 1] } : {}) }));
  return { specs, fits };
}

/**
 * Fits on the given rows: picks lambda by an inner stratified CV (pooled out-of-fold log-loss,
 * which rewards ranking and honest probabilities alike), then calibrates on the chosen lambda's
 * out-of-fold logits. Nothing outside `rowIdx` is looked at.
 */
function fitSelected(ctx: FitContext, rowIdx: readonly number[], seed: number): Fitted {
  const grid = ctx.opts.lambda !== undefined ? [ctx.opts.lambda] : LAMBDA_GRID;
  const yy = rowIdx.map((i) => ctx.y[i] as number);
  const calibrate = ctx.opts.calibrate !== false;
  let lambda = grid[0] as number;
  let oofLogits: number[] | null = null;
  if (grid.length > 1 || calibrate) {
    const inner = stratifiedFolds(yy, INNER_FOLDS, seed);
    const oof = grid.map(() => new Array<number>(rowIdx.length).fill(0));
    for (let f = 0; f < INNER_FOLDS; f++) {
      const tr = rowIdx.filter((_, n) => inner[n] !== f);
      const { specs, fits } = fitAt(ctx, tr, grid);
      rowIdx.forEach((i, n) => {
        if (inner[n] !== f) return;
        const x = encodeRow(specs, rowGetter(ctx.t, i));
        fits.forEach((m, g) => {
          (oof[g] as number[])[n] = logitOf(m.w, m.b, x);
        });
      });
    }
    // With class weights the raw probabilities are shifted; rank by AUC then, by log-loss otherwise.
    let best = { g: 0, score: Number.POSITIVE_INFINITY };
    oof.forEach((z, g) => {
      const score = ctx.opts.balance ? -rocAuc(z, yy) : logLoss(z.map(sigmoid), yy);
      if (score < best.score - 1e-9) best = { g, score };
    });
    lambda = grid[best.g] as number;
    oofLogits = oof[best.g] as number[];
  }
  const { specs, fits } = fitAt(ctx, rowIdx, [lambda]);
  const fit = fits[0] as { w: number[]; b: number };
  let calibration: { a: number; b: number } | null = null;
  let w = fit.w;
  let b = fit.b;
  if (calibrate && oofLogits) {
    // Platt scaling: p = sigmoid(a + s * logit). A ridge fit is shrunk (s > 1 undoes it) and a
    // class-weighted one is shifted (a undoes it); both fold into the weights.
    const cal = fitLogistic(oofLogits.map((z) => [z]), yy, { lambda: 1e-6 });
    const s = cal.w[0] as number;
    if (Number.isFinite(s) && s > 0) {
      calibration = { a: cal.b, b: s };
      w = fit.w.map((v) => v * s);
      b = cal.b + s * fit.b;
    }
  }
  return { specs, w, b, lambda, calibration };
}

function predict(m: Fitted, t: Table, i: number): number {
  return sigmoid(logitOf(m.w, m.b, encodeRow(m.specs, rowGetter(t, i))));
}

export interface TrainResult {
  model: TableModel;
  dropped: { name: string; why: string }[];
  skippedRows: { line: number; reason: string }[];
}

function foldStat(xs: number[]): FoldStat {
  const s = spread(xs);
  return { mean: s.mean, sd: s.sd, min: s.min, max: s.max, perFold: s.values };
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
  const minPerClass = opts.evaluate === false ? INNER_FOLDS : k * INNER_FOLDS;
  if (pos < minPerClass || y.length - pos < minPerClass) {
    throw new RadarError('usage', `need at least ${minPerClass} leavers and ${minPerClass} stayers for ${k}-fold cross-validation with an inner ${INNER_FOLDS}-fold choice of settings (have ${pos} and ${y.length - pos})`, { where: t.file });
  }
  const { use, idColumn, dropped } = inferColumns(tt, opts.label, opts.drop);
  if (use.length === 0) throw new RadarError('usage', 'no usable feature columns', { where: t.file });
  const seed = opts.seed ?? 7;
  const ctx: FitContext = { t: tt, cols: use, y, opts };

  let cv: CvReport | null = null;
  if (opts.evaluate !== false) {
    const repeats = Math.max(1, opts.repeats ?? 1);
    const perRoc: number[] = [];
    const perPr: number[] = [];
    let pooled: { roc: number; pr: number; brier: number; ece: number } | null = null;
    for (let rep = 0; rep < repeats; rep++) {
      const fold = stratifiedFolds(y, k, seed + 1000 * rep);
      const oof = new Array<number>(y.length).fill(0);
      for (let f = 0; f < k; f++) {
        const trainIdx = y.map((_, i) => i).filter((i) => fold[i] !== f);
        const testIdx = y.map((_, i) => i).filter((i) => fold[i] === f);
        const m = fitSelected(ctx, trainIdx, seed + 1000 * rep + f + 1);
        const s = testIdx.map((i) => predict(m, tt, i));
        testIdx.forEach((i, n) => {
          oof[i] = s[n] as number;
        });
        const yt = testIdx.map((i) => y[i] as number);
        perRoc.push(rocAuc(s, yt));
        perPr.push(averagePrecision(s, yt));
      }
      pooled ??= { roc: rocAuc(oof, y), pr: averagePrecision(oof, y), brier: brier(oof, y), ece: calibrationError(oof, y) };
    }
    const rate = pos / y.length;
    cv = {
      folds: k,
      repeats,
      rocAuc: foldStat(perRoc),
      prAuc: foldStat(perPr),
      pooledRocAuc: (pooled as { roc: number }).roc,
      pooledPrAuc: (pooled as { pr: number }).pr,
      baselinePrAuc: rate,
      brier: (pooled as { brier: number }).brier,
      baselineBrier: rate * (1 - rate),
      calibrationError: (pooled as { ece: number }).ece,
    };
  }
  const all = fitSelected(ctx, y.map((_, i) => i), seed);
  const model: TableModel = {
    format: 'sales-radar/attrition-table-model',
    version: 2,
    label: opts.label,
    idColumn,
    columns: all.specs,
    features: featureNames(all.specs),
    weights: all.w,
    intercept: all.b,
    lambda: all.lambda,
    penaltyExtra: opts.penaltyExtra ?? PENALTY_EXTRA,
    calibration: all.calibration,
    balanced: opts.balance ?? false,
    trainedAt: (opts.now ?? new Date()).toISOString(),
    rows: y.length,
    positives: pos,
    cv,
  };
  return { model, dropped, skippedRows };
}

export function checkModel(m: unknown, where: string): TableModel {
  const o = m as Partial<TableModel>;
  if (o?.format !== 'sales-radar/attrition-table-model' || (o.version !== 1 && o.version !== 2) || !Array.isArray(o.weights) || !Array.isArray(o.columns) || !Array.isArray(o.features)) {
    throw new RadarError('usage', 'not a sales-radar attrition model file (made by `radar signals train`)', { where });
  }
  const width = o.columns.reduce((a, c) => a + blockWidth(c), 0);
  if (o.weights.length !== o.features.length || width !== o.weights.length) throw new RadarError('usage', 'model file is inconsistent (weights vs features)', { where });
  return o as TableModel;
}

export interface TableDriver {
  /** The source column (or "A × B" for an interaction). */
  feature: string;
  /** The person's value as written in the table ("A=x, B=y" for an interaction). */
  value: string;
  text_zh: string;
  text_en: string;
  /** Logit points this column adds compared with the average person. */
  contribution: number;
}

export interface TableScore {
  id: string;
  line: number;
  /** Calibrated probability of leaving, 0..1. */
  probability: number;
  /** The same on the 0..100 scale the weekly model uses. */
  score: number;
  logit: number;
  /** Per source column or interaction: the sum of its encoded contributions. With the intercept they add up to the logit. */
  contributions: Contribution[];
  drivers: TableDriver[];
}

const round = (x: number, d = 1): string => {
  const r = Math.round(x * 10 ** d) / 10 ** d;
  return String(r);
};

function conditionText(s: InteractionSpec, get: (name: string) => string): { zh: string; en: string; value: string } {
  const parts = s.when.map((w) => {
    const v = get(w.column) || '(empty)';
    if (w.op === 'is') return { zh: `${w.column} 为 ${v}`, en: `${w.column} = ${v}`, value: `${w.column}=${v}` };
    const cut = round(w.value as number);
    return {
      zh: `${w.column} 为 ${v}（${w.op === '<=' ? '偏低' : '偏高'}：${w.op === '<=' ? '≤' : '≥'} ${cut}）`,
      en: `${w.column} = ${v} (${w.op === '<=' ? 'low' : 'high'}: ${w.op === '<=' ? '≤' : '≥'} ${cut})`,
      value: `${w.column}=${v}`,
    };
  });
  return { zh: parts.map((p) => p.zh).join(' 且 '), en: parts.map((p) => p.en).join(' and '), value: parts.map((p) => p.value).join(', ') };
}

function driverFor(spec: ColumnSpec, get: (name: string) => string): { value: string; text_zh: string; text_en: string } {
  if (spec.kind === 'interaction') {
    const c = conditionText(spec, get);
    return { value: c.value, text_zh: c.zh, text_en: c.en };
  }
  const v = get(spec.name) || '(empty)';
  if (spec.kind === 'categorical') {
    const common = spec.levels[0];
    const note = common !== undefined && common !== v;
    return {
      value: v,
      text_zh: note ? `${spec.name} 为 ${v}（多数人为 ${common}）` : `${spec.name} 为 ${v}`,
      text_en: note ? `${spec.name} = ${v} (most people: ${common})` : `${spec.name} = ${v}`,
    };
  }
  const typical = round(typicalValue(spec));
  const word = spec.kind === 'ordinal' || spec.median !== undefined ? { zh: '训练集中位数', en: 'typical' } : { zh: '训练集平均', en: 'training average' };
  return { value: v, text_zh: `${spec.name} 为 ${v}（${word.zh} ${typical}）`, text_en: `${spec.name} = ${v} (${word.en} ${typical})` };
}

/** Scores each row of a table shaped like the training table. */
export function scoreTable(model: TableModel, t: Table): TableScore[] {
  const needed = new Set(model.columns.flatMap((c) => (c.kind === 'interaction' ? c.when.map((w) => w.column) : [c.name])));
  const missing = [...needed].filter((n) => !t.header.includes(n));
  if (missing.length > 0) throw new RadarError('usage', `columns missing from the input: ${missing.join(', ')}`, { where: t.file });
  const weights = Object.fromEntries(model.features.map((f, j) => [f, model.weights[j] as number]));
  const idIdx = model.idColumn ? t.header.indexOf(model.idColumn) : -1;
  return t.rows.map((r, i) => {
    const get = (name: string): string => r[t.header.indexOf(name)] ?? '';
    const x = encodeRow(model.columns, get);
    const xf = Object.fromEntries(model.features.map((f, j) => [f, x[j] as number]));
    const ex = explain(model.intercept, weights, xf, model.features);
    // Group encoded contributions by their block: "YearsAtCompany" rather than its linear and spline terms.
    let j = 0;
    const byBlock: { spec: ColumnSpec; c: Contribution }[] = [];
    for (const spec of model.columns) {
      const width = blockWidth(spec);
      let sum = 0;
      for (let q = 0; q < width; q++) sum += (ex.contributions[j + q] as Contribution).contribution;
      j += width;
      const raw = spec.kind === 'interaction' ? Number.NaN : Number(get(spec.name));
      byBlock.push({ spec, c: { feature: spec.name, value: spec.kind === 'numeric' || spec.kind === 'ordinal' ? raw : Number.NaN, weight: Number.NaN, contribution: sum } });
    }
    const drivers = topDrivers(
      byBlock.map((b) => ({ ...b, contribution: b.c.contribution })),
      3,
      0,
    ).map((b) => ({ feature: b.spec.name, ...driverFor(b.spec, get), contribution: b.contribution }));
    return {
      id: idIdx >= 0 ? (r[idIdx] ?? String(i + 1)) : `row ${t.lines[i] ?? i + 2}`,
      line: t.lines[i] ?? 0,
      probability: ex.probability,
      score: ex.score,
      logit: ex.logit,
      contributions: byBlock.map((b) => b.c),
      drivers,
    };
  });
}

/** How each column was read, in a few phrases for `train`'s report (the model file has the details). */
export function describeEncoding(m: TableModel): string[] {
  const names = (kind: ColumnSpec['kind'], test: (c: ColumnSpec) => boolean = () => true): string[] => m.columns.filter((c) => c.kind === kind && test(c)).map((c) => c.name);
  const out: string[] = [];
  const numeric = names('numeric');
  if (numeric.length) {
    const logs = names('numeric', (c) => c.kind === 'numeric' && c.transform === 'log1p');
    const splines = names('numeric', (c) => c.kind === 'numeric' && !!c.knots);
    out.push(`${numeric.length} numbers (${splines.length} with a spline${logs.length ? `; log scale: ${logs.join(', ')}` : ''})`);
  }
  const ordinal = names('ordinal');
  if (ordinal.length) out.push(`${ordinal.length} scales as trend + levels (${ordinal.join(', ')})`);
  const cats = names('categorical');
  if (cats.length) out.push(`${cats.length} categories one-hot`);
  for (const c of m.columns) {
    if (c.kind !== 'interaction') continue;
    const when = c.when.map((w) => (w.op === 'is' ? (w.yes ? `${w.column} yes` : `${w.column} = ${w.value}`) : `${w.column} ${w.op === '<=' ? '≤' : '≥'} ${Math.round((w.value as number) * 10) / 10}`)).join(' and ');
    out.push(`interaction ${when} (${(c.freq * 100).toFixed(0)} % of rows)`);
  }
  return out;
}

/** The largest weights, one per block (OverTime=Yes, not also OverTime=No), largest first. */
export function strongestTerms(m: TableModel, n: number): { feature: string; weight: number }[] {
  const best: { feature: string; weight: number }[] = [];
  let j = 0;
  for (const c of m.columns) {
    const width = blockWidth(c);
    let top = j;
    // ">=": of a two-level category's equal and opposite pair, the second (usually the risky "Yes") is shown.
    for (let q = j; q < j + width; q++) if (Math.abs(m.weights[q] as number) >= Math.abs(m.weights[top] as number) - 1e-12) top = q;
    best.push({ feature: m.features[top] as string, weight: m.weights[top] as number });
    j += width;
  }
  return best.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)).slice(0, n);
}
