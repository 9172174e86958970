import { createRequire } from 'node:module';

/** A word as the segmenter cut it, with its place in the text (UTF-16 offsets). */
export interface Token {
  word: string;
  start: number;
  end: number;
}

interface JiebaLike {
  cut(sentence: string, hmm?: boolean | null): string[];
  loadDict(dict: Uint8Array): void;
}

// jieba's dictionary costs ~180 ms and ~60 MB to load: only a run that reads mentions pays it.
const requireLazy = createRequire(import.meta.url);
let jieba: JiebaLike | undefined;
const added = new Set<string>();

function instance(): JiebaLike {
  if (!jieba) {
    const { Jieba } = requireLazy('@node-rs/jieba') as typeof import('@node-rs/jieba');
    const { dict } = requireLazy('@node-rs/jieba/dict.js') as { dict: Uint8Array };
    jieba = Jieba.withDict(dict);
  }
  return jieba;
}

const HAS_CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

export function hasCjk(s: string): boolean {
  return HAS_CJK.test(s);
}

/**
 * Makes names the dictionary does not know (a young brand, 蓝鲸科技) into words of their own, so
 * the segmenter cuts them out of a sentence. Names it already keeps whole (东岳, 小米) are left
 * alone: a user-dictionary line replaces the word's frequency, and a high one would cut 东岳庙
 * into 东岳/庙. The words stay for the life of the process (one segmenter per process).
 */
export function ensureWords(words: readonly string[]): void {
  const j = instance();
  const lines: string[] = [];
  for (const w of words) {
    if (!hasCjk(w) || /\s/.test(w) || added.has(w)) continue;
    added.add(w);
    if (j.cut(w, false).length === 1) continue;
    // Frequency 50: enough to be cut out of an unknown context, not enough to split real words.
    lines.push(`${w} 50`);
  }
  if (lines.length) j.loadDict(Buffer.from(`${lines.join('\n')}\n`));
}

/** Words of a text, Chinese by jieba (with its HMM for unknown words), everything else as written. */
export function segment(text: string): Token[] {
  const words = instance().cut(text, true);
  const tokens: Token[] = [];
  let at = 0;
  for (const word of words) {
    // The cut covers the text in order; find() only guards against a segmenter that drops characters.
    const start = text.startsWith(word, at) ? at : text.indexOf(word, at);
    if (start < 0) continue;
    tokens.push({ word, start, end: start + word.length });
    at = start + word.length;
  }
  return tokens;
}
