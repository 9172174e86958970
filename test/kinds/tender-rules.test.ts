import { describe, expect, it } from 'vitest';
import { containsKeyword, matchTender, tenderDedupeKey, tenderRulesSchema, type TenderFacts } from '../../src/rules/tender-rules.js';

const now = new Date('2026-11-20T02:00:00Z');
const DAY = 86_400_000;
const rules = tenderRulesSchema.parse({
  include: ['空调', '新风', 'HVAC'],
  exclude: ['维修', '物业'],
  categories: ['货物', '工程'],
  min_budget: 300_000,
  min_days_left: 3,
  max_age_days: 30,
});
const base: TenderFacts = {
  title: '某医院中央空调改造采购项目',
  category: '货物',
  scope: null,
  status: null,
  budget: 1_000_000,
  deadline: new Date(now.getTime() + 10 * DAY),
  publishedAt: new Date(now.getTime() - DAY),
};

describe('containsKeyword: Chinese without word spaces, English on word boundaries', () => {
  it.each([
    ['某医院中央空调改造', '空调', true],
    ['中央 空调改造', '中央空调', true],
    ['新风系统采购', '新风', true],
    ['HVAC system upgrade', 'hvac', true],
    ['Ｈｖａｃ', 'HVAC', true], // full-width letters
    ['Academy building', 'AC', false],
    ['办公楼空调', '多联机', false],
  ])('%s ∋ %s: %s', (text, kw, hit) => {
    expect(containsKeyword(text, kw)).toBe(hit);
  });
});

describe('matchTender', () => {
  it('lets a matching tender through with the keywords it matched', () => {
    expect(matchTender({ ...base, scope: '含新风系统' }, rules, now)).toEqual({ ok: true, keywords: ['空调', '新风'], daysLeft: 10 });
  });

  it.each<[string, Partial<TenderFacts>, string]>([
    ['excluded keyword', { title: '某医院空调维修服务' }, 'excluded by 维修'],
    ['no include keyword', { title: '某医院食堂设备采购' }, 'no include keyword'],
    ['terminated', { title: '某医院中央空调改造采购项目终止公告' }, 'closed or award notice'],
    ['award notice', { title: '某医院中央空调改造采购项目中标公告' }, 'closed or award notice'],
    ['category', { category: '服务' }, 'category 服务 not in 货物, 工程'],
    ['small budget', { budget: 120_000 }, 'budget 120000 below 300000'],
    ['too soon', { deadline: new Date(now.getTime() + 2 * DAY) }, '2.0 days left, less than 3'],
    ['passed', { deadline: new Date(now.getTime() - DAY) }, 'deadline passed'],
    ['old news', { publishedAt: new Date(now.getTime() - 40 * DAY) }, 'published more than 30 days ago'],
  ])('%s → skipped', (_name, change, reason) => {
    expect(matchTender({ ...base, ...change }, rules, now)).toEqual({ ok: false, reason });
  });

  it('lets unknown budget, deadline and category through unless the rules require them', () => {
    const unknown = { ...base, budget: null, deadline: null, category: null };
    expect(matchTender(unknown, rules, now).ok).toBe(true);
    expect(matchTender(unknown, { ...rules, require_budget: true }, now)).toEqual({ ok: false, reason: 'no budget stated' });
    expect(matchTender(unknown, { ...rules, require_deadline: true }, now)).toEqual({ ok: false, reason: 'no deadline stated' });
  });
});

describe('tenderDedupeKey: the same tender on two sites gets one key', () => {
  it('by tender number, however it is spaced or cased', () => {
    expect(tenderDedupeKey({ number: 'SZ-2026-0417', title: 'a' }, 'x')).toBe('no:SZ20260417');
    expect(tenderDedupeKey({ number: 'sz 2026 0417', title: 'b' }, 'y')).toBe('no:SZ20260417');
    expect(tenderDedupeKey({ number: 'ＳＺ－２０２６－０４１７' }, 'y')).toBe('no:SZ20260417');
  });

  it('else by title without the notice type, plus buyer', () => {
    const a = tenderDedupeKey({ number: '详见公告', title: '深圳市某医院空调采购项目公开招标公告', buyer: '深圳市某医院' }, 'u1');
    const b = tenderDedupeKey({ title: '关于深圳市某医院空调采购项目的招标公告', buyer: '深圳市某医院（采购人）' }, 'u2');
    const c = tenderDedupeKey({ title: '深圳市某医院空调采购项目（二次）', buyer: '深圳市某医院' }, 'u3');
    expect(a).toBe('t:深圳市某医院空调采购项目|深圳市某医院');
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(tenderDedupeKey({ title: '深圳市某医院空调采购项目', buyer: '另一家医院' }, 'u4')).not.toBe(a);
  });

  it('else by link; long keys are hashed to keep alert ids short', () => {
    expect(tenderDedupeKey({}, 'https://x.example/n/1')).toBe('u:https://x.example/n/1');
    const long = tenderDedupeKey({ title: '很长的标题'.repeat(20) }, 'u');
    expect(long).toMatch(/^t:#[0-9a-f]{20}$/);
  });
});
