/**
 * The logistic model behind every score, shared by the weekly attrition scorer and the
 * trained table model: logit = intercept + sum_i w_i x_i, score = 100 * sigmoid(logit).
 * Each term w_i x_i is that feature's contribution, so the drivers of a score add up exactly
 * (to floating-point rounding) to its logit: nothing is hidden in an interaction.
 */

export interface Contribution {
  feature: string;
  value: number;
  weight: number;
  contribution: number;
}

export interface Explained {
  intercept: number;
  logit: number;
  /** 0..1 */
  probability: number;
  /** 0..100 */
  score: number;
  /** In the model's feature order. */
  contributions: Contribution[];
}

export function sigmoid(z: number): number {
  // Split by sign so exp never overflows.
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Scores one feature vector; features missing from `x` count as 0. */
export function explain(intercept: number, weights: Readonly<Record<string, number>>, x: Readonly<Record<string, number>>, order: readonly string[] = Object.keys(weights)): Explained {
  const contributions: Contribution[] = [];
  let logit = intercept;
  for (const feature of order) {
    const weight = weights[feature] ?? 0;
    const value = x[feature] ?? 0;
    const contribution = weight * value;
    contributions.push({ feature, value, weight, contribution });
    logit += contribution;
  }
  const probability = sigmoid(logit);
  return { intercept, logit, probability, score: 100 * probability, contributions };
}

/** The `n` largest positive contributions, largest first: what pushed the score up. */
export function topDrivers<T extends { contribution: number }>(cs: readonly T[], n = 3, minContribution = 0.05): T[] {
  return cs
    .filter((c) => c.contribution > minContribution)
    .sort((a, b) => b.contribution - a.contribution)
    .slice(0, n);
}
