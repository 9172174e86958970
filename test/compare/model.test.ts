import { describe, expect, it } from 'vitest';
import { extractModels, modelSeries, normaliseGtin, normaliseModel } from '../../src/compare/model.js';
import { titleTokens, weightedDice } from '../../src/compare/tokens.js';

/** [shop title, the model number a person would read out of it (normalised), or null]. */
const CHINESE_TITLES: [string, string | null][] = [
  ['格力 KFR-35GW/NhGc1B 1.5匹 变频冷暖空调', 'kfr35gwnhgc1b'],
  ['美的空调KFR-26GW/N8MJA3 大1匹', 'kfr26gwn8mja3'],
  ['ＫＦＲ－３５ＧＷ／Ｎ８ 全角型号空调', 'kfr35gwn8'],
  ['海尔 KFR 35GW/01KBB83U1 挂机', 'kfr35gw01kbb83u1'],
  ['奥克斯空调kfr-35gw/bpr3aqe1(b1)一级能效', 'kfr35gwbpr3aqe1b1'],
  ['小米 米家空调 KFR-35GW/V1A1 巨省电', 'kfr35gwv1a1'],
  ['格力立式柜机 KFR-72LW/(72555)FNhAa-B1 3匹', 'kfr72lw72555fnhaab1'],
  ['美的除湿机 CF20BD/N7-DP5 家用20升', 'cf20bdn7dp5'],
  ['海尔电热水器 EC6001-GC 60升 一级能效', 'ec6001gc'],
  ['小米空气净化器4 Pro AC-M15-SC', 'acm15sc'],
  ['戴森 V12 无绳吸尘器', null],
  ['华为 Mate 60 Pro 12GB+512GB 手机', null],
  ['1.5匹 新一级能效 变频空调', null],
  ['格力空调 KFR－35GW／NhAa1BAj 一级', 'kfr35gwnhaa1baj'],
  ['【官方旗舰店】美的 MJ-BZ30W 电炖锅 3L', 'mjbz30w'],
  ['苏泊尔 电饭煲 SF40FC875 4L', 'sf40fc875'],
  ['西门子 冰箱 KA92NV02TI 对开门', 'ka92nv02ti'],
  ['TCL 55英寸 电视 55Q10G', '55q10g'],
  ['宝拓 变频空调 KFR-35GW 一级能效', 'kfr35gw'],
];

/** [model number as typed somewhere, normalised]. */
const MODEL_STRINGS: [string, string][] = [
  ['KFR-35GW/N8', 'kfr35gwn8'],
  ['kfr35gwn8', 'kfr35gwn8'],
  ['KFR 35GW N8', 'kfr35gwn8'],
  ['KFR_35GW-N8', 'kfr35gwn8'],
  ['ＫＦＲ－３５ＧＷ／Ｎ８', 'kfr35gwn8'],
  ['KFR—35GW／N8', 'kfr35gwn8'],
  ['KFR‑35GW/N8', 'kfr35gwn8'],
  [' kfr-35gw/n8 ', 'kfr35gwn8'],
  ['KFR.35GW.N8', 'kfr35gwn8'],
  ['KFR-35GW·N8', 'kfr35gwn8'],
  ['Kfr－35gw／n8', 'kfr35gwn8'],
  ['KFR-35GW/(35592)FNhAa-B1', 'kfr35gw35592fnhaab1'],
  ['CF20BD/N7-DP5', 'cf20bdn7dp5'],
  ['EC6001-GC', 'ec6001gc'],
  ['KFR-35GW\\N8', 'kfr35gwn8'],
];

describe('model-number normalisation', () => {
  it('has a table of at least 30 cases, half of them Chinese shop titles', () => {
    expect(CHINESE_TITLES.length + MODEL_STRINGS.length).toBeGreaterThanOrEqual(30);
    expect(CHINESE_TITLES.length).toBeGreaterThanOrEqual((CHINESE_TITLES.length + MODEL_STRINGS.length) / 2);
  });

  it.each(MODEL_STRINGS)('normaliseModel(%j) = %j', (input, expected) => {
    expect(normaliseModel(input)).toBe(expected);
  });

  it.each(CHINESE_TITLES)('the model in %j is %j', (title, expected) => {
    expect(extractModels(title)[0]?.full ?? null).toBe(expected);
  });

  it('keeps the standard code before the series suffix', () => {
    expect(modelSeries('KFR-35GW/N8')).toBe('kfr35gw');
    expect(modelSeries('ＫＦＲ－３５ＧＷ／Ｎ８')).toBe('kfr35gw');
    expect(modelSeries('KFR-72LW/(72555)FNhAa-B1')).toBe('kfr72lw');
    expect(modelSeries('DH-20L')).toBe('dh20l');
    expect(extractModels('格力 KFR 35GW/NhGc1B')[0]?.series).toBe('kfr35gw');
  });

  it('does not take specs for model numbers', () => {
    expect(extractModels('1.5P 60L 220V 2000W 128GB 4K 3HP')).toEqual([]);
  });

  it('compares GTIN-13 and its GTIN-14 form, and rejects what is not a GTIN', () => {
    expect(normaliseGtin('6901234567892')).toBe(normaliseGtin('06901234567892'));
    expect(normaliseGtin('６９０１２３４５６７８９２')).toBe('6901234567892');
    expect(normaliseGtin('KFR-35GW')).toBeNull();
    expect(normaliseGtin('123')).toBeNull();
  });
});

describe('title tokens for fuzzy matching', () => {
  it('tokenises a Chinese title into model, spec and bigram tokens, without brand words', () => {
    const t = titleTokens('Radar 除湿机 DH-20R 20升', { drop: ['Radar'] });
    expect(Object.fromEntries(t)).toEqual({ 'm:dh20r': 3, 'u:20l': 2, 除湿: 1, 湿机: 1 });
  });

  it('treats 20升 and 20L, 1.5匹 and 1.5P as the same spec', () => {
    expect(titleTokens('除湿机 20升').get('u:20l')).toBe(2);
    expect(titleTokens('dehumidifier 20L').get('u:20l')).toBe(2);
    expect(titleTokens('空调 1.5P').get('u:1.5p')).toBe(2);
    expect(titleTokens('空调 1.5匹').get('u:1.5p')).toBe(2);
  });

  it('scores related titles above unrelated ones', () => {
    const ours = titleTokens('除湿机 DH-20R 20升');
    const close = weightedDice(ours, titleTokens('家用除湿机 20升 静音'));
    const far = weightedDice(ours, titleTokens('电热水器 60升'));
    expect(close).toBeGreaterThan(0.5);
    expect(far).toBeLessThan(0.1);
    expect(weightedDice(ours, ours)).toBe(1);
  });
});
