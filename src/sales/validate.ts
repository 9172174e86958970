import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RuleCheck } from '../contracts/rule-check.js';
import { RadarError } from '../core/errors.js';
import { loadFollowupConfig } from './followup/config.js';
import { loadScorecardConfig } from './scorecard/config.js';
import { loadTargetsConfig } from './targets/config.js';

/** `radar validate` checks each sales rule file there is (tiers, bands, adjustments, stages ...). */
export const salesCheck: RuleCheck = {
  name: 'sales targets, follow-up and scorecard (rules/targets.yaml, rules/followup.yaml, rules/scorecard.yaml)',
  async check(paths) {
    const errors: RadarError[] = [];
    for (const [file, load] of [
      ['targets.yaml', loadTargetsConfig],
      ['followup.yaml', loadFollowupConfig],
      ['scorecard.yaml', loadScorecardConfig],
    ] as const) {
      if (!existsSync(join(paths.rulesDir, file))) continue;
      try {
        load(paths.rulesDir);
      } catch (e) {
        errors.push(e instanceof RadarError ? e : new RadarError('config', String(e)));
      }
    }
    return errors;
  },
};
