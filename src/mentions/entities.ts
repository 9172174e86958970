import type { WatchEntry } from './rules.js';
import { hasCjk, type Token } from './segment.js';

export interface EntityHit {
  /** The watch entry's name (its id in counts and alerts). */
  name: string;
  role: WatchEntry['role'];
  /** The names or aliases as they were found, for the explanation. */
  found: string[];
}

/**
 * Who a text mentions. A Chinese name counts only where the segmenter cut it out as a word of its
 * own, or glued to one of `suffixes` (东岳空调, 东岳集团): 东岳庙, 小米粥 and 中华为 mention
 * nobody. A Latin name counts as a whole word, any case (Bolt, not Boltzmann).
 * `text` must be the text the tokens were cut from.
 */
export function findEntities(text: string, tokens: readonly Token[], watch: readonly WatchEntry[], suffixes: readonly string[]): EntityHit[] {
  const owner = new Int32Array(text.length).fill(-1);
  tokens.forEach((t, i) => owner.fill(i, t.start, t.end));
  const suffixSet = new Set(suffixes);
  const lower = text.toLowerCase();
  const hits: EntityHit[] = [];
  for (const w of watch) {
    const found = new Set<string>();
    for (const alias of [w.name, ...w.aliases]) {
      if (hasCjk(alias) ? cjkWordAt(text, alias, tokens, owner, suffixSet) : latinWordAt(lower, alias.toLowerCase())) found.add(alias);
    }
    if (found.size) hits.push({ name: w.name, role: w.role, found: [...found] });
  }
  return hits;
}

function cjkWordAt(text: string, alias: string, tokens: readonly Token[], owner: Int32Array, suffixes: ReadonlySet<string>): boolean {
  for (let i = text.indexOf(alias); i >= 0; i = text.indexOf(alias, i + 1)) {
    const first = tokens[owner[i]!];
    if (!first || first.start !== i) continue; // starts inside a word: 老东岳, 中华为
    const end = i + alias.length;
    const last = tokens[owner[end - 1]!];
    if (!last) continue;
    if (last.end === end) return true;
    // Ends inside a word: a name glued to a known suffix (东岳空调) still counts; 东岳庙 does not.
    if (suffixes.has(text.slice(end, last.end))) return true;
  }
  return false;
}

const WORD_CHAR = /[a-z0-9]/i;

function latinWordAt(lower: string, alias: string): boolean {
  if (!alias) return false;
  for (let i = lower.indexOf(alias); i >= 0; i = lower.indexOf(alias, i + 1)) {
    const before = lower[i - 1];
    const after = lower[i + alias.length];
    if ((before === undefined || !WORD_CHAR.test(before)) && (after === undefined || !WORD_CHAR.test(after))) return true;
  }
  return false;
}
