import type { Alert } from '../alerts/model.js';
import type { Target } from '../config/target-schema.js';
import type { Failure } from '../core/verdict.js';
import type { ItemDiff } from '../diff/diff.js';
import type { TargetLog } from '../store/runlog.js';

/** One page of a target's run, as the run log, `radar try` and progress output show it. */
export interface PageReport {
  url: string;
  status: number | null;
  items: number;
  /** Body size in bytes. */
  bytes?: number;
  /** The HTML closed its document (`</html>`); null when that cannot be told (JSON). */
  closes?: boolean | null;
  error?: string;
}

/** What one target's run ended in; the pipeline makes it, analysers and the CLI read it. */
export interface TargetRunResult {
  target: Target;
  verdict: 'good' | 'failed';
  failure?: Failure;
  items: number;
  pages: PageReport[];
  diff?: Pick<ItemDiff, 'added' | 'removed' | 'changed' | 'missing'>;
  alerts: Alert[];
  log: TargetLog;
  durationMs: number;
}
