import { findEntities, type EntityHit } from './entities.js';
import { topicsOf, type MentionRules } from './rules.js';
import { ensureWords, segment } from './segment.js';
import { simhash } from './simhash.js';
import { lexiconOf, scoreTone, type ToneResult } from './tone.js';

export interface TopicHit {
  topic: string;
  words: string[];
}

/** What the rules make of one mention: who, in what tone (and why), about what, and its fingerprint. */
export interface MentionFacts {
  entities: EntityHit[];
  tone: ToneResult;
  topics: TopicHit[];
  simhash: string | null;
}

export interface MentionText {
  title: string | null;
  text: string | null;
}

/** Full-width forms folded, and English contractions spelled out so `isn't` carries its `not`. */
function normalise(text: string): string {
  return text.normalize('NFKC').replace(/n['’]t\b/gi, ' not');
}

interface KeywordMatcher {
  word: string;
  test(folded: string, squeezed: string): boolean;
}

/**
 * As the tender keywords match (containsKeyword), compiled once: Chinese inside text whatever the
 * spaces, Latin on word boundaries (so "court" is not found in "courtesy").
 */
function keywordMatcher(word: string): KeywordMatcher {
  const k = word.normalize('NFKC').toLowerCase().trim();
  if (/^[\x00-\x7f]+$/.test(k)) {
    const re = new RegExp(`(?<![a-z0-9])${k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s*')}(?![a-z0-9])`);
    return { word, test: (folded) => re.test(folded) };
  }
  const bare = k.replace(/\s+/g, '');
  return { word, test: (_folded, squeezed) => squeezed.includes(bare) };
}

/** The rules made ready once per rule set: names known to the segmenter, the lexicon, the topics. */
export class MentionReader {
  private readonly lexicon: Map<string, number>;
  private readonly topics: [string, KeywordMatcher[]][];

  constructor(readonly rules: MentionRules) {
    ensureWords(rules.watch.flatMap((w) => [w.name, ...w.aliases]));
    this.lexicon = lexiconOf(rules);
    this.topics = Object.entries(topicsOf(rules)).map(([topic, words]) => [topic, words.map(keywordMatcher)]);
  }

  analyse(m: MentionText): MentionFacts {
    const title = normalise(m.title ?? '');
    const body = normalise(m.text ?? '');
    const text = body && !body.startsWith(title) ? `${title}\n${body}` : body || title;
    const tokens = segment(text);
    const topics: TopicHit[] = [];
    const folded = text.toLowerCase();
    const squeezed = folded.replace(/\s+/g, '');
    for (const [topic, matchers] of this.topics) {
      const found = matchers.filter((m) => m.test(folded, squeezed)).map((m) => m.word);
      if (found.length) topics.push({ topic, words: found });
    }
    return {
      entities: findEntities(text, tokens, this.rules.watch, this.rules.compound_suffixes),
      tone: scoreTone(tokens, this.lexicon, this.rules.tone),
      topics,
      simhash: simhash(text),
    };
  }
}
