import type { Paths, Rules } from '../config/load.js';
import type { RadarError } from '../core/errors.js';

/**
 * A check of rule files beyond owners/price: each feature that reads its own rules adds one to
 * `ruleChecks` (src/cli/validate-checks.ts), so `radar validate` catches a broken file before the
 * run (or the daemon) trips over it.
 */
export interface RuleCheck {
  name: string;
  check(paths: Paths, rules: Rules): Promise<RadarError[]>;
}
