/**
 * Which competitor item is the equivalent of which of our SKUs, in this order:
 *
 * 1. explicit — rules/matches.yaml (kept by sales ops). An entry for a SKU and a competitor
 *    replaces automatic matching for that pair; `rejected` entries are never matched.
 * 2. identifier — their GTIN/EAN equals ours, or their MPN equals our model number.
 * 3. model — the exact model number in their title (or MPN) equals ours after normalisation.
 *    When several items of one shop tie, the match is ambiguous and only suggested.
 * 4. series — only the standard code is the same (KFR-35GW/N8 ≈ our KFR-35GW/R1): another SKU of
 *    the same class, suggested only.
 * 5. fuzzy — title similarity (brand + category + tokens), suggested above a threshold.
 *
 * Items claimed by an explicit or identifier match are that SKU's and nobody else's. Only
 * `confirmed` matches (1–3: the same product, by someone's word or by an identifier) feed the price
 * index and alerts: "东岳 is 52 % cheaper than our KFR-35GW/BP" from a series match between two
 * different SKUs is exactly the false alert that costs a regional head's trust. `suggested` ones
 * (4, 5 and ambiguous 3) wait for ops to confirm them into rules/matches.yaml (`radar match
 * suggest`, and the ops digest).
 */
import type { ExplicitMatches, MatchEntry } from './config.js';
import { extractModels, modelSeries, normaliseGtin, normaliseModel } from './model.js';
import { offerId, type Offer } from './offers.js';
import type { OurProduct } from './pricelist.js';
import { titleTokens, weightedDice, type Tokens } from './tokens.js';

export type Method = 'explicit' | 'identifier' | 'model' | 'series' | 'fuzzy';

export const METHOD_RANK: Record<Method, number> = { explicit: 0, identifier: 1, model: 2, series: 3, fuzzy: 4 };

/** Methods that say "the same product": only these may be compared and alerted on. */
export const CONFIRMING: ReadonlySet<Method> = new Set(['explicit', 'identifier', 'model']);

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
  /** Suggest matches by standard code (before "/") too: never confirmed, never alerted. */
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

const lcMemo = new Map<string, string>();
/** Case- and width-insensitive form; memoised, since matching compares the same few names millions of times. */
function lc(s: string): string {
  let v = lcMemo.get(s);
  if (v === undefined) {
    v = s.normalize('NFKC').trim().toLowerCase();
    if (lcMemo.size > 50_000) lcMemo.clear();
    lcMemo.set(s, v);
  }
  return v;
}
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
  const byFull = new Map<string, { o: Offer; raw: string }[]>();
  const bySeries = new Map<string, { o: Offer; raw: string }[]>();
  const push = <V>(m: Map<string, V[]>, k: string, v: V) => {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  };
  for (const o of offers) {
    for (const m of [...extractModels(o.name), ...(o.mpn ? extractModels(o.mpn) : [])]) {
      push(byFull, m.full, { o, raw: m.raw });
      push(bySeries, m.series, { o, raw: m.raw });
    }
  }
  const score = scorer(ours);
  for (const k of keys) {
    if (!k.full) continue;
    const perShop = new Map<string, Map<Offer, { o: Offer; strength: number; raw: string }>>();
    const consider = (c: { o: Offer; raw: string }, strength: number) => {
      if (blocked(k.p.sku, c.o) || haveConfirmed.has(skuTarget(k.p.sku, c.o))) return;
      const shop = skuTarget(k.p.sku, c.o);
      const inShop = perShop.get(shop) ?? new Map();
      perShop.set(shop, inShop);
      if (strength > (inShop.get(c.o)?.strength ?? 0)) inShop.set(c.o, { ...c, strength });
    };
    for (const c of byFull.get(k.full) ?? []) consider(c, 2);
    if (opts.modelSeries && k.series && k.series.length >= 5) for (const c of bySeries.get(k.series) ?? []) consider(c, 1);
    for (const inShop of perShop.values()) {
      const cands = [...inShop.values()];
      const top = Math.max(...cands.map((c) => c.strength));
      const best = cands.filter((c) => c.strength === top);
      const conf = top === 2 ? 0.95 : 0.85;
      if (best.length === 1 && claimed.has(offerId(best[0]!.o))) continue;
      const method: Method = top === 2 ? 'model' : 'series';
      if (best.length === 1 && method === 'model') {
        const c = best[0]!;
        confirmed.push({ sku: k.p.sku, offer: c.o, method, confidence: conf, detail: `model ${c.raw}`, confirmed: true });
        haveConfirmed.add(skuTarget(k.p.sku, c.o));
      } else if (best.length === 1) {
        // The same class of product, not the same product: ops decide.
        const c = best[0]!;
        suggested.push({ sku: k.p.sku, offer: c.o, method, confidence: conf, detail: `series ${c.raw}: same standard code, another model`, confirmed: false });
      } else {
        for (const c of best.filter((c) => !claimed.has(offerId(c.o)))) {
          // Confidence here is the title similarity, the best hint for ops choosing among the tied items.
          suggested.push({ sku: k.p.sku, offer: c.o, method, confidence: score(k.p, c.o), detail: `${method} ${c.raw}; ambiguous: ${best.length} ${c.o.competitor} items`, confirmed: false, ambiguous: true });
        }
      }
    }
  }

  // 4. Fuzzy suggestions, only where a SKU has nothing confirmed in that shop. The shared weight
  // of every pair is accumulated through an inverted index (token → items), so 2,000 SKUs
  // against 5,000 items costs array additions, not ten million set comparisons.
  const matchedOffers = new Set(confirmed.map((m) => offerId(m.offer)));
  const alreadySuggested = new Set(suggested.map((m) => `${m.sku}\0${offerId(m.offer)}`));
  const open = free.filter((o) => !matchedOffers.has(offerId(o)));
  const postings = new Map<string, { j: number; w: number }[]>();
  const totals = new Float64Array(open.length);
  open.forEach((o, j) => {
    for (const [t, w] of score.offerTokens(o)) {
      push(postings, t, { j, w });
      totals[j]! += w;
    }
  });
  const shared = new Float64Array(open.length);
  for (const k of keys) {
    const touched: number[] = [];
    let total = 0;
    for (const [t, wa] of score.ourTokens(k.p)) {
      total += wa;
      for (const { j, w } of postings.get(t) ?? []) {
        if (shared[j] === 0) touched.push(j);
        shared[j]! += Math.min(wa, w);
      }
    }
    for (const j of touched) {
      const o = open[j]!;
      const s = score.adjust(k.p, o, (2 * shared[j]!) / (total + totals[j]!));
      shared[j] = 0;
      if (s < opts.fuzzyThreshold) continue;
      if (blocked(k.p.sku, o) || haveConfirmed.has(skuTarget(k.p.sku, o)) || alreadySuggested.has(`${k.p.sku}\0${offerId(o)}`)) continue;
      suggested.push({ sku: k.p.sku, offer: o, method: 'fuzzy', confidence: s, detail: `title ${s.toFixed(2)}`, confirmed: false });
    }
  }
  suggested.sort((a, b) => Number(a.ambiguous ?? false) - Number(b.ambiguous ?? false) || b.confidence - a.confidence || a.sku.localeCompare(b.sku));
  return { confirmed, suggested, unseen, unknownSku };
}

type Scorer = ((p: OurProduct, o: Offer) => number) & {
  ourTokens(p: OurProduct): Tokens;
  offerTokens(o: Offer): Tokens;
  /** Category penalty and own-brand bonus applied to a title similarity. */
  adjust(p: OurProduct, o: Offer, dice: number): number;
};

/**
 * Title similarity with brand and category: brand words are dropped from both titles (they
 * differ between makers and say nothing about equivalence), a title that does not name our
 * category is penalised, and a listing of our own brand (a dealer) gets a bonus. Tokens are
 * computed once per title.
 */
function scorer(ours: readonly OurProduct[]): Scorer {
  const ourBrands = [...new Set(ours.map((p) => p.brand).filter((b): b is string => !!b?.trim()))];
  const mine = new Map<OurProduct, Tokens>();
  const theirs = new Map<Offer, Tokens>();
  const ourTokens = (p: OurProduct) => mine.get(p) ?? mine.set(p, titleTokens(p.name ?? p.model ?? '', { drop: p.brand ? [p.brand] : [] })).get(p)!;
  const offerTokens = (o: Offer) => theirs.get(o) ?? theirs.set(o, titleTokens(o.name ?? '', { drop: [o.competitor, ...(o.brand ? [o.brand] : []), ...ourBrands] })).get(o)!;
  const titles = new Map<Offer, string>();
  const adjust = (p: OurProduct, o: Offer, dice: number) => {
    let s = dice;
    const title = titles.get(o) ?? titles.set(o, lc(o.name ?? '')).get(o)!;
    if (p.category && !title.includes(lc(p.category))) s *= 0.7;
    if (p.brand && (lc(o.brand ?? '') === lc(p.brand) || title.includes(lc(p.brand)))) s = Math.min(1, s + 0.15);
    return round2(s);
  };
  const score = (p: OurProduct, o: Offer) => adjust(p, o, weightedDice(ourTokens(p), offerTokens(o)));
  return Object.assign(score, { ourTokens, offerTokens, adjust });
}

/** A line ops can paste under `matches:` in rules/matches.yaml to confirm a suggestion. */
export function matchesYamlLine(m: Match): string {
  const q = (s: string) => (/^[\w.-]+$/.test(s) ? s : JSON.stringify(s));
  return `  - { our_sku: ${q(m.sku)}, competitor: ${q(m.offer.competitor)}, key: ${q(m.offer.key)} }   # ${m.method} ${m.confidence.toFixed(2)}: ${m.offer.name ?? ''}`;
}

/** Title similarity of one of our products and one competitor item, 0..1. */
export function fuzzyScore(p: OurProduct, o: Offer): number {
  return scorer([p])(p, o);
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
