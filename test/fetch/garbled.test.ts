import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodingProblem } from '../../src/fetch/garbled.js';

const ZH = '格力空调 KFR-35GW/N8 一级能效 变频冷暖 壁挂式 大1.5匹 售价：￥1,299 起 美的 海尔 奥克斯 正品保证 全国联保 包邮 送货上门 商品列表 关于我们 联系方式 售后服务 1.2万元';
const TRAD = '格力冷氣機 一級能效 變頻冷暖 壁掛式 售價：NT$12,990 起 正品保證 全國聯保 免運費 送貨到府 安裝 商品列表 關於我們 聯絡方式 售後服務 旗艦店 這個們說';
const JA = 'エアコン 価格 ダイキン 冷暖房 省エネ 送料無料 当日発送 売れ筋 ランキング 新商品 在庫あり お問い合わせ 会社概要 利用規約';
const KO = '에어컨 가격 삼성 무풍 냉난방 무료배송 신상품 재고 있음 문의하기 회사소개 이용약관 개인정보처리방침 고객센터';
const NAMES = '朱镕基 陶喆 空调专卖 王赟 李堃 张祎 售价 ' + ZH; // rare characters in names do not tip a page over

const misread = (text: string, from: string, as: string) => iconv.decode(iconv.encode(text, from), as);

describe('decodingProblem', () => {
  it.each([
    ['simplified Chinese', ZH, 'gb18030'],
    ['traditional Chinese', TRAD, 'big5'],
    ['traditional Chinese in UTF-8', TRAD, 'utf-8'],
    ['Japanese', JA, 'shift_jis'],
    ['Korean', KO, 'euc-kr'],
    ['names with rare characters', NAMES, 'gb18030'],
    ['French', 'Café crème brûlée, prix 1.234,56 € — “net” à emporter', 'windows-1252'],
    ['one stray bad byte in a long page', `${ZH.repeat(10)}\ufffd`, 'utf-8'],
    ['short Chinese text', '空调 ￥1,299', 'gb18030'],
  ])('%s reads as text', (_n, text, charset) => {
    expect(decodingProblem(text, charset)).toBeNull();
  });

  it.each([
    ['UTF-8 read as GBK', misread(ZH, 'utf-8', 'gbk'), 'gb18030', /garbled|could not be decoded/],
    ['traditional UTF-8 read as GBK', misread(TRAD, 'utf-8', 'gbk'), 'gb18030', /garbled|could not be decoded/],
    ['GBK read as Big5', misread(ZH, 'gbk', 'big5'), 'big5', /garbled|could not be decoded/],
    ['Big5 read as GBK', misread(TRAD, 'big5', 'gbk'), 'gb18030', /garbled/],
    ['GBK read as UTF-8', misread(ZH, 'gbk', 'utf-8'), 'utf-8', /could not be decoded as utf-8/],
    ['UTF-8 read as Latin-1', misread('Café crème brûlée — “net” à emporter', 'utf-8', 'windows-1252'), 'windows-1252', /UTF-8 read as Latin-1/],
    ['mojibake stored as UTF-8 by the site itself ("锟斤拷")', `${'锟斤拷'.repeat(10)}${misread(ZH, 'utf-8', 'gbk').replaceAll('\ufffd', '')}`, 'utf-8', /garbled/],
  ])('%s is garbled', (_n, text, charset, why) => {
    expect(decodingProblem(text, charset)).toMatch(why);
  });

  it('quotes where the garbage starts', () => {
    expect(decodingProblem(misread(ZH, 'utf-8', 'gbk').replaceAll('\ufffd', ''), 'gb18030')).toMatch(/only \d+ % of its \d+ Chinese characters are common ones, e\.g\. ".*鏍/);
    expect(decodingProblem(misread(ZH, 'utf-8', 'gbk'), 'gb18030')).toMatch(/^\d+ characters could not be decoded as GBK\/GB18030, e\.g\. ".*\ufffd/);
  });
});
