// What every quality row shares. A quality row is one file `bench/rows/quality-<name>.js`, found by
// the bench on its own (no list to edit): it runs in its own child with
//   --dist DIR   the compiled product (DIR/parse/price.js, ...)
//   --src DIR    the source tree being measured (its test/ corpora)
//   --out FILE   where to write the result (call `reportQuality`)
// and reports lines for the quality table plus goals. Quality is measured on data, not timed:
// each row runs once and should take seconds.
import { report } from './child.js';

/**
 * One line of the quality table. `tuned` is measured on data the code was tuned on, `heldOut` on
 * data nobody looked at while tuning (the more honest number); either may be omitted.
 * @typedef {{ row: string, measure: string, tuned?: string, heldOut?: string, note?: string }} QualityLine
 * @typedef {{ goal: string, measured: string, met: boolean | null }} QualityGoal
 */

/** @param {string} out @param {{ lines: QualityLine[], goals?: QualityGoal[] }} result */
export function reportQuality(out, { lines, goals = [] }) {
  report(out, { quality: { lines, goals } });
}

/** Precision, recall and F1 from counts; null where undefined (nothing predicted / nothing to find). */
export function prf({ tp, fp, fn }) {
  const precision = tp + fp ? tp / (tp + fp) : null;
  const recall = tp + fn ? tp / (tp + fn) : null;
  const f1 = precision !== null && recall !== null && precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : null;
  return { precision, recall, f1 };
}

export const pct = (x, digits = 1) => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(digits)} %`);
export const dec = (x, digits = 3) => (x === null || x === undefined ? '–' : x.toFixed(digits));
