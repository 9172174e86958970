/**
 * SimHash (Charikar 2002), 64 bits, over character 3-grams of a text with punctuation, spaces
 * and case folded away. Reposts of one story (a site's own prefix in the title, a 来源 line, a
 * cut-off last paragraph) land a few bits apart; unrelated texts about 32 bits apart.
 * Character n-grams rather than words: two sites' texts need not be segmented alike to match.
 * Small enough to write here; the npm packages for it are 32-bit or unmaintained.
 */

const SHINGLE = 3;

/** Lower case, NFKC, and nothing but letters and digits: what survives a site's re-formatting. */
export function foldForHash(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** MurmurHash3's 32-bit mix of a string; two seeds make the 64 bits. */
function murmur32(s: string, seed: number): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    let k = s.charCodeAt(i);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= s.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 16 hex digits; null when the text has nothing to hash. */
export function simhash(text: string): string | null {
  const s = foldForHash(text);
  if (s.length === 0) return null;
  const grams = s.length < SHINGLE ? [s] : Array.from({ length: s.length - SHINGLE + 1 }, (_, i) => s.slice(i, i + SHINGLE));
  const v: number[] = new Array<number>(64).fill(0);
  for (const g of grams) {
    const hi = murmur32(g, 0x9747b28c);
    const lo = murmur32(g, 0x5bd1e995);
    for (let b = 0; b < 32; b++) {
      v[b] = v[b]! + ((hi >>> b) & 1 ? 1 : -1);
      v[32 + b] = v[32 + b]! + ((lo >>> b) & 1 ? 1 : -1);
    }
  }
  let hi = 0;
  let lo = 0;
  for (let b = 0; b < 32; b++) {
    if (v[b]! > 0) hi |= 1 << b;
    if (v[32 + b]! > 0) lo |= 1 << b;
  }
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Bits two hashes differ in (0–64). */
export function hammingDistance(a: string, b: string): number {
  return popcount((parseInt(a.slice(0, 8), 16) ^ parseInt(b.slice(0, 8), 16)) >>> 0) + popcount((parseInt(a.slice(8), 16) ^ parseInt(b.slice(8), 16)) >>> 0);
}
