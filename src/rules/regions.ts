import { z } from 'zod';
import { findPlaces, nameRegex, placeByName } from './places.js';

/**
 * Our sales regions by the places they cover, as the business writes them:
 * `{ east: [上海, 江苏, 浙江], south: [广东, 深圳, Guangxi] }`. Names may be provinces or cities,
 * in Chinese or English; a city not listed falls into its province's region.
 */
export const regionMapSchema = z.record(z.string(), z.array(z.string().min(1))).default({});
export type RegionMap = z.output<typeof regionMapSchema>;

export interface RegionMatch {
  /** Our region id, or null when no place in the texts is covered by the map. */
  region: string | null;
  /** The place that decided it, as canonical Chinese name (深圳, 广东) or the rule's own word. */
  place: string | null;
}

interface CompiledMap {
  /** canonical place name (province or city) → region id */
  byPlace: Map<string, string>;
  /** rule words that are not known places (粤港澳大湾区, a district) → region id */
  custom: { re: RegExp; region: string; word: string }[];
}

const cache = new WeakMap<RegionMap, CompiledMap>();

function compile(map: RegionMap): CompiledMap {
  const hit = cache.get(map);
  if (hit) return hit;
  const byPlace = new Map<string, string>();
  const custom: CompiledMap['custom'] = [];
  for (const [region, names] of Object.entries(map)) {
    for (const n of names) {
      const place = placeByName(n, { exact: true });
      // The first region to claim a place keeps it: a place listed twice cannot be stolen later.
      if (place) {
        if (!byPlace.has(place.name)) byPlace.set(place.name, region);
      } else custom.push({ re: nameRegex(n.trim()), region, word: n.trim() });
    }
  }
  const c = { byPlace, custom };
  cache.set(map, c);
  return c;
}

/**
 * The region of the first text (in order of trust: a region field, then the buyer, then the
 * title) that names a place the map covers. Within a text the earliest place wins; a city the map
 * names itself wins over its province (a map may send 深圳 to one region and the rest of 广东 to another).
 */
export function resolveRegion(texts: ReadonlyArray<string | null | undefined>, map: RegionMap): RegionMatch {
  const c = compile(map);
  for (const text of texts) {
    if (typeof text !== 'string' || text.trim() === '') continue;
    const s = text.normalize('NFKC');
    const candidates: { index: number; region: string; place: string }[] = [];
    for (const cu of c.custom) {
      const m = cu.re.exec(s);
      if (m) candidates.push({ index: m.index, region: cu.region, place: cu.word });
    }
    const places = findPlaces(s);
    for (const p of places) {
      // 广东省深圳市: the city is the more precise of the two when the map names it.
      if (p.type === 'province' && places.some((q) => q.type === 'city' && q.province === p.name && c.byPlace.has(q.name))) continue;
      const region = c.byPlace.get(p.name) ?? c.byPlace.get(p.province);
      // Report the most precise place the text names (广东省广州市 → 广州), whatever decided the region.
      const city = p.type === 'province' ? places.find((q) => q.type === 'city' && q.province === p.name) : undefined;
      if (region) candidates.push({ index: p.index, region, place: (city ?? p).name });
    }
    candidates.sort((a, b) => a.index - b.index);
    const first = candidates[0];
    if (first) return { region: first.region, place: first.place };
  }
  return { region: null, place: null };
}

/** Canonical city (or province) name for a location text: `Shenzhen`, `深圳市南山区` → 深圳; unknown → trimmed text. */
export function canonicalCity(text: string | null | undefined): string | null {
  if (typeof text !== 'string') return null;
  const t = text.normalize('NFKC').replace(/\s+/g, ' ').trim();
  if (t === '') return null;
  const found = findPlaces(t);
  const city = found.find((p) => p.type === 'city') ?? found[0];
  return city ? city.name : t;
}
