import type { Analyser } from '../contracts/analyser.js';
import { comparisonAlerts, problemAlerts, suggestionAlerts } from './alerts.js';
import { compareNow } from './compare.js';
import { tableAlerts } from './table.js';

/**
 * Runs after all targets: compares every matched competitor price with ours, per region, and
 * makes the region's 比价 table for the owners who want it.
 * Reads snapshots from disk, so targets that were not part of this run (`--target`) still
 * count with their last good data, within max_age_days.
 */
export const comparisonAnalyser: Analyser = {
  name: 'comparison',
  async analyse({ paths, rules, now }) {
    const cmp = await compareNow(paths, { now, owners: rules.owners });
    if (!cmp) return [];
    return [
      ...comparisonAlerts(cmp.index, cmp.config.rules, now, rules.owners),
      ...problemAlerts(cmp.problems, now),
      ...suggestionAlerts(cmp.matches.suggested, cmp.priceList.products, now),
      ...tableAlerts(cmp.index, cmp.config.rules, rules.owners, now),
    ];
  },
};
