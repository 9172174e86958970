/**
 * A small tone lexicon for news and posts about companies and their products, written for this
 * project (no third-party list is copied). It covers what sales and marketing read about makers
 * of goods: quality, service, money, law and reputation; it knows little of other domains, no
 * slang beyond a few words, and nothing of sarcasm. rules/mentions.yaml `tone.words` adds or
 * overrides words. Weights: ±1 ordinary, ±2 strong.
 */

export const NEGATIVE: Record<string, number> = {
  // quality and product
  质量问题: -2, 缺陷: -1, 故障: -1, 召回: -1, 漏水: -1, 漏电: -2, 起火: -2, 自燃: -2, 爆炸: -2, 异响: -1, 噪音: -1, 异味: -1, 发霉: -1,
  损坏: -1, 失灵: -1, 卡顿: -1, 难用: -1, 劣质: -2, 不合格: -2, 假货: -2, 山寨: -1, 翻车: -2, 隐患: -1, 危险: -1, 安全事故: -2, 频发: -1, 爆料: -1,
  // service and customers
  投诉: -1, 差评: -2, 维权: -1, 吐槽: -1, 敷衍: -1, 推诿: -1, 拖延: -1, 退货: -1, 退款: -1, 无人处理: -2, 欺骗: -2, 欺诈: -2,
  虚假宣传: -2, 虚假: -2, 坑: -1, 坑人: -2, 骗: -1, 失望: -1, 不满: -1, 愤怒: -2, 糟糕: -2, 垃圾: -2, 差: -1, 烂: -1, 不好: -1,
  不行: -1, 恶劣: -2, 霸王条款: -2,
  // business, money, law
  亏损: -1, 下滑: -1, 暴跌: -2, 下跌: -1, 裁员: -1, 欠薪: -2, 倒闭: -2, 破产: -2, 停产: -1, 违规: -1, 违法: -2, 处罚: -1, 罚款: -1,
  被罚: -1, 丑闻: -2, 造假: -2, 质疑: -1, 争议: -1, 风波: -1, 危机: -1, 曝光: -1, 被曝: -1, 涉嫌: -1, 侵权: -1, 起诉: -1, 被告: -1,
  // English
  bad: -1, poor: -1, terrible: -2, awful: -2, worst: -2, disappointing: -1, disappointed: -1, angry: -2, complaint: -1, complaints: -1,
  defect: -1, defective: -2, faulty: -1, broken: -1, recall: -1, recalls: -1, leak: -1, leaking: -1, fire: -1, fraud: -2, scam: -2,
  lawsuit: -1, sued: -1, fined: -1, loss: -1, losses: -1, layoffs: -1, slump: -1, scandal: -2, unsafe: -2, failure: -1, fails: -1, unhappy: -1, poorly: -1,
};

export const POSITIVE: Record<string, number> = {
  好: 1, 不错: 1, 满意: 1, 优秀: 1, 出色: 1, 领先: 1, 创新: 1, 好评: 2, 点赞: 1, 推荐: 1, 喜欢: 1, 实惠: 1, 划算: 1, 可靠: 1,
  稳定: 1, 增长: 1, 大涨: 1, 突破: 1, 荣获: 1, 获奖: 1, 畅销: 1, 热销: 1, 火爆: 1, 信赖: 1, 省电: 1, 安静: 1, 高效: 1, 给力: 1,
  靠谱: 1, 惊艳: 2, 圆满: 1, 成功: 1, 优质: 1, 好用: 1, 提升: 1, 赞: 1, 口碑: 1, 放心: 1,
  good: 1, great: 2, excellent: 2, love: 1, best: 1, reliable: 1, praise: 1, praised: 1, award: 1, growth: 1, strong: 1, success: 1,
  successful: 1, recommend: 1, impressive: 2, quiet: 1, efficient: 1, happy: 1, helpful: 1, satisfied: 1,
};

/** Words that turn the tone word after them around (不满意 is negative, 没有问题 is not). */
export const NEGATORS = new Set(['不', '没', '没有', '无', '未', '非', '别', '毫无', '并非', '并不', '并未', '从不', '从未', '绝不', '不是', '不会', '并没有', '从来不', 'not', 'no', 'never', 'without', 'cannot', 'nor', 'hardly']);

/** Degree words: how much stronger (or weaker) the tone word after them is. */
export const DEGREE: Record<string, number> = {
  非常: 2, 极其: 2, 极: 2, 极度: 2, 严重: 2, 特别: 1.5, 十分: 1.5, 很: 1.5, 太: 1.5, 超级: 1.5, 相当: 1.5, 最: 1.5, 大面积: 1.5, 频繁: 1.5,
  更: 1.2, 比较: 1.2, 有点: 0.7, 有些: 0.7, 稍: 0.7, 略: 0.7,
  very: 1.5, extremely: 2, really: 1.5, so: 1.3, too: 1.5, quite: 1.2, slightly: 0.7, somewhat: 0.7, widespread: 1.5,
};
