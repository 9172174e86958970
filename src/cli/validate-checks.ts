import type { RuleCheck } from '../contracts/rule-check.js';
import { RadarError } from '../core/errors.js';
import { loadCompareRules, loadExplicitMatches } from '../compare/config.js';
import { loadPriceList } from '../compare/pricelist.js';
import { loadAttritionConfig, loadSignalsConfig } from '../signals/config.js';
import { healthCheck } from '../health/validate.js';
import { salesCheck } from '../sales/validate.js';

export type { RuleCheck } from '../contracts/rule-check.js';

const asError = (e: unknown): RadarError => (e instanceof RadarError ? e : new RadarError('config', String(e)));

const compareCheck: RuleCheck = {
  name: 'price comparison (rules/compare.yaml, rules/matches.yaml, price list)',
  async check(paths, rules) {
    try {
      const loaded = loadCompareRules(paths);
      if (!loaded.enabled) return [];
      loadExplicitMatches(paths, loaded.rules);
      const list = await loadPriceList(loaded.priceListFile, loaded.rules, rules.owners);
      return list.problems.map((p) => new RadarError('config', p.message, { where: p.where }));
    } catch (e) {
      return [asError(e)];
    }
  },
};

const signalsCheck: RuleCheck = {
  name: 'attrition signals (rules/signals.yaml, rules/attrition.yaml)',
  async check(paths) {
    const errors: RadarError[] = [];
    for (const load of [loadSignalsConfig, loadAttritionConfig]) {
      try {
        await load(paths.rulesDir);
      } catch (e) {
        errors.push(asError(e));
      }
    }
    return errors;
  },
};

export const ruleChecks: RuleCheck[] = [compareCheck, signalsCheck, healthCheck, salesCheck];
