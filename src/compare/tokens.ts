/**
 * A compact tokenizer for product titles, Chinese or not, and a weighted Dice similarity.
 *
 *   titleTokens('Radar 除湿机 DH-20R 20升', { drop: ['Radar'] })
 *   → { 'm:dh20r': 3, '除湿': 1, '湿机': 1, 'u:20l': 2 }
 *
 * Chinese has no spaces, and a dictionary segmenter is a heavy dependency for titles of ten
 * words: overlapping character bigrams match "除湿机" against "家用除湿机" just as well. Model
 * numbers weigh most, then number+unit specs (1.5匹, 20升, 60L), then words and bigrams.
 */
import { extractModels } from './model.js';

export type Tokens = Map<string, number>;

export const WEIGHT = { model: 3, series: 2, spec: 2, word: 1, bigram: 1, single: 0.5 } as const;

/** Unit spellings that mean the same thing. */
const UNITS: Record<string, string> = {
  匹: 'p',
  p: 'p',
  hp: 'p',
  升: 'l',
  l: 'l',
  公升: 'l',
  瓦: 'w',
  w: 'w',
  千瓦: 'kw',
  kw: 'kw',
  寸: 'in',
  英寸: 'in',
  公斤: 'kg',
  千克: 'kg',
  kg: 'kg',
  米: 'm',
  m: 'm',
  级: 'grade',
  门: 'door',
  开门: 'door',
};
const UNIT_RE = /(\d+(?:\.\d+)?)\s*(千瓦|公升|英寸|公斤|千克|开门|匹|升|瓦|寸|米|级|门|hp|kw|kg|p|l|w|m)(?![a-z])/gi;

/** Shop filler that says nothing about the product. */
const NOISE = new Set(['官方', '正品', '包邮', '旗舰', '舰店', '新款', '热销', '特价', '促销', '限时', '抢购', '爆款', '直营', '自营', '现货', '国行', '家用', '商城']);

const CJK = /[\u3400-\u9fff\uf900-\ufaff]+/g;

export interface TokenOptions {
  /** Words to remove first: brand names (ours, the competitor's) say nothing about equivalence. */
  drop?: readonly string[];
}

export function titleTokens(title: string, opts: TokenOptions = {}): Tokens {
  const tokens: Tokens = new Map();
  const add = (t: string, w: number) => {
    if (t) tokens.set(t, Math.max(tokens.get(t) ?? 0, w));
  };
  let text = title.normalize('NFKC');
  for (const d of opts.drop ?? []) {
    const word = d.normalize('NFKC').trim();
    if (word) text = text.replace(new RegExp(word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), ' ');
  }
  for (const m of extractModels(text)) {
    add(`m:${m.full}`, WEIGHT.model);
    if (m.series !== m.full && m.series.length >= 4) add(`m:${m.series}`, WEIGHT.series);
    text = text.split(m.raw).join(' ');
  }
  text = text.toLowerCase();
  text = text.replace(UNIT_RE, (_all, n: string, unit: string) => {
    add(`u:${Number(n)}${UNITS[unit.toLowerCase()] ?? unit}`, WEIGHT.spec);
    return ' ';
  });
  for (const run of text.match(CJK) ?? []) {
    if (run.length === 1) {
      add(run, WEIGHT.single);
      continue;
    }
    for (let i = 0; i + 1 < run.length; i++) {
      const bg = run.slice(i, i + 2);
      if (!NOISE.has(bg)) add(bg, WEIGHT.bigram);
    }
  }
  for (const w of text.replace(CJK, ' ').match(/[a-z][a-z0-9]*|\d+[a-z][a-z0-9]*/g) ?? []) {
    if (w.length >= 2) add(w, WEIGHT.word);
  }
  return tokens;
}

/** Weighted Dice: 2·Σ min(wa, wb) over shared tokens / (Σ wa + Σ wb), in [0, 1]. */
export function weightedDice(a: Tokens, b: Tokens): number {
  let sa = 0;
  let sb = 0;
  let shared = 0;
  for (const w of a.values()) sa += w;
  for (const w of b.values()) sb += w;
  if (sa + sb === 0) return 0;
  for (const [t, wa] of a) {
    const wb = b.get(t);
    if (wb !== undefined) shared += Math.min(wa, wb);
  }
  return (2 * shared) / (sa + sb);
}
