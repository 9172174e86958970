import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeBody, normaliseCharset, type DecodedBody } from '../../src/fetch/charset.js';

// Real text for each charset. GBK_ONLY has 镕 and 喆, which GB2312 lacks; GB18030_ONLY has 𠮷,
// a four-byte GB18030 sequence that GBK lacks.
const ZH = '空调 KFR-35GW ￥1,299 起';
const GB2312_TEXT = '格力空调 KFR-35GW 售价：￥1,299 起（含税）';
const GBK_ONLY = '朱镕基 陶喆 空调 ￥1,299 起';
const GB18030_ONLY = '𠮷野家 空调 ￥1,299 起';
const BIG5_TEXT = '冷氣機 空調 售價 NT$1,299 起';
const SJIS_TEXT = 'エアコン 価格 1,299円';
const EUCKR_TEXT = '에어컨 가격 12,000원';
const LATIN_TEXT = 'Café crème 1.234,56 €';

const html = (body: string, head = '') => `<!doctype html><html><head>${head}<title>t</title></head><body>${body}</body></html>`;
const enc = (text: string, charset: string) => new Uint8Array(iconv.encode(text, charset));
const BOM = new Uint8Array([0xef, 0xbb, 0xbf]);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

const META_GBK = '<meta charset="gbk">';
const META_GB2312 = '<meta charset=gb2312>';
const EQUIV_GBK = '<meta http-equiv="Content-Type" content="text/html; charset=gbk">';
const EQUIV_BIG5 = "<meta http-equiv='content-type' content='text/html;charset=big5'>";
const META_UTF8 = '<meta charset="utf-8">';

interface Case {
  name: string;
  bytes: Uint8Array;
  contentType?: string | null;
  declared?: string;
  text: string;
  charset: string;
  source: DecodedBody['source'];
  note?: string;
}

const CASES: Case[] = [
  // the header says it
  { name: 'GBK via header', bytes: enc(ZH, 'gbk'), contentType: 'text/html; charset=GBK', text: ZH, charset: 'gb18030', source: 'header' },
  { name: 'GBK-only chars via header', bytes: enc(GBK_ONLY, 'gbk'), contentType: 'text/html; charset=gbk', text: GBK_ONLY, charset: 'gb18030', source: 'header' },
  { name: 'GB2312 subset via quoted header', bytes: enc(GB2312_TEXT, 'gb2312'), contentType: 'text/html; charset="gb2312"', text: GB2312_TEXT, charset: 'gb18030', source: 'header' },
  { name: 'gb2312 label over GBK-only chars', bytes: enc(GBK_ONLY, 'gbk'), contentType: 'text/html;charset=GB2312', text: GBK_ONLY, charset: 'gb18030', source: 'header' },
  { name: 'GB18030 four-byte chars via header', bytes: enc(GB18030_ONLY, 'gb18030'), contentType: 'text/html; charset=gb18030', text: GB18030_ONLY, charset: 'gb18030', source: 'header' },
  { name: 'Big5 via header', bytes: enc(BIG5_TEXT, 'big5'), contentType: 'text/html; charset=big5', text: BIG5_TEXT, charset: 'big5', source: 'header' },
  { name: 'UTF-8 via header', bytes: enc(ZH, 'utf-8'), contentType: 'text/html; charset=UTF-8', text: ZH, charset: 'utf-8', source: 'header' },
  { name: 'Shift_JIS via header', bytes: enc(SJIS_TEXT, 'shift_jis'), contentType: 'text/html; charset=Shift_JIS', text: SJIS_TEXT, charset: 'shift_jis', source: 'header' },
  { name: 'EUC-KR via header', bytes: enc(EUCKR_TEXT, 'euc-kr'), contentType: 'text/html; charset=euc-kr', text: EUCKR_TEXT, charset: 'euc-kr', source: 'header' },
  { name: 'windows-1252 via header', bytes: enc(LATIN_TEXT, 'windows-1252'), contentType: 'text/html; charset=windows-1252', text: LATIN_TEXT, charset: 'windows-1252', source: 'header' },
  { name: 'iso-8859-1 label decodes as windows-1252', bytes: enc('Prix 12€', 'windows-1252'), contentType: 'text/plain; charset=ISO-8859-1', text: 'Prix 12€', charset: 'windows-1252', source: 'header' },
  { name: 'charset before other params', bytes: enc(ZH, 'gbk'), contentType: 'text/html; charset=gbk; boundary=x', text: ZH, charset: 'gb18030', source: 'header' },

  // the page says it
  { name: 'GBK via <meta charset>', bytes: enc(html(ZH, META_GBK), 'gbk'), contentType: 'text/html', text: html(ZH, META_GBK), charset: 'gb18030', source: 'meta' },
  { name: 'GB2312 via unquoted <meta charset>', bytes: enc(html(GB2312_TEXT, META_GB2312), 'gb2312'), text: html(GB2312_TEXT, META_GB2312), charset: 'gb18030', source: 'meta' },
  { name: 'GBK via http-equiv meta', bytes: enc(html(ZH, EQUIV_GBK), 'gbk'), contentType: 'text/html', text: html(ZH, EQUIV_GBK), charset: 'gb18030', source: 'meta' },
  { name: 'Big5 via http-equiv meta', bytes: enc(html(BIG5_TEXT, EQUIV_BIG5), 'big5'), contentType: null, text: html(BIG5_TEXT, EQUIV_BIG5), charset: 'big5', source: 'meta' },
  { name: 'UTF-8 via meta', bytes: enc(html(ZH, META_UTF8), 'utf-8'), text: html(ZH, META_UTF8), charset: 'utf-8', source: 'meta' },
  { name: 'XML declaration', bytes: enc(`<?xml version="1.0" encoding="GBK"?><p>${ZH}</p>`, 'gbk'), contentType: 'application/xml', text: `<?xml version="1.0" encoding="GBK"?><p>${ZH}</p>`, charset: 'gb18030', source: 'meta' },
  {
    name: 'meta after 3 KB of script',
    bytes: enc(html(ZH, `<script>${'x'.repeat(3000)}</script>${META_GBK}`), 'gbk'),
    text: html(ZH, `<script>${'x'.repeat(3000)}</script>${META_GBK}`),
    charset: 'gb18030',
    source: 'meta',
  },
  {
    name: 'meta beyond 4 KB is not seen (sniffed instead)',
    bytes: enc(html(ZH, `<script>${'x'.repeat(5000)}</script>${'<meta charset="big5">'}`), 'gbk'),
    text: html(ZH, `<script>${'x'.repeat(5000)}</script>${'<meta charset="big5">'}`),
    charset: 'gb18030',
    source: 'sniffed',
  },
  {
    name: 'commented-out meta is ignored',
    bytes: enc(html(ZH, `<!-- <meta charset="big5"> -->${META_GBK}`), 'gbk'),
    text: html(ZH, `<!-- <meta charset="big5"> -->${META_GBK}`),
    charset: 'gb18030',
    source: 'meta',
  },
  { name: 'meta utf-16 means utf-8', bytes: enc(html(ZH, '<meta charset="utf-16">'), 'utf-8'), text: html(ZH, '<meta charset="utf-16">'), charset: 'utf-8', source: 'meta' },
  { name: 'unknown meta label, then sniff', bytes: enc(html(ZH, '<meta charset="klingon">'), 'gbk'), text: html(ZH, '<meta charset="klingon">'), charset: 'gb18030', source: 'sniffed' },

  // byte order marks beat everything but an explicit declaration
  { name: 'UTF-8 BOM', bytes: concat(BOM, enc(ZH, 'utf-8')), text: ZH, charset: 'utf-8', source: 'bom' },
  { name: 'UTF-8 BOM beats a GBK header', bytes: concat(BOM, enc(ZH, 'utf-8')), contentType: 'text/html; charset=gbk', text: ZH, charset: 'utf-8', source: 'bom' },
  { name: 'UTF-16LE BOM', bytes: concat(new Uint8Array([0xff, 0xfe]), enc(ZH, 'utf-16le')), text: ZH, charset: 'utf-16le', source: 'bom' },
  { name: 'UTF-16BE BOM', bytes: concat(new Uint8Array([0xfe, 0xff]), enc(ZH, 'utf-16be')), text: ZH, charset: 'utf-16be', source: 'bom' },

  // an explicit target charset overrides everything
  { name: 'declared gbk over a utf-8 header', bytes: enc(ZH, 'gbk'), contentType: 'text/html; charset=utf-8', declared: 'gbk', text: ZH, charset: 'gb18030', source: 'declared' },
  { name: 'declared GB2312 over a big5 meta', bytes: enc(html(ZH, '<meta charset="big5">'), 'gbk'), declared: 'GB2312', text: html(ZH, '<meta charset="big5">'), charset: 'gb18030', source: 'declared' },
  { name: 'declared big5', bytes: enc(BIG5_TEXT, 'big5'), contentType: 'text/html; charset=gbk', declared: 'big5', text: BIG5_TEXT, charset: 'big5', source: 'declared' },
  { name: 'declared utf-8 with a BOM', bytes: concat(BOM, enc(ZH, 'utf-8')), contentType: 'text/html; charset=gbk', declared: 'utf-8', text: ZH, charset: 'utf-8', source: 'declared' },
  { name: 'declared auto behaves as no declaration', bytes: enc(ZH, 'gbk'), contentType: 'text/html; charset=gbk', declared: 'auto', text: ZH, charset: 'gb18030', source: 'header' },
  { name: 'declared AUTO, any case', bytes: enc(ZH, 'gbk'), contentType: 'text/html; charset=gbk', declared: ' AUTO ', text: ZH, charset: 'gb18030', source: 'header' },
  { name: 'unknown declared label falls back to auto', bytes: enc(ZH, 'gbk'), contentType: 'text/html; charset=gbk', declared: 'klingon', text: ZH, charset: 'gb18030', source: 'header' },

  // the header is wrong
  { name: 'header utf-8, body GBK, meta gbk → meta', bytes: enc(html(ZH, META_GBK), 'gbk'), contentType: 'text/html; charset=utf-8', text: html(ZH, META_GBK), charset: 'gb18030', source: 'meta' },
  { name: 'header utf-8, body Big5, http-equiv big5 → meta', bytes: enc(html(BIG5_TEXT, EQUIV_BIG5), 'big5'), contentType: 'text/html; charset=utf-8', text: html(BIG5_TEXT, EQUIV_BIG5), charset: 'big5', source: 'meta' },
  { name: 'header utf-8, body GBK, no meta → sniffed gb18030', bytes: enc(html(ZH), 'gbk'), contentType: 'text/html; charset=utf-8', text: html(ZH), charset: 'gb18030', source: 'sniffed', note: 'the header says utf-8, but the bytes are not UTF-8' },
  { name: 'header gbk, body UTF-8, meta utf-8 → meta', bytes: enc(html(ZH, META_UTF8), 'utf-8'), contentType: 'text/html; charset=gbk', text: html(ZH, META_UTF8), charset: 'utf-8', source: 'meta' },
  { name: 'header iso-8859-1 (server default), meta gbk → meta', bytes: enc(html(ZH, META_GBK), 'gbk'), contentType: 'text/html; charset=ISO-8859-1', text: html(ZH, META_GBK), charset: 'gb18030', source: 'meta' },
  { name: 'header gbk and meta big5 disagree, no evidence → header', bytes: enc(html(ZH, '<meta charset="big5">'), 'gbk'), contentType: 'text/html; charset=gbk', text: html(ZH, '<meta charset="big5">'), charset: 'gb18030', source: 'header' },
  { name: 'unknown header label, meta decides', bytes: enc(html(ZH, META_GBK), 'gbk'), contentType: 'text/html; charset=x-nonsense', text: html(ZH, META_GBK), charset: 'gb18030', source: 'meta' },

  // header and page agree, the bytes say otherwise
  { name: 'header and meta gbk, body UTF-8 → utf-8', bytes: enc(html(ZH, META_GBK), 'utf-8'), contentType: 'text/html; charset=GBK', text: html(ZH, META_GBK), charset: 'utf-8', source: 'sniffed', note: 'the header and <meta> say GBK, but the bytes are UTF-8' },
  { name: 'meta gb2312 only, body UTF-8 → utf-8', bytes: enc(html(ZH, META_GB2312), 'utf-8'), contentType: 'text/html', text: html(ZH, META_GB2312), charset: 'utf-8', source: 'sniffed', note: '<meta> says GBK, but the bytes are UTF-8' },
  { name: 'header gbk, a JSON with one UTF-8 character ("1.2万") → utf-8', bytes: enc('{"price":"1.2万"}', 'utf-8'), contentType: 'application/json; charset=gbk', text: '{"price":"1.2万"}', charset: 'utf-8', source: 'sniffed', note: 'the header says GBK, but the bytes are UTF-8' },
  { name: 'header iso-8859-1, body UTF-8 → utf-8', bytes: enc('Café crème 1.234,56 € — prix “net”', 'utf-8'), contentType: 'text/html; charset=iso-8859-1', text: 'Café crème 1.234,56 € — prix “net”', charset: 'utf-8', source: 'sniffed', note: 'the header says windows-1252, but the bytes are UTF-8' },
  { name: 'header big5, body UTF-8 → utf-8', bytes: enc(BIG5_TEXT, 'utf-8'), contentType: 'text/html; charset=big5', text: BIG5_TEXT, charset: 'utf-8', source: 'sniffed', note: 'the header says big5, but the bytes are UTF-8' },
  { name: 'fetch.charset gbk is obeyed even over UTF-8 bytes (the garble check speaks later)', bytes: enc('空调', 'utf-8'), contentType: 'text/html; charset=utf-8', declared: 'gbk', text: iconv.decode(Buffer.from('空调'), 'gbk'), charset: 'gb18030', source: 'declared' },

  // nothing says anything
  { name: 'no header, no meta, UTF-8 → sniffed', bytes: enc(html(ZH), 'utf-8'), text: html(ZH), charset: 'utf-8', source: 'sniffed' },
  { name: 'no header, no meta, GBK → sniffed gb18030', bytes: enc(html(ZH), 'gbk'), contentType: 'text/html', text: html(ZH), charset: 'gb18030', source: 'sniffed' },
  { name: 'no header, no meta, GB2312 → sniffed gb18030', bytes: enc(GB2312_TEXT, 'gb2312'), contentType: undefined, text: GB2312_TEXT, charset: 'gb18030', source: 'sniffed' },
  { name: 'no header, no meta, GB18030 → sniffed', bytes: enc(GB18030_ONLY, 'gb18030'), text: GB18030_ONLY, charset: 'gb18030', source: 'sniffed' },
  { name: 'UTF-8 cut mid-character is still UTF-8', bytes: enc(ZH + '空', 'utf-8').subarray(0, enc(ZH, 'utf-8').length + 2), text: ZH + '\ufffd', charset: 'utf-8', source: 'sniffed' },
  { name: 'pure ASCII → default', bytes: enc(html('price 12'), 'utf-8'), text: html('price 12'), charset: 'utf-8', source: 'default' },
  { name: 'empty body → default', bytes: new Uint8Array(0), text: '', charset: 'utf-8', source: 'default' },
];

describe('decodeBody', () => {
  it.each(CASES)('$name', ({ bytes, contentType, declared, text, charset, source, note }) => {
    const got = decodeBody(bytes, contentType, declared);
    expect(got).toEqual({ text, charset, source, ...(note ? { note } : {}) });
  });

  it('real GBK text is never taken for UTF-8, however short', () => {
    // Every pair of common characters (GB2312 level 1) behind a GBK header: none may switch to UTF-8.
    const chars = iconv.decode(Buffer.from(Array.from({ length: 3755 }, (_, i) => [0xb0 + Math.floor(i / 94), 0xa1 + (i % 94)]).flat()), 'gbk');
    for (let i = 0; i + 1 < chars.length; i += 7) {
      const word = chars.slice(i, i + 2);
      expect(decodeBody(enc(`{"name":"${word}"}`, 'gbk'), 'application/json; charset=gbk').charset).toBe('gb18030');
    }
  });

  it('decodes a Buffer and a subarray view the same way', () => {
    const buf = Buffer.concat([Buffer.from('xx'), iconv.encode(ZH, 'gbk')]);
    const view = new Uint8Array(buf.buffer, buf.byteOffset + 2, buf.length - 2);
    expect(decodeBody(view, 'text/html; charset=gbk').text).toBe(ZH);
    expect(decodeBody(iconv.encode(ZH, 'gbk'), 'text/html; charset=gbk').text).toBe(ZH);
  });

  it('never throws on odd input', () => {
    const junk = new Uint8Array(Array.from({ length: 300 }, (_, i) => (i * 7919) % 256));
    for (const ct of [null, undefined, '', 'charset=', 'text/html; charset=""', 'text/html; charset=\u0000', 42 as unknown as string]) {
      for (const declared of [undefined, '', 'auto', '???', 'utf-7', null as unknown as string]) {
        expect(() => decodeBody(junk, ct, declared)).not.toThrow();
      }
    }
    expect(decodeBody(null as unknown as Uint8Array, null)).toEqual({ text: '', charset: 'utf-8', source: 'default' });
  });
});

describe('normaliseCharset', () => {
  it.each([
    ['GB2312', 'gb18030'],
    ['gbk', 'gb18030'],
    ['GB18030', 'gb18030'],
    ['x-gbk', 'gb18030'],
    ['cp936', 'gb18030'],
    ['"gbk"', 'gb18030'],
    [' UTF-8 ', 'utf-8'],
    ['utf8', 'utf-8'],
    ['Big5', 'big5'],
    ['big5-hkscs', 'big5'],
    ['Shift_JIS', 'shift_jis'],
    ['windows-31j', 'shift_jis'],
    ['EUC-KR', 'euc-kr'],
    ['ks_c_5601-1987', 'euc-kr'],
    ['ISO-8859-1', 'windows-1252'],
    ['latin1', 'windows-1252'],
    ['us-ascii', 'windows-1252'],
    ['utf-16', 'utf-16le'],
    ['windows-1251', 'windows-1251'],
    ['KOI8-R', 'koi8-r'],
    ['klingon', null],
    ['', null],
    ['   ', null],
  ])('%s → %s', (label, want) => {
    expect(normaliseCharset(label)).toBe(want);
  });

  it('is total', () => {
    expect(normaliseCharset(undefined as unknown as string)).toBeNull();
    expect(normaliseCharset(5 as unknown as string)).toBeNull();
  });
});
