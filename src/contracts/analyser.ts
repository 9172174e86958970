import type { Alert } from '../alerts/model.js';
import type { Paths, Rules } from '../config/load.js';
import type { TargetRunResult } from './run-result.js';

export interface AnalyserContext {
  paths: Paths;
  rules: Rules;
  /** This run's results (good and failed); snapshots on disk already reflect the good ones. */
  results: TargetRunResult[];
  now: Date;
  /**
   * Records alerts durably now, for an analyser with a store of its own: it moves that store on
   * only after its alerts are safe (returning them as well is harmless: the outbox keeps one per id).
   */
  record?: (alerts: Alert[]) => void;
}

/**
 * Work that looks across targets after they all ran (price comparison against our own list,
 * cross-site tender dedupe ...). One file each, one line in `analysers` (src/pipeline/analysers.ts).
 * An analyser that throws is reported and skipped; it never stops the run's alerts from going out.
 */
export interface Analyser {
  name: string;
  analyse(ctx: AnalyserContext): Promise<Alert[]> | Alert[];
}
