import { mulberry32 } from '../../src/signals/random.js';

/** Deterministic PRNG (mulberry32, the sample generator's), so a failing "never throws" case reproduces. */
export const prng = mulberry32;

/** Random strings mixing single characters from `alphabet` with whole `words`, up to 40 pieces each. */
export function randomStrings(count: number, seed: number, alphabet: string, words: string[]): string[] {
  const rnd = prng(seed);
  const chars = [...alphabet];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let s = '';
    const len = Math.floor(rnd() * 40);
    for (let j = 0; j < len; j++) s += rnd() < 0.15 ? words[Math.floor(rnd() * words.length)]! : chars[Math.floor(rnd() * chars.length)]!;
    out.push(s);
  }
  return out;
}
