/**
 * How well a scorer separates leavers from stayers, and how honest its probabilities are:
 * ROC-AUC, PR-AUC (average precision), Brier score, calibration, and seeded stratified splits.
 */
import { Rng } from './random.js';

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

/** Mean squared error of probabilities: 0 is perfect, the base rate times (1 - base rate) is a constant guess. */
export function brier(p: readonly number[], y: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += ((p[i] as number) - (y[i] as number)) ** 2;
  return s / Math.max(1, p.length);
}

/**
 * Expected calibration error over `bins` equal-count bins: the average gap between the mean
 * predicted probability and the observed rate, weighted by bin size.
 */
export function calibrationError(p: readonly number[], y: readonly number[], bins = 10): number {
  const order = p.map((_, i) => i).sort((a, b) => (p[a] as number) - (p[b] as number));
  let err = 0;
  for (let b = 0; b < bins; b++) {
    const lo = Math.floor((b * order.length) / bins);
    const hi = Math.floor(((b + 1) * order.length) / bins);
    if (hi <= lo) continue;
    let mp = 0;
    let my = 0;
    for (let k = lo; k < hi; k++) {
      mp += p[order[k] as number] as number;
      my += y[order[k] as number] as number;
    }
    err += Math.abs(mp - my);
  }
  return err / Math.max(1, order.length);
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

/**
 * A stratified hold-out split (e.g. 70/30): the share of leavers is the same on both sides.
 * Returns the row indices of each side.
 */
export function stratifiedSplit(y: readonly number[], testShare: number, seed: number): { train: number[]; test: number[] } {
  const rng = new Rng(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const cls of [0, 1]) {
    const members = rng.shuffle(y.map((v, i) => (v === cls ? i : -1)).filter((i) => i >= 0));
    const nTest = Math.round(members.length * testShare);
    members.forEach((i, n) => (n < nTest ? test : train).push(i));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

export interface Spread {
  mean: number;
  sd: number;
  min: number;
  max: number;
  values: number[];
}

/** Mean, sample SD, min and max: the spread printed beside every cross-validated number. */
export function spread(xs: readonly number[]): Spread {
  const v = xs.filter((x) => Number.isFinite(x));
  const mean = v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, v.length - 1));
  return { mean, sd, min: Math.min(...v), max: Math.max(...v), values: [...xs] };
}
