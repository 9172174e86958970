import type { ItemData } from '../core/item.js';

/**
 * A 53-bit hash of an item's values in `fields` (a kind's `changeFields`): two items with the
 * same fingerprint hold the same value (===) in every one of those fields, up to a 2^-53 chance.
 * The diff compares fingerprints first, so a stored item whose fingerprint matches is unchanged
 * without its data ever being read from the snapshot (store/snapshot.ts keeps it as bytes).
 *
 * Each value is fed with its type and, for a string, its length (a number: its 64 bits), so no two
 * different value lists hash the same input ("a","bc" vs "ab","c"; 1 vs "1"; null vs absent). A value the snapshot's JSON
 * would not give back as it is (NaN, ±Infinity, an object) has no fingerprint: null, and the diff
 * compares such an item in full, as before.
 */
export function fingerprintOf(data: ItemData, fields: readonly string[]): number | null {
  // Called for every item of every run: no closure, no string built per value.
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let f = 0; f < fields.length; f++) {
    const v = (data as Record<string, unknown>)[fields[f]!];
    let tag: number;
    if (v === undefined) tag = 1;
    else if (v === null) tag = 2;
    else if (v === true) tag = 3;
    else if (v === false) tag = 4;
    else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return null;
      tag = 5;
    } else if (typeof v === 'string') tag = 6;
    else return null;
    h1 = Math.imul(h1 ^ tag, 2654435761);
    h2 = Math.imul(h2 ^ tag, 1597334677);
    if (tag === 5) {
      // The number's bits; 0 and -0 (equal to ===) as one.
      NUM[0] = (v as number) === 0 ? 0 : (v as number);
      h1 = Math.imul(h1 ^ WORDS[0]!, 2654435761);
      h2 = Math.imul(h2 ^ WORDS[1]!, 1597334677);
    } else if (tag === 6) {
      const s = v as string;
      h1 = Math.imul(h1 ^ s.length, 2654435761);
      h2 = Math.imul(h2 ^ s.length, 1597334677);
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        h1 = Math.imul(h1 ^ c, 2654435761);
        h2 = Math.imul(h2 ^ c, 1597334677);
      }
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

const NUM = new Float64Array(1);
const WORDS = new Uint32Array(NUM.buffer);

export function sameFields(a: readonly string[] | null | undefined, b: readonly string[] | null | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
