import { keywordsIn } from '../rules/tender-rules.js';
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

/** The rules made ready once per rule set: names known to the segmenter, the lexicon, the topics. */
export class MentionReader {
  private readonly lexicon: Map<string, number>;
  private readonly topics: [string, string[]][];

  constructor(readonly rules: MentionRules) {
    ensureWords(rules.watch.flatMap((w) => [w.name, ...w.aliases]));
    this.lexicon = lexiconOf(rules);
    this.topics = Object.entries(topicsOf(rules));
  }

  analyse(m: MentionText): MentionFacts {
    const title = normalise(m.title ?? '');
    const body = normalise(m.text ?? '');
    const text = body && !body.startsWith(title) ? `${title}\n${body}` : body || title;
    const tokens = segment(text);
    const topics: TopicHit[] = [];
    for (const [topic, words] of this.topics) {
      const found = keywordsIn(text, words);
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
