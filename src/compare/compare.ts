/**
 * One comparison pass, shared by the analyser (after every run) and `radar match`:
 * rules → our price list → competitor offers from snapshots → matches → price index.
 */
import type { Paths } from '../config/load.js';
import type { OwnersRules } from '../config/rules-schema.js';
import { loadCompareRules, loadExplicitMatches, type ExplicitMatches, type LoadedCompareRules } from './config.js';
import { matchProducts, type MatchResult } from './match.js';
import { loadOffers, type LoadedOffers } from './offers.js';
import { buildIndex, type PriceIndex } from './price-index.js';
import { loadPriceList, type PriceList, type Problem } from './pricelist.js';

export interface Comparison {
  config: LoadedCompareRules;
  priceList: PriceList;
  explicit: ExplicitMatches;
  offers: LoadedOffers;
  matches: MatchResult;
  index: PriceIndex;
  /** Bad price-list rows and matches.yaml entries that name unknown SKUs. */
  problems: Problem[];
}

export interface CompareOptions {
  now: Date;
  owners: OwnersRules;
  /** Overrides the fuzzy threshold of rules/compare.yaml (for `radar match suggest`). */
  minConfidence?: number;
}

/** null when comparison is not configured (no rules/compare.yaml and no data/pricelist.csv). */
export async function compareNow(paths: Paths, opts: CompareOptions): Promise<Comparison | null> {
  const config = loadCompareRules(paths);
  if (!config.enabled) return null;
  const { rules } = config;
  const priceList = await loadPriceList(config.priceListFile, rules, opts.owners);
  const explicit = loadExplicitMatches(paths, rules);
  const offers = loadOffers(paths, opts.now, rules.max_age_days);
  const matches = matchProducts(priceList.products, offers.offers, explicit, {
    fuzzyThreshold: opts.minConfidence ?? rules.fuzzy.threshold,
    modelSeries: rules.model_series,
  });
  const index = buildIndex(priceList.products, matches.confirmed);
  const problems: Problem[] = [
    ...priceList.problems,
    ...matches.unknownSku.map((e) => ({ where: `${explicit.file}:${e.line}`, message: `our_sku: "${e.our_sku}" is not in the price list ${priceList.file}` })),
  ];
  return { config, priceList, explicit, offers, matches, index, problems };
}
