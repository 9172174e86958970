import { describe, expect, it } from 'vitest';
import { MentionReader } from '../../src/mentions/analyse.js';
import { mentionRulesSchema } from '../../src/mentions/rules.js';
import { segment } from '../../src/mentions/segment.js';
import { hammingDistance, simhash } from '../../src/mentions/simhash.js';
import { detectDailySpike } from '../../src/mentions/spikes.js';
import { leadKey, titleKey } from '../../src/mentions/decide.js';
import { scoreTone, lexiconOf } from '../../src/mentions/tone.js';

const rules = mentionRulesSchema.parse({
  watch: [
    { name: '东岳', role: 'competitor', aliases: ['Dongyue'] },
    { name: '小米', role: 'competitor' },
    { name: '华为', role: 'competitor' },
    { name: '蓝鲸', role: 'brand', aliases: ['蓝鲸科技'] },
    { name: 'Bolt', role: 'competitor' },
  ],
});
const reader = new MentionReader(rules);
const who = (title: string, text = '') => reader.analyse({ title, text }).entities.map((e) => e.name);
const tone = (text: string) => scoreTone(segment(text), lexiconOf(rules), rules.tone);

describe('who is mentioned: names as words, not inside other words', () => {
  it('finds a short Chinese name standing alone or glued to a company or product word', () => {
    expect(who('东岳空调降价促销')).toEqual(['东岳']);
    expect(who('东岳集团CEO离职')).toEqual(['东岳']);
    expect(who('小米汽车发布新款')).toEqual(['小米']);
    expect(who('蓝鲸科技获B轮融资')).toEqual(['蓝鲸']);
  });

  it('does not find it inside another word', () => {
    expect(who('泰山东岳庙会今日开幕')).toEqual([]); // 东岳庙, a temple
    expect(who('早上喝一碗小米粥')).toEqual([]); // millet porridge
    expect(who('中华为人民服务的精神')).toEqual([]); // 中华 | 为
    expect(who('蓝鲸是地球上最大的动物', '')).toEqual(['蓝鲸']); // the word itself: a limit, see README
  });

  it('matches Latin names as whole words in any case, in Chinese or English text', () => {
    expect(who('Bolt recalls 20,000 units')).toEqual(['Bolt']);
    expect(who('用BOLT的人越来越多')).toEqual(['Bolt']);
    expect(who('Boltzmann constant explained')).toEqual([]);
    expect(who('Dongyue opens a plant')).toEqual(['东岳']);
  });
});

describe('tone: lexicon with negation and degree, explained by its words', () => {
  it('scores hand-computed examples', () => {
    // 投诉 −1, 非常 ×2 敷衍 −1 = −2: −3 in all, at strong_negative_at (−3)
    const a = tone('消费者投诉，售后非常敷衍');
    expect(a.score).toBe(-3);
    expect(a.tone).toBe('negative');
    expect(a.strong).toBe(true);
    expect(a.words).toEqual([
      { text: '非常敷衍', weight: -2 },
      { text: '投诉', weight: -1 },
    ]);
    // 不 turns 满意 (+1) around: −1
    expect(tone('用户对服务不满意')).toMatchObject({ score: -1, tone: 'negative', words: [{ text: '不满意', weight: -1 }] });
    // 没有 turns 故障 (−1) around: +1
    expect(tone('用了一年没有故障')).toMatchObject({ score: 1, tone: 'positive', words: [{ text: '没有故障', weight: 1 }] });
    // 不 before 太 softens: "not very good" = −0.5 × (+1)
    expect(tone('东岳空调不太好用')).toMatchObject({ score: -0.5, tone: 'neutral' });
    // the clause ends at the comma: 不 does not reach 差
    expect(tone('价格不贵，但质量差')).toMatchObject({ score: -1, words: [{ text: '差', weight: -1 }] });
    // English, with a contraction: not happy −1, not helpful −1, very faulty −1.5
    expect(reader.analyse({ title: null, text: "Customers aren't happy: support wasn't helpful and units are very faulty." }).tone).toMatchObject({ score: -3.5, strong: true });
    // 口碑 +1, 很 ×1.5 好 = 1.5, 非常 ×2 省电 (cut 省|电 in this sentence, joined again) = 2
    expect(tone('口碑很好，非常省电')).toMatchObject({ score: 4.5, tone: 'positive', words: [{ text: '非常省电', weight: 2 }, { text: '很好', weight: 1.5 }, { text: '口碑', weight: 1 }] });
  });

  it('takes words from the rule file', () => {
    const r = mentionRulesSchema.parse({ tone: { words: { 爆雷: -2, 好: 0 } } });
    expect(scoreTone(segment('这家公司爆雷了'), lexiconOf(r), r.tone)).toMatchObject({ score: -2, words: [{ text: '爆雷', weight: -2 }] });
  });
});

describe('topics', () => {
  it('names each topic with the words that found it', () => {
    const f = reader.analyse({ title: '东岳空调被曝质量问题 遭消费者集体投诉', text: '东岳集团董事长当日宣布辞职。' });
    expect(f.topics).toEqual([
      { topic: 'recall_quality', words: ['质量问题', '投诉'] },
      { topic: 'executive', words: ['辞职', '董事长'] },
    ]);
    expect(reader.analyse({ title: 'Bolt wins contract for 300 hospitals', text: null }).topics).toEqual([{ topic: 'contract_win', words: ['wins contract'] }]);
  });
});

describe('SimHash: reposts of one story are close, other stories far', () => {
  const story = '东岳空调被曝大面积漏水 消费者投诉无人处理\n多名消费者反映，东岳空调室内机漏水严重，售后服务非常敷衍，至今没有解决。';
  it('a repost with a site prefix and a source line, and a cut-off one, stay within the default 12 bits', () => {
    const a = simhash(story)!;
    const repost = simhash('【转载】东岳空调被曝大面积漏水，消费者投诉无人处理\n多名消费者反映，东岳空调室内机漏水严重，售后服务非常敷衍，至今没有解决。来源：示范财经网')!;
    const cut = simhash('东岳空调被曝大面积漏水 消费者投诉无人处理 多名消费者反映，东岳空调室内机漏水严重')!;
    expect(hammingDistance(a, a)).toBe(0);
    expect(hammingDistance(a, repost)).toBeLessThanOrEqual(rules.stories.max_distance);
    expect(hammingDistance(a, cut)).toBeLessThanOrEqual(rules.stories.max_distance);
    const other = simhash('东岳空调新品发布会在上海举行 多款节能机型亮相')!;
    expect(hammingDistance(a, other)).toBeGreaterThan(20);
  });

  it('a post quoting the headline and its first sentence is the story too: same folded opening', () => {
    const title = 'Acme空调被曝大面积漏水 消费者投诉无人处理';
    const text = '多名消费者反映，Acme空调室内机漏水严重，售后服务非常敷衍，至今没有解决。';
    const post = `${title} 多名消费者反映，Acme空调室内机漏水严重 [怒]`;
    // SimHash alone drifts with what was cut (14 bits here) ...
    expect(hammingDistance(simhash(`${title}\n${text}`)!, simhash(post)!)).toBeGreaterThan(rules.stories.max_distance);
    // ... the opening does not, nor does a site's tag in front of the title.
    expect(leadKey(null, post)).toBe(leadKey(title, text));
    expect(leadKey(`【转载】${title}`, text)).toBe(leadKey(title, text));
    expect(titleKey(`【转载】${title.replace(' ', '，')}`)).toBe(titleKey(title));
    expect(leadKey('短标题', '短文')).toBe(''); // too short to say anything
  });

  it('is the same for the same text whatever its spacing and punctuation', () => {
    expect(simhash('Bolt recalls 20,000 units!')).toBe(simhash('bolt  recalls 20000 units'));
    expect(simhash('，。！')).toBeNull();
  });
});

describe('daily spikes against the usual level', () => {
  const rule = { factor: 3, min: 5, baseline_days: 7, min_history_days: 3 };
  it('compares a day with the average of the days before it (hand-computed)', () => {
    // 7 days before 03-08: 1,2,1,0,1,2,0 = 7 → 1.0 a day; 6 ≥ 5 and ≥ 3 × 1.0
    const counts = { '2026-03-01': 1, '2026-03-02': 2, '2026-03-03': 1, '2026-03-05': 1, '2026-03-06': 2, '2026-03-08': 6 };
    expect(detectDailySpike(counts, '2026-03-08', '2026-02-01', rule)).toEqual({ day: '2026-03-08', count: 6, baseline: 1, baselineDays: 7 });
    // 4 is below min 5
    expect(detectDailySpike({ ...counts, '2026-03-08': 4 }, '2026-03-08', '2026-02-01', rule)).toBeNull();
    // the usual level 2.0 a day: 5 < 3 × 2
    expect(detectDailySpike({ ...counts, '2026-03-04': 7, '2026-03-08': 5 }, '2026-03-08', '2026-02-01', rule)).toBeNull();
  });

  it('needs min_history_days watched before the day: a new series cannot spike', () => {
    expect(detectDailySpike({ '2026-03-08': 9 }, '2026-03-08', '2026-03-07', rule)).toBeNull(); // 1 day watched
    expect(detectDailySpike({ '2026-03-08': 9 }, '2026-03-08', '2026-03-05', rule)).toEqual({ day: '2026-03-08', count: 9, baseline: 0, baselineDays: 3 });
  });
});
