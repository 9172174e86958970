/**
 * Which competitor item is the equivalent of which of our SKUs, in this order:
 *
 * 1. explicit — rules/matches.yaml (kept by sales ops). An entry for a SKU and a competitor
 *    replaces automatic matching for that pair; `rejected` entries are never matched.
 * 2. identifier — their GTIN/EAN equals ours, or their MPN equals our model number.
 * 3. model — a model number in their title (or MPN) equals ours after normalisation, or has the
 *    same standard code (KFR-35GW/N8 ≈ KFR-35GW/R1). When several items of one shop tie, the
 *    match is ambiguous and only suggested, whatever the fuzzy threshold.
 * 4. fuzzy — title similarity (brand + category + tokens), suggested above a threshold.
 *
 * Items claimed by an explicit or identifier match are that SKU's and nobody else's. Only
 * `confirmed` matches (1–3) feed the price index and alerts; `suggested` ones (4 and ambiguous
 * 3) wait for ops to confirm them into rules/matches.yaml (`radar match suggest`).
 */
import type { ExplicitMatches, MatchEntry } from './config.js';
import { extractModels, modelSeries, normaliseGtin, normaliseModel } from './model.js';
import { offerId, type Offer } from './offers.js';
import type { OurProduct } from './pricelist.js';
import { titleTokens, weightedDice } from './tokens.js';

export type Method = 'explicit' | 'identifier' | 'model' | 'fuzzy';

export const METHOD_RANK: Record<Method, number> = { explicit: 0, identifier: 1, model: 2, fuzzy: 3 };

export interface Match {
  sku: string;
  offer: Offer;
  method: Method;
  /** 0..1: 1 for explicit, ~0.95 for identifiers and exact models, lower for series and fuzzy. */
  confidence: number;
  /** Why, for people: "gtin 6901234567892", "model KFR-35GW/N8", "title 0.73". */
  detail: string;
  /** Used for the index and alerts; false = a suggestion only. */
  confirmed: boolean;
  /** A model match shared by several items of one shop: ops must pick one. */
  ambiguous?: boolean;
}

export interface MatchOptions {
  /** Title similarity from which a fuzzy match is suggested. */
  fuzzyThreshold: number;
  /** Match by standard code (before "/") too. */
  modelSeries: boolean;
}

export interface MatchResult {
  confirmed: Match[];
  suggested: Match[];
  /** Explicit entries whose item is not in any current snapshot (renamed key, target failing). */
  unseen: MatchEntry[];
  /** Explicit entries naming a SKU that is not in the price list. */
  unknownSku: MatchEntry[];
}

const lc = (s: string) => s.normalize('NFKC').trim().toLowerCase();
const pairKey = (sku: string, competitor: string) => `${sku}\0${lc(competitor)}`;

function entryHits(e: MatchEntry, o: Offer): boolean {
  return lc(e.competitor) === lc(o.competitor) && e.key === o.key && (e.target === undefined || e.target === o.targetId);
}

interface OurKeys {
  p: OurProduct;
  gtin: string | null;
  full: string | null;
  series: string | null;
}

export function matchProducts(ours: readonly OurProduct[], offers: readonly Offer[], explicit: ExplicitMatches, opts: MatchOptions): MatchResult {
  const bySku = new Map(ours.map((p) => [p.sku, p]));
  const confirmed: Match[] = [];
  const suggested: Match[] = [];
  const claimed = new Set<string>();
  const explicitPairs = new Set<string>();
  const rejected = (sku: string, o: Offer) => explicit.rejected.some((r) => r.our_sku === sku && entryHits(r, o));

  // 1. Explicit.
  const unseen: MatchEntry[] = [];
  const unknownSku: MatchEntry[] = [];
  for (const e of explicit.matches) {
    if (!bySku.has(e.our_sku)) {
      unknownSku.push(e);
      continue;
    }
    explicitPairs.add(pairKey(e.our_sku, e.competitor));
    const hits = offers.filter((o) => entryHits(e, o));
    if (!hits.length) unseen.push(e);
    for (const o of hits) {
      confirmed.push({ sku: e.our_sku, offer: o, method: 'explicit', confidence: 1, detail: `rules/matches.yaml:${e.line}`, confirmed: true });
      claimed.add(offerId(o));
    }
  }
  const blocked = (sku: string, o: Offer) => explicitPairs.has(pairKey(sku, o.competitor)) || rejected(sku, o);

  const keys: OurKeys[] = ours.map((p) => ({
    p,
    gtin: normaliseGtin(p.gtin),
    full: p.model ? normaliseModel(p.model) || null : null,
    series: p.model ? modelSeries(p.model) || null : null,
  }));

  // 2. Identifiers.
  for (const o of offers) {
    if (claimed.has(offerId(o))) continue;
    const gtin = normaliseGtin(o.gtin);
    const mpn = o.mpn ? normaliseModel(o.mpn) : null;
    let hit = false;
    for (const k of keys) {
      if (blocked(k.p.sku, o)) continue;
      const how = gtin && k.gtin === gtin ? `gtin ${o.gtin}` : mpn && k.full && mpn === k.full ? `mpn ${o.mpn}` : null;
      if (!how) continue;
      confirmed.push({ sku: k.p.sku, offer: o, method: 'identifier', confidence: 0.98, detail: how, confirmed: true });
      hit = true;
    }
    if (hit) claimed.add(offerId(o));
  }

  const haveConfirmed = new Set(confirmed.map((m) => `${m.sku}\0${m.offer.targetId}\0${lc(m.offer.competitor)}`));
  const skuTarget = (sku: string, o: Offer) => `${sku}\0${o.targetId}\0${lc(o.competitor)}`;

  // 3. Model numbers, per SKU and shop: the best strength wins; a tie is ambiguous. Claimed
  // items still count for the tie, so taking one of three KFR-35GW out explicitly does not make
  // one of the other two look unique.
  const free = offers.filter((o) => !claimed.has(offerId(o)));
  const offerModels = new Map(offers.map((o) => [offerId(o), [...extractModels(o.name), ...(o.mpn ? extractModels(o.mpn) : [])]]));
  for (const k of keys) {
    if (!k.full) continue;
    const perShop = new Map<string, { o: Offer; strength: number; raw: string }[]>();
    for (const o of offers) {
      if (blocked(k.p.sku, o) || haveConfirmed.has(skuTarget(k.p.sku, o))) continue;
      let best: { strength: number; raw: string } | null = null;
      for (const m of offerModels.get(offerId(o)) ?? []) {
        const strength = m.full === k.full ? 2 : opts.modelSeries && k.series && k.series.length >= 5 && m.series === k.series ? 1 : 0;
        if (strength > (best?.strength ?? 0)) best = { strength, raw: m.raw };
      }
      if (!best) continue;
      const shop = skuTarget(k.p.sku, o);
      perShop.set(shop, [...(perShop.get(shop) ?? []), { o, ...best }]);
    }
    for (const cands of perShop.values()) {
      const top = Math.max(...cands.map((c) => c.strength));
      const best = cands.filter((c) => c.strength === top);
      const conf = top === 2 ? 0.95 : 0.85;
      if (best.length === 1 && claimed.has(offerId(best[0]!.o))) continue;
      if (best.length === 1) {
        const c = best[0]!;
        confirmed.push({ sku: k.p.sku, offer: c.o, method: 'model', confidence: conf, detail: `${top === 2 ? 'model' : 'series'} ${c.raw}`, confirmed: true });
        haveConfirmed.add(skuTarget(k.p.sku, c.o));
      } else {
        for (const c of best.filter((c) => !claimed.has(offerId(c.o)))) {
          // Confidence here is the title similarity, the best hint for ops choosing among the tied items.
          suggested.push({ sku: k.p.sku, offer: c.o, method: 'model', confidence: fuzzyScore(k.p, c.o), detail: `${top === 2 ? 'model' : 'series'} ${c.raw}; ambiguous: ${best.length} ${c.o.competitor} items`, confirmed: false, ambiguous: true });
        }
      }
    }
  }

  // 4. Fuzzy suggestions, only where a SKU has nothing confirmed in that shop.
  const matchedOffers = new Set(confirmed.map((m) => offerId(m.offer)));
  for (const k of keys) {
    for (const o of free) {
      if (matchedOffers.has(offerId(o)) || blocked(k.p.sku, o) || haveConfirmed.has(skuTarget(k.p.sku, o))) continue;
      if (suggested.some((s) => s.sku === k.p.sku && s.offer === o)) continue;
      const score = fuzzyScore(k.p, o);
      if (score >= opts.fuzzyThreshold) suggested.push({ sku: k.p.sku, offer: o, method: 'fuzzy', confidence: score, detail: `title ${score.toFixed(2)}`, confirmed: false });
    }
  }
  suggested.sort((a, b) => Number(a.ambiguous ?? false) - Number(b.ambiguous ?? false) || b.confidence - a.confidence || a.sku.localeCompare(b.sku));
  return { confirmed, suggested, unseen, unknownSku };
}

function dropWords(p: OurProduct, o: Offer | null): string[] {
  return [p.brand, o?.competitor, o?.brand].filter((w): w is string => !!w && w.trim().length > 0);
}

/**
 * Title similarity with brand and category: brand words are dropped from both titles (they
 * differ between makers and say nothing about equivalence), a title that does not name our
 * category is penalised, and a listing of our own brand (a dealer) gets a bonus.
 */
export function fuzzyScore(p: OurProduct, o: Offer): number {
  const drop = dropWords(p, o);
  const a = titleTokens(p.name ?? p.model ?? '', { drop });
  const b = titleTokens(o.name ?? '', { drop });
  let score = weightedDice(a, b);
  const title = (o.name ?? '').normalize('NFKC').toLowerCase();
  if (p.category && !title.includes(p.category.normalize('NFKC').toLowerCase())) score *= 0.7;
  if (p.brand && (lc(o.brand ?? '') === lc(p.brand) || title.includes(lc(p.brand)))) score = Math.min(1, score + 0.15);
  return round2(score);
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
