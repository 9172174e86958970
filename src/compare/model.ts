/**
 * Model numbers: the strongest clue after a barcode that two listings are the same product.
 *
 *   normaliseModel('ＫＦＲ－３５ＧＷ／Ｎ８') → 'kfr35gwn8'   (full-width, case, dashes, slashes, spaces)
 *   modelSeries('KFR-35GW/N8')              → 'kfr35gw'     (the part before the series suffix)
 *   extractModels('格力空调KFR-35GW/N8 1.5匹') → [{ full: 'kfr35gwn8', series: 'kfr35gw', raw: 'KFR-35GW/N8' }]
 *
 * Chinese appliance model numbers put the standard code first (KFR-35GW = split heat-pump air
 * conditioner, 3.5 kW, wall-mounted) and the maker's series after a slash. Two makers' products
 * with the same code are the "equivalent" a regional head compares against; the full model
 * number identifies one product. Pure functions, never throw.
 */

export interface ModelToken {
  /** As found in the text. */
  raw: string;
  /** Normalised full model number. */
  full: string;
  /** Normalised code before the series suffix ("/..."); equals `full` when there is no suffix. */
  series: string;
}

/** Separators that never distinguish two model numbers. */
const SEPARATORS = /[\s\-‐‑‒–—―_/\\.·・()[\]{}'"+#,，、]/g;

export function normaliseModel(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(SEPARATORS, '');
}

/** The standard code of a model number: the part before its first slash. */
export function modelSeries(text: string): string {
  const t = text.normalize('NFKC');
  const slash = t.indexOf('/');
  return normaliseModel(slash > 0 ? t.slice(0, slash) : t);
}

/** Numbers with a unit are specs, not models: 1.5P, 60L, 220V, 2000W, 128GB, 4K, 3HP. */
const SPEC = /^\d+(?:\.\d+)?(?:p|hp|l|w|kw|v|mm|cm|m|kg|g|gb|tb|mb|mah|k|hz|inch|in|t|pcs|ml)$/i;

/** A plausible model number: letters and digits, long enough not to be noise. */
export function isModelLike(full: string, raw = full): boolean {
  if (full.length < 4 || full.length > 40) return false;
  if (!/[a-z]/.test(full) || !/\d/.test(full)) return false;
  if (SPEC.test(raw.replace(/\s/g, ''))) return false;
  return true;
}

/** ASCII runs with the separators model numbers use; CJK text around them ends a run. */
const RUN = /[A-Za-z0-9](?:[A-Za-z0-9]|[-_/.()](?=[A-Za-z0-9(]))*\)?/g;

/**
 * Model numbers found in a product title, in order, without duplicates. A short all-caps prefix
 * separated by a space ("KFR 35GW") is joined to the code that follows it, since shops often
 * type the standard code that way.
 */
export function extractModels(title: string | null | undefined): ModelToken[] {
  if (!title) return [];
  const text = title.normalize('NFKC');
  const runs: { raw: string; start: number; end: number }[] = [];
  for (const m of text.matchAll(RUN)) runs.push({ raw: m[0], start: m.index, end: m.index + m[0].length });
  const out: ModelToken[] = [];
  const seen = new Set<string>();
  const push = (raw: string) => {
    const full = normaliseModel(raw);
    if (!isModelLike(full, raw) || seen.has(full)) return;
    seen.add(full);
    out.push({ raw, full, series: modelSeries(raw) });
  };
  for (let i = 0; i < runs.length; i++) {
    const r = runs[i]!;
    const next = runs[i + 1];
    if (next && /^[A-Z]{2,4}$/.test(r.raw) && /^ +$/.test(text.slice(r.end, next.start)) && /^\d/.test(next.raw) && /[A-Za-z]/.test(next.raw)) {
      push(text.slice(r.start, next.end));
      i++;
      continue;
    }
    push(r.raw);
  }
  return out;
}

/** GTIN/EAN/UPC as digits without leading zeros, so a GTIN-13 and its GTIN-14 form compare equal. */
export function normaliseGtin(text: string | null | undefined): string | null {
  if (!text) return null;
  const digits = String(text).normalize('NFKC').replace(/[\s-]/g, '');
  if (!/^\d{8,14}$/.test(digits)) return null;
  return digits.replace(/^0+/, '') || null;
}
