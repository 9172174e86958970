/** Deterministic PRNG (mulberry32), so a failing "never throws" case reproduces. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
