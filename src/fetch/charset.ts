/**
 * decodeBody: bytes of a fetched page → text, and which evidence chose the charset.
 *
 *   decodeBody(bytes, 'text/html; charset=GBK')        → { text, charset: 'gb18030', source: 'header' }
 *   decodeBody(bytes, 'text/html', 'big5')             → { ..., source: 'declared' }
 *
 * Order for `declared = 'auto'` (the default):
 *   1. a byte order mark;
 *   2. the Content-Type header's charset;
 *   3. `<meta charset>`, `<meta http-equiv … content="…charset=…">` or `<?xml encoding>` in the first 4 KB;
 *   4. sniffing when neither 2 nor 3 says anything: valid UTF-8 → utf-8, otherwise gb18030;
 *   5. utf-8 (empty or pure-ASCII bodies: sniffing learns nothing there).
 * An explicit `declared` charset (a target's `charset: gbk`) overrides all of that.
 *
 * When the header and the page disagree (a server-wide `charset=utf-8` in front of GBK pages, or a
 * default `ISO-8859-1` from Tomcat), the bytes settle it; see `fromHeader`. When the header and the
 * page agree and the bytes still say otherwise (UTF-8 bytes behind `charset=GBK` in both), the bytes
 * win too; either way the result carries a `note` saying what was overruled, because a decoding that
 * went against the page's own word is a guess (see pipeline/trust: a guess never alerts on its own).
 *
 * GB2312 and GBK labels decode as gb18030: a superset, and real pages labelled gb2312 use GBK-only
 * characters (镕, 喆). Labels follow the WHATWG Encoding Standard where it has an opinion
 * (latin1 → windows-1252, meta utf-16 → utf-8). Unknown labels are ignored, never thrown.
 */
import { isUtf8 as validUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { decodingProblem } from './garbled.js';

export interface DecodedBody {
  text: string;
  charset: string;
  source: 'bom' | 'header' | 'meta' | 'declared' | 'sniffed' | 'default';
  /** Set when the bytes overruled what the page declared: "the header says gbk, but the bytes are UTF-8". */
  note?: string;
}

/** How far into the body to look for a `<meta>` charset. WHATWG says 1024; real pages put scripts first. */
const META_SCAN_BYTES = 4096;

/** Label → the name we decode with. Lower-case keys; anything else iconv-lite knows passes through. */
const ALIASES: Record<string, string> = {};
function alias(target: string, labels: string): void {
  for (const l of labels.split(' ')) ALIASES[l] = target;
}
alias('utf-8', 'utf-8 utf8 unicode-1-1-utf-8 unicode11utf8 unicode20utf8 x-unicode20utf8');
alias(
  'gb18030',
  'gb18030 gbk gb2312 gb_2312 gb_2312-80 gb-2312 chinese csgb2312 csiso58gb231280 iso-ir-58 x-gbk ' +
    'cp936 ms936 windows-936 euc-cn x-euc-cn',
);
alias('big5', 'big5 big5-hkscs big5hkscs cn-big5 csbig5 x-x-big5 big-5 cp950 x-big5');
alias('shift_jis', 'shift_jis shift-jis sjis ms_kanji csshiftjis windows-31j x-sjis ms932 cp932');
alias('euc-jp', 'euc-jp x-euc-jp cseucpkdfmtjapanese');
alias(
  'euc-kr',
  'euc-kr ks_c_5601-1987 ks_c_5601-1989 ksc5601 ksc_5601 korean cseuckr csksc56011987 iso-ir-149 ' +
    'windows-949 cp949 uhc',
);
alias(
  'windows-1252',
  'windows-1252 cp1252 x-cp1252 iso-8859-1 iso8859-1 iso_8859-1 iso_8859-1:1987 latin1 l1 cp819 ' +
    'ibm819 csisolatin1 iso-ir-100 us-ascii ascii ansi_x3.4-1968 x-user-defined',
);
alias('utf-16le', 'utf-16 utf-16le utf16 utf16le unicode ucs-2 csunicode iso-10646-ucs-2 unicodefeff');
alias('utf-16be', 'utf-16be utf16be unicodefffe');

/** Western single-byte charsets that servers send by default whether or not the page is Western. */
const SERVER_DEFAULTS = new Set(['windows-1252']);
/** Multi-byte East Asian charsets: a page naming one of these knows what it is. */
const CJK = new Set(['gb18030', 'big5', 'shift_jis', 'euc-jp', 'euc-kr']);

/** `'GB2312'` → `'gb18030'`, `'Latin1'` → `'windows-1252'`, `'klingon'` → null. */
export function normaliseCharset(label: string): string | null {
  if (typeof label !== 'string') return null;
  const l = label.trim().replace(/^["']+|["']+$/g, '').trim().toLowerCase();
  if (l === '') return null;
  const known = ALIASES[l];
  if (known) return known;
  // windows-1251, koi8-r, iso-8859-2 …: iconv-lite knows them under the label itself.
  return iconv.encodingExists(l) ? l : null;
}

export function decodeBody(body: Uint8Array, contentType: string | null | undefined, declared?: string): DecodedBody {
  const c = detectCharset(body, contentType, declared);
  return { text: decodeBytes(c.bytes, c.charset), charset: c.charset, source: c.source, ...(c.note ? { note: c.note } : {}) };
}

/** Which charset a body is in (and the bytes to decode, without a BOM), without decoding it. */
export interface DetectedCharset {
  bytes: Uint8Array;
  charset: string;
  source: DecodedBody['source'];
  note?: string;
}

export function detectCharset(body: Uint8Array, contentType: string | null | undefined, declared?: string): DetectedCharset {
  const bytes = body instanceof Uint8Array ? body : new Uint8Array(0);

  // An explicit label in the target wins. An unknown one is ignored rather than failing the run.
  if (typeof declared === 'string' && declared.trim().toLowerCase() !== 'auto') {
    const cs = normaliseCharset(declared);
    if (cs) return result(bytes, cs, 'declared');
  }

  const bom = sniffBom(bytes);
  if (bom) return result(bytes.subarray(bom.length), bom.charset, 'bom');

  const header = headerCharset(contentType);
  const meta = metaCharset(bytes);
  const chosen = header ? fromHeader(bytes, header, meta) : meta ? result(bytes, meta, 'meta') : sniff(bytes);
  return chosen.source === 'header' || chosen.source === 'meta' ? checkedAgainstBytes(chosen, header, meta) : chosen;
}

/**
 * A legacy charset that the header or `<meta>` named, checked against the bytes: UTF-8 bytes
 * behind `charset=GBK` (header and meta both copied from an old template) decode into garbage
 * whose prices still parse (`1.2万` became `1.2`). Valid UTF-8 with several multi-byte sequences
 * is essentially never GBK, Big5 or Latin-1 text (a GBK text of four characters is valid UTF-8
 * about once in a thousand; a page, never), so those bytes are read as UTF-8. With fewer
 * sequences, UTF-8 wins only when the declared decoding looks broken.
 */
function checkedAgainstBytes(chosen: DetectedCharset, header: string | null, meta: string | null): DetectedCharset {
  if (chosen.charset === 'utf-8' || chosen.charset.startsWith('utf-16')) return chosen;
  const sequences = utf8Sequences(chosen.bytes, 4);
  if (sequences === 0 || !isUtf8(chosen.bytes)) return chosen;
  if (sequences < 4) {
    // A few sequences could be chance; valid UTF-8 that the declared charset cannot even decode is not.
    const declared = decodeBytes(chosen.bytes, chosen.charset);
    if (!declared.includes('\ufffd') && decodingProblem(declared, chosen.charset) === null) return chosen;
  }
  const said = header && meta && header === meta ? `the header and <meta> say ${label(header)}` : header && chosen.source === 'header' ? `the header says ${label(header)}` : `<meta> says ${label(chosen.charset)}`;
  return { bytes: chosen.bytes, charset: 'utf-8', source: 'sniffed', note: `${said}, but the bytes are UTF-8` };
}

const label = (cs: string) => (cs === 'gb18030' ? 'GBK' : cs);

/**
 * The header usually wins, except where the bytes show it is a server-wide default that is wrong:
 *  - header utf-8, body not valid UTF-8: the page's own `<meta>` if it names something else,
 *    else sniff (gb18030);
 *  - header legacy, `<meta>` utf-8 and the body is valid UTF-8 with non-ASCII bytes: the meta
 *    (a GBK or Big5 text essentially never happens to be valid UTF-8);
 *  - header windows-1252/iso-8859-1, `<meta>` names a CJK charset: the meta. Decoding Chinese as
 *    Latin-1 never yields anything useful, and Latin-1 is what servers say when nobody configured them.
 */
function fromHeader(bytes: Uint8Array, header: string, meta: string | null): DetectedCharset {
  if (header === 'utf-8') {
    if (isUtf8(bytes)) return result(bytes, header, 'header');
    if (meta && meta !== 'utf-8') return result(bytes, meta, 'meta');
    return { ...result(bytes, 'gb18030', 'sniffed'), note: 'the header says utf-8, but the bytes are not UTF-8' };
  }
  if (meta && meta !== header) {
    if (meta === 'utf-8' && hasNonAscii(bytes) && isUtf8(bytes)) return result(bytes, meta, 'meta');
    if (SERVER_DEFAULTS.has(header) && CJK.has(meta)) return result(bytes, meta, 'meta');
  }
  return result(bytes, header, 'header');
}

/** Nothing declared: UTF-8 if the bytes are valid UTF-8, else the likeliest legacy charset for our targets. */
function sniff(bytes: Uint8Array): DetectedCharset {
  if (!hasNonAscii(bytes)) return result(bytes, 'utf-8', 'default');
  if (isUtf8(bytes)) return result(bytes, 'utf-8', 'sniffed');
  // Most targets are mainland Chinese sites; gb18030 decodes every GB2312/GBK page.
  return result(bytes, 'gb18030', 'sniffed');
}

function result(bytes: Uint8Array, charset: string, source: DecodedBody['source']): DetectedCharset {
  return { bytes, charset, source };
}

export function decodeBytes(bytes: Uint8Array, charset: string): string {
  if (charset === 'utf-8') {
    // Node's own decoder: several times faster than iconv-lite's for the most common case.
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
  try {
    return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), charset);
  } catch {
    // normaliseCharset only returns labels iconv-lite knows; this is for its own surprises.
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function sniffBom(b: Uint8Array): { charset: string; length: number } | null {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { charset: 'utf-8', length: 3 };
  if (b[0] === 0xfe && b[1] === 0xff) return { charset: 'utf-16be', length: 2 };
  if (b[0] === 0xff && b[1] === 0xfe) return { charset: 'utf-16le', length: 2 };
  return null;
}

/** `text/html; charset="GBK"` → gb18030. A missing or unknown label → null. */
function headerCharset(contentType: string | null | undefined): string | null {
  if (typeof contentType !== 'string') return null;
  const m = /;\s*charset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;,]+))/i.exec(contentType);
  const label = m?.[1] ?? m?.[2] ?? m?.[3];
  return label ? normaliseCharset(label) : null;
}

/**
 * The first usable charset in `<meta charset>`, `<meta http-equiv content="…; charset=…">` or an
 * XML declaration. The head is read as latin1: every byte maps to one char, so ASCII markup is
 * found whatever the real encoding is.
 */
function metaCharset(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, META_SCAN_BYTES))
    .toString('latin1')
    .replace(/<!--[\s\S]*?(?:-->|$)/g, ''); // a commented-out meta does not count
  const labels: string[] = [];
  const xml = /^\s*<\?xml\b[^>]*\bencoding\s*=\s*["']([^"']+)["']/i.exec(head);
  if (xml?.[1]) labels.push(xml[1]);
  for (const tag of head.match(/<meta\b[^>]*>/gi) ?? []) {
    const m = /\bcharset\s*=\s*["']?\s*([^\s"'/>;,]+)/i.exec(tag);
    if (m?.[1]) labels.push(m[1]);
  }
  for (const label of labels) {
    const cs = normaliseCharset(label);
    // A page that can be read as ASCII to find its meta is not UTF-16, whatever it says (WHATWG).
    if (cs) return cs.startsWith('utf-16') ? 'utf-8' : cs;
  }
  return null;
}

/** Multi-byte UTF-8 sequences (lead bytes), counted up to `limit`. */
function utf8Sequences(b: Uint8Array, limit: number): number {
  let n = 0;
  for (let i = 0; i < b.length && n < limit; i++) if (b[i]! >= 0xc2 && b[i]! <= 0xf4) n++;
  return n;
}

function hasNonAscii(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i]! >= 0x80) return true;
  return false;
}

/**
 * Valid UTF-8, allowing a sequence cut off at the very end (a body truncated at a size cap is
 * still UTF-8).
 */
function isUtf8(b: Uint8Array): boolean {
  // Validates without building a string (TextDecoder decoded the whole page only to throw it away).
  if (validUtf8(b)) return true;
  // The last sequence may be cut off: check everything before its lead byte.
  for (let k = 1; k <= 4 && k <= b.length; k++) {
    const c = b[b.length - k]!;
    if ((c & 0xc0) !== 0x80) return c >= 0xc0 && validUtf8(b.subarray(0, b.length - k));
  }
  return false;
}
