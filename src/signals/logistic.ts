/**
 * Ridge (L2) logistic regression by Newton's method (IRLS), for the trained table model and its
 * calibration. The intercept is never penalised; each column may carry its own penalty factor,
 * so the nonlinear and interaction terms can be held closer to zero than the main effects.
 * Small d (tens to about a hundred encoded columns), so a dense Cholesky solve per step is plenty.
 */
import { sigmoid } from './model.js';

export interface LogisticFit {
  w: number[];
  b: number;
}

export interface LogisticOptions {
  lambda: number;
  /** Per-column multiplier of lambda (default 1 for every column). */
  penalty?: readonly number[];
  /** Per-row weights (class balancing). */
  weights?: readonly number[];
  maxIter?: number;
}

export function fitLogistic(X: readonly (readonly number[])[], y: readonly number[], opts: LogisticOptions & { start?: LogisticFit }): LogisticFit {
  const n = X.length;
  const d = X[0]?.length ?? 0;
  const p = d + 1; // last column = intercept
  // Rows copied once into a flat array with the intercept's 1 appended: the Hessian loop below
  // is the whole cost of training, and it runs on plain doubles.
  const A = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    const xi = X[i] as readonly number[];
    for (let j = 0; j < d; j++) A[i * p + j] = xi[j] as number;
    A[i * p + d] = 1;
  }
  const beta = new Float64Array(p);
  const sw = opts.weights;
  const pen = new Float64Array(d);
  for (let j = 0; j < d; j++) pen[j] = opts.lambda * (opts.penalty?.[j] ?? 1);
  if (opts.start && opts.start.w.length === d) {
    for (let j = 0; j < d; j++) beta[j] = opts.start.w[j] as number;
    beta[d] = opts.start.b;
  } else {
    // Start the intercept at the base rate: fewer Newton steps, and no overshoot on rare labels.
    let ys = 0;
    let ws = 0;
    for (let i = 0; i < n; i++) {
      const wi = sw ? (sw[i] as number) : 1;
      ys += wi * (y[i] as number);
      ws += wi;
    }
    const rate = Math.min(1 - 1e-6, Math.max(1e-6, ys / Math.max(ws, 1e-12)));
    beta[d] = Math.log(rate / (1 - rate));
  }
  const H = new Float64Array(p * p);
  const g = new Float64Array(p);
  for (let iter = 0; iter < (opts.maxIter ?? 50); iter++) {
    H.fill(0);
    g.fill(0);
    for (let i = 0; i < n; i++) {
      const o = i * p;
      let z = 0;
      for (let j = 0; j < p; j++) z += (beta[j] as number) * (A[o + j] as number);
      const mu = sigmoid(z);
      const swi = sw ? (sw[i] as number) : 1;
      const wi = swi * Math.max(mu * (1 - mu), 1e-10);
      const r = swi * ((y[i] as number) - mu);
      for (let j = 0; j < p; j++) {
        const xj = A[o + j] as number;
        g[j] = (g[j] as number) + r * xj;
        const wx = wi * xj;
        const row = j * p;
        for (let k = 0; k <= j; k++) H[row + k] = (H[row + k] as number) + wx * (A[o + k] as number);
      }
    }
    for (let j = 0; j < d; j++) {
      H[j * p + j] = (H[j * p + j] as number) + (pen[j] as number);
      g[j] = (g[j] as number) - (pen[j] as number) * (beta[j] as number);
    }
    const step = choleskySolve(H, g, p);
    let maxStep = 0;
    for (let j = 0; j < p; j++) {
      beta[j] = (beta[j] as number) + (step[j] as number);
      maxStep = Math.max(maxStep, Math.abs(step[j] as number));
    }
    if (maxStep < 1e-7) break;
  }
  return { w: Array.from(beta.subarray(0, d)), b: beta[d] as number };
}

/** Solves A x = b for a symmetric positive definite A given by its lower triangle (row-major, n x n). */
function choleskySolve(A: Float64Array, bvec: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j] as number;
      for (let k = 0; k < j; k++) s -= (L[i * n + k] as number) * (L[j * n + k] as number);
      if (i === j) L[i * n + i] = Math.sqrt(Math.max(s, 1e-12));
      else L[i * n + j] = s / (L[j * n + j] as number);
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = bvec[i] as number;
    for (let k = 0; k < i; k++) s -= (L[i * n + k] as number) * (z[k] as number);
    z[i] = s / (L[i * n + i] as number);
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i] as number;
    for (let k = i + 1; k < n; k++) s -= (L[k * n + i] as number) * (x[k] as number);
    x[i] = s / (L[i * n + i] as number);
  }
  return x;
}

/** Mean log-loss of probabilities against 0/1 labels (clipped, so a confident miss costs a lot but not infinity). */
export function logLoss(p: readonly number[], y: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const q = Math.min(1 - 1e-12, Math.max(1e-12, p[i] as number));
    s -= (y[i] as number) === 1 ? Math.log(q) : Math.log(1 - q);
  }
  return s / Math.max(1, p.length);
}
