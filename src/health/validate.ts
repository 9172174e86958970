import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RuleCheck } from '../contracts/rule-check.js';
import { RadarError } from '../core/errors.js';
import { loadHealthConfig } from './config.js';

/** `radar validate` checks rules/health.yaml when there is one (formulas, variables, courses ...). */
export const healthCheck: RuleCheck = {
  name: 'sales health index (rules/health.yaml)',
  async check(paths) {
    if (!existsSync(join(paths.rulesDir, 'health.yaml'))) return [];
    try {
      loadHealthConfig(paths.rulesDir);
      return [];
    } catch (e) {
      return [e instanceof RadarError ? e : new RadarError('config', String(e))];
    }
  },
};
