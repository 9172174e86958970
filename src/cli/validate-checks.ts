import type { RuleCheck } from '../contracts/rule-check.js';
import { RadarError } from '../core/errors.js';
import { loadCompareRules, loadExplicitMatches } from '../compare/config.js';
import { loadPriceList } from '../compare/pricelist.js';
import { displayPath } from '../config/load.js';
import { closest } from '../config/suggest.js';
import { readYamlSource } from '../config/yaml-source.js';
import type { Rules } from '../config/rules-schema.js';
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
      return [...tableOwnerProblems(loaded.file, Object.keys(loaded.rules.table.owners), rules), ...list.problems.map((p) => new RadarError('config', p.message, { where: p.where }))];
    } catch (e) {
      return [asError(e)];
    }
  },
};

/**
 * An address under table.owners that owns no region changes nobody's table: the owner it was
 * meant for (a typo) silently keeps the default cadence.
 */
function tableOwnerProblems(file: string | null, addresses: string[], rules: Rules): RadarError[] {
  if (!file || !addresses.length) return [];
  const owners = [...new Set(Object.values(rules.owners.regions).flatMap((r) => r.owners))];
  const known = new Set(owners.map((o) => o.toLowerCase()));
  const unknown = addresses.filter((a) => !known.has(a.toLowerCase()));
  if (!unknown.length) return [];
  const src = readYamlSource(file);
  return unknown.map((a) => {
    const near = closest(a, owners);
    const hint = near ? `did you mean "${near}"?` : 'table.owners lists region owners from rules/owners.yaml';
    return new RadarError('config', `table.owners.${a}: not an owner of any region in rules/owners.yaml, so it changes no one's table; ${hint}`, {
      where: `${displayPath(file)}:${src.lineOf(['table', 'owners', a])}`,
    });
  });
}

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
