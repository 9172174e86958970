import { DEGREE, NEGATIVE, NEGATORS, POSITIVE } from './lexicon.js';
import type { MentionRules } from './rules.js';
import type { Token } from './segment.js';

export type Tone = 'negative' | 'neutral' | 'positive';

/** One word that moved the score, as it read in the text (不满意, 非常失望), and by how much. */
export interface ToneWord {
  text: string;
  weight: number;
}

export interface ToneResult {
  tone: Tone;
  /** Sum of the words' weights, one decimal. */
  score: number;
  /** At or below `strong_negative_at`. */
  strong: boolean;
  /** The words that decided it, strongest first. */
  words: ToneWord[];
}

/** Ends the reach of a negator or degree word: 不贵，但质量差 does not negate 差. */
const CLAUSE_END = /[，。！？；：,.!?;:\n、…]/;
/** How far back (in words) a negator or degree word still applies. */
const REACH = 3;

export function lexiconOf(rules: MentionRules): Map<string, number> {
  const m = new Map<string, number>();
  for (const [w, v] of Object.entries(NEGATIVE)) m.set(w, v);
  for (const [w, v] of Object.entries(POSITIVE)) m.set(w, v);
  for (const [w, v] of Object.entries(rules.tone.words)) m.set(w.toLowerCase(), v);
  return m;
}

/**
 * Lexicon tone with negation and degree: each tone word's weight, turned around by an odd number
 * of negators in the REACH words before it within its clause (不满意 −1, 没有故障 +1), and scaled
 * by a degree word there (非常失望 −2). A negator before a degree word softens instead
 * (不太好 = −0.5, "not very good"). The score is the sum; `words` says which words made it.
 */
export function scoreTone(tokens: readonly Token[], lexicon: ReadonlyMap<string, number>, rules: MentionRules['tone']): ToneResult {
  const words: ToneWord[] = [];
  let score = 0;
  const real = joinForTone(splitForTone(tokens.filter((t) => t.word.trim() !== ''), lexicon), lexicon);
  for (let i = 0; i < real.length; i++) {
    const base = lexicon.get(real[i]!.word.toLowerCase());
    if (base === undefined || base === 0) continue;
    let negations = 0;
    let degree = 1;
    let negatorBeforeDegree = false;
    let from = i;
    for (let j = i - 1; j >= 0 && j >= i - REACH; j--) {
      const w = real[j]!.word.toLowerCase();
      if (CLAUSE_END.test(w)) break;
      if (NEGATORS.has(w)) {
        negations++;
        if (degree !== 1) negatorBeforeDegree = true;
        from = j;
      } else if (DEGREE[w] !== undefined) {
        degree *= DEGREE[w]!;
        from = j;
      } else if (lexicon.has(w)) {
        break; // another tone word: what came before it belongs to it
      }
    }
    let weight = base;
    if (negations % 2 === 1) weight = negatorBeforeDegree ? -0.5 * base : -base * degree;
    else weight = base * degree;
    weight = Math.round(weight * 10) / 10;
    score += weight;
    words.push({ text: real.slice(from, i + 1).map((t) => t.word).join(/[a-z]/i.test(real[i]!.word) ? ' ' : ''), weight });
  }
  score = Math.round(score * 10) / 10;
  const tone: Tone = score <= rules.negative_at ? 'negative' : score >= rules.positive_at ? 'positive' : 'neutral';
  words.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
  return { tone, score, strong: score <= rules.strong_negative_at, words };
}

/**
 * The segmenter keeps some phrases whole that the lexicon knows in parts: 很差, 不太好, 态度恶劣.
 * Such a word is cut again into its negators and degree words plus a tone word (很|差,
 * 不|太|好), or else into whatever comes before a tone word it ends with (态度|恶劣).
 */
function splitForTone(tokens: readonly Token[], lexicon: ReadonlyMap<string, number>): Token[] {
  const out: Token[] = [];
  const piece = (t: Token, from: number, to: number): Token => ({ word: t.word.slice(from, to), start: t.start + from, end: t.start + to });
  for (const t of tokens) {
    const w = t.word.toLowerCase();
    if (w.length < 2 || lexicon.has(w) || /^[a-z0-9\s'-]+$/.test(w)) {
      out.push(t);
      continue;
    }
    const lead: Token[] = [];
    let at = 0;
    for (let moved = true; moved && at < w.length; ) {
      moved = false;
      for (let n = Math.min(3, w.length - at - 1); n >= 1; n--) {
        const head = w.slice(at, at + n);
        if (NEGATORS.has(head) || DEGREE[head] !== undefined) {
          lead.push(piece(t, at, at + n));
          at += n;
          moved = true;
          break;
        }
      }
    }
    if (at > 0 && lexicon.has(w.slice(at))) {
      out.push(...lead, piece(t, at, w.length));
      continue;
    }
    let split = false;
    for (let k = 1; k <= w.length - 2; k++) {
      if (lexicon.has(w.slice(k))) {
        out.push(piece(t, 0, k), piece(t, k, w.length));
        split = true;
        break;
      }
    }
    if (!split) out.push(t);
  }
  return out;
}

/** And the other way: a tone word the segmenter cut in context (口碑很好，非常省|电) is one word again. */
function joinForTone(tokens: readonly Token[], lexicon: ReadonlyMap<string, number>): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    let joined = false;
    for (let n = 3; n >= 2 && !joined; n--) {
      if (i + n > tokens.length) continue;
      const parts = tokens.slice(i, i + n);
      // Only pieces written together: "not" and "bad" never make one word.
      if (parts.some((p, k) => k > 0 && p.start !== parts[k - 1]!.end)) continue;
      const word = parts.map((p) => p.word).join('');
      if (lexicon.has(word.toLowerCase())) {
        out.push({ word, start: parts[0]!.start, end: parts[n - 1]!.end });
        i += n - 1;
        joined = true;
      }
    }
    if (!joined) out.push(tokens[i]!);
  }
  return out;
}

/** `质量问题 −2, 不满意 −1`: the explanation shown next to a tone. */
export function toneWordsText(words: readonly ToneWord[], max = 5): string {
  return words
    .slice(0, max)
    .map((w) => `${w.text} ${w.weight > 0 ? '+' : '−'}${Math.abs(w.weight)}`)
    .join(', ');
}
