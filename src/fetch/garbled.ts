/**
 * Text that was decoded with the wrong charset, recognised after the fact:
 *
 *   decodingProblem('鏍煎姏绌鸿皟 KFR-35GW 鍞环锛氾骏1,299', 'gb18030')
 *     → 'the text looks garbled: 12 % of its 40 Chinese characters are common ones (鏍煎姏绌鸿皟 …)'
 *   decodingProblem('格力空调 KFR-35GW ￥1,299', 'gb18030') → null
 *
 * Three signs, each cheap enough to run on every page (one pass over the first 64 K characters):
 *  - replacement characters (U+FFFD): bytes the charset has no character for;
 *  - Chinese mojibake: UTF-8 read as GBK, GBK as Big5 and the like come out as rare characters.
 *    Real Chinese text, simplified or traditional, is almost all common characters (GB2312 level 1
 *    or Big5's frequent set: measured 100 % on shop listings), mojibake about 35-60 %;
 *  - Latin mojibake: UTF-8 read as Latin-1 ("Ã©", "â€™").
 * Japanese and Korean text is left to the first sign (kanji and hanja have their own frequencies).
 */
import iconv from 'iconv-lite';

/** Characters looked at per page: enough for a verdict, bounded on a 10 MB page. */
const SCAN_CHARS = 65_536;
/** Han characters needed before their mix says anything. */
const MIN_HAN = 20;
/** Below this share of common characters, Chinese text is mojibake. */
const MIN_COMMON_SHARE = 0.8;

let common: Uint8Array | null = null;

/** GB2312 level 1 (the 3,755 most used simplified characters) ∪ Big5's 5,401 frequent ones. */
function commonHan(): Uint8Array {
  if (common) return common;
  const set = new Uint8Array(0x10000);
  // One decode per table, not one per character (9,000 small decodes took ~150 ms).
  const add = (pairs: number[][], charset: string) => {
    const text = iconv.decode(Buffer.from(pairs.flat()), charset);
    const one = text.length === pairs.length;
    for (let i = 0; i < pairs.length; i++) {
      const s = one ? text[i]! : iconv.decode(Buffer.from(pairs[i]!), charset);
      if (s.length === 1 && s !== '\ufffd') set[s.charCodeAt(0)] = 1;
    }
  };
  const gb: number[][] = [];
  for (let a = 0xb0; a <= 0xd7; a++) for (let b = 0xa1; b <= 0xfe; b++) gb.push([a, b]);
  add(gb, 'gbk');
  const big5: number[][] = [];
  for (let a = 0xa4; a <= 0xc6; a++) {
    for (let b = 0x40; b <= 0xfe; b++) {
      if ((b > 0x7e && b < 0xa1) || (a === 0xc6 && b > 0x7e)) continue;
      big5.push([a, b]);
    }
  }
  add(big5, 'big5');
  common = set;
  return set;
}

const isHan = (c: number) => (c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf);
const isKana = (c: number) => c >= 0x3040 && c <= 0x30ff;
const isHangul = (c: number) => c >= 0xac00 && c <= 0xd7a3;

/** Why `text` (decoded as `charset`) cannot be trusted, in words; null when it reads like text. */
export function decodingProblem(text: string, charset: string): string | null {
  const n = Math.min(text.length, SCAN_CHARS);
  const set = commonHan();
  let nonAscii = 0;
  let replacement = 0;
  let han = 0;
  let commonCount = 0;
  let kana = 0;
  let hangul = 0;
  let latinMojibake = 0;
  let firstOdd = -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    nonAscii++;
    if (c === 0xfffd) {
      replacement++;
      if (firstOdd < 0) firstOdd = i;
    } else if (isHan(c)) {
      han++;
      if (set[c]) commonCount++;
      else if (firstOdd < 0) firstOdd = i;
    } else if (isKana(c)) kana++;
    else if (isHangul(c)) hangul++;
    else if ((c === 0xc3 || c === 0xc2) && i + 1 < n) {
      // "Ã©", "Â " : the lead byte of a two-byte UTF-8 sequence read as Latin-1, then its continuation byte.
      const d = text.charCodeAt(i + 1);
      if (d >= 0x80 && d <= 0xbf) latinMojibake++;
    } else if (c === 0xe2 && text.charCodeAt(i + 1) === 0x20ac) latinMojibake++; // "â€" starts ’ “ ” – … read as windows-1252
  }
  const shown = (at: number) => JSON.stringify(text.slice(Math.max(0, at - 4), at + 12).replace(/\s+/g, ' '));
  if (replacement >= 3 && replacement >= nonAscii * 0.01) {
    return `${replacement} characters could not be decoded as ${name(charset)}, e.g. ${shown(text.indexOf('\ufffd'))}`;
  }
  if (han >= MIN_HAN && kana < han * 0.3 && hangul < han && commonCount < han * MIN_COMMON_SHARE) {
    return `the text decoded as ${name(charset)} looks garbled: only ${Math.round((commonCount / han) * 100)} % of its ${han} Chinese characters are common ones, e.g. ${shown(firstOdd)}`;
  }
  if (latinMojibake >= 3) {
    const at = text.search(/[ÃÂ][\u0080-\u00bf]|â€/);
    return `the text decoded as ${name(charset)} looks like UTF-8 read as Latin-1, e.g. ${shown(at)}`;
  }
  return null;
}

function name(charset: string): string {
  return charset === 'gb18030' ? 'GBK/GB18030' : charset;
}
