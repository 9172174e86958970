/**
 * Reads any exported table (CSV in UTF-8 / UTF-8 with BOM / UTF-16 / GBK / GB18030, or XLSX)
 * as a stream of rows of cells, in bounded memory. It knows nothing about columns: mapping
 * header names to fields is the next stage (mapping.ts).
 *
 * We tokenise CSV ourselves rather than with csv-parse: with csv-parse one unclosed quote in
 * row 12 swallows every row after it as one field, and a 1 M-row import becomes a single bad
 * row. Here a quoted field may span at most `maxRecordLines` physical lines; past that the row
 * is reported bad and parsing resumes on the next line.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import iconv from 'iconv-lite';
import { createRequire } from 'node:module';

// exceljs (~30 MB loaded) only when an XLSX export is read.
const requireLazy = createRequire(import.meta.url);
import { RadarError } from '../core/errors.js';

/** A cell as it arrives: CSV gives strings, XLSX may give numbers, dates and booleans. */
export type Cell = string | number | Date | boolean | null;

/** A row that could not be used, with a place a person can open and a reason. */
export interface BadRow {
  file: string;
  line: number;
  reason: string;
}

export type RowHandler = (cells: Cell[], line: number) => void;

export interface TableInfo {
  file: string;
  format: 'csv' | 'xlsx';
  /** The encoding used to decode a CSV: declared, or detected from a BOM or the bytes. */
  encoding?: string;
  delimiter?: string;
  sheet?: string;
  /** Data records handed to the row handler, header and preamble included. */
  records: number;
  blank: number;
}

export interface ReadTableOptions {
  /** 'auto' (default) sniffs a BOM, then checks the first MiB for valid UTF-8, else GB18030. */
  encoding?: string;
  /** Worksheet name for XLSX; the first sheet by default. */
  sheet?: string;
  delimiter?: string;
  maxRecordLines?: number;
}

/**
 * Collects bad rows: every one is counted by reason; the first `limit` are kept with their
 * place, so a file with a million broken rows reports all of them in counts without holding them.
 * The counts are by kind of reason: the value a reason quotes (`unreadable date "2026-13-45" in
 * 日期`) is left out of its key, so a million different bad dates are one count, not a million.
 */
export class BadRows {
  readonly byReason = new Map<string, number>();
  readonly sample: BadRow[] = [];
  count = 0;
  constructor(readonly limit = 200) {}

  add(file: string, line: number, reason: string): void {
    this.count++;
    const key = reasonKey(reason);
    this.byReason.set(key, (this.byReason.get(key) ?? 0) + 1);
    if (this.sample.length < this.limit) this.sample.push({ file, line, reason });
  }
}

/** A reason without the value it quotes: everything from the first to the last `"` becomes `"…"` (a value may hold quotes itself). */
export function reasonKey(reason: string): string {
  const first = reason.indexOf('"');
  const last = reason.lastIndexOf('"');
  return first >= 0 && last > first ? `${reason.slice(0, first)}"…"${reason.slice(last + 1)}` : reason;
}

const SNIFF_BYTES = 1 << 20;

/** Detects the encoding of a CSV from its first bytes. Exported for tests. */
export function sniffEncoding(head: Uint8Array, complete: boolean): { encoding: string; bom: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  // Drop a multi-byte sequence cut by the sniff window before validating.
  let end = head.length;
  if (!complete) {
    let back = 0;
    while (back < 4 && end - back - 1 >= 0 && ((head[end - back - 1] ?? 0) & 0xc0) === 0x80) back++;
    const lead = head[end - back - 1] ?? 0;
    if (lead >= 0xc0) end = end - back - 1;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end));
    return { encoding: 'utf-8', bom: 0 };
  } catch {
    // Not UTF-8: Chinese Excel and most Chinese HR systems write GBK; GB18030 is its superset.
    return { encoding: 'gb18030', bom: 0 };
  }
}

function normaliseEncoding(enc: string): string {
  const e = enc.toLowerCase().replace(/[_\s]/g, '-');
  if (e === 'utf8' || e === 'utf-8' || e === 'utf-8-bom' || e === 'utf8-bom' || e === 'utf-8-sig') return 'utf-8';
  if (e === 'gbk' || e === 'gb2312' || e === 'cp936' || e === 'gb18030' || e === 'euc-cn') return 'gb18030';
  if (e === 'utf16le' || e === 'utf-16le' || e === 'ucs-2' || e === 'utf-16') return 'utf-16le';
  return e;
}

interface TextDecoderLike {
  write(buf: Buffer): string;
  end(): string;
}

function makeDecoder(encoding: string, where: string): TextDecoderLike {
  if (encoding === 'utf-8' || encoding === 'utf-16le') {
    const td = new TextDecoder(encoding);
    return { write: (b) => td.decode(b, { stream: true }), end: () => td.decode() };
  }
  if (!iconv.encodingExists(encoding)) {
    throw new RadarError('config', `unknown encoding "${encoding}" (try utf-8, gbk, gb18030, utf-16le)`, { where });
  }
  const dec = iconv.getDecoder(encoding, { stripBOM: false });
  return { write: (b) => dec.write(b), end: () => dec.end() ?? '' };
}

/**
 * Streams the rows of a CSV or XLSX file to `onRow`. Bad rows found while tokenising (an
 * unclosed quote, undecodable bytes) go to `bad`; reading never throws for a bad row, only
 * for a file that cannot be read at all.
 */
export async function readTable(file: string, opts: ReadTableOptions, onRow: RowHandler, bad: BadRows): Promise<TableInfo> {
  const ext = extname(file).toLowerCase();
  if (ext === '.xlsx' || ext === '.xlsm') return readXlsx(file, opts, onRow);
  if (ext === '.xls') {
    throw new RadarError('import', 'legacy .xls is not supported; save the export as .xlsx or CSV', { where: file });
  }
  return readCsv(file, opts, onRow, bad);
}

async function readCsv(file: string, opts: ReadTableOptions, onRow: RowHandler, bad: BadRows): Promise<TableInfo> {
  const name = basename(file);
  let encoding: string;
  let bom = 0;
  const head = await readHead(file);
  const sniffed = sniffEncoding(head.bytes, head.complete);
  if (!opts.encoding || opts.encoding === 'auto') {
    encoding = sniffed.encoding;
    bom = sniffed.bom;
  } else {
    encoding = normaliseEncoding(opts.encoding);
    // A declared UTF-8 file may still carry a BOM: never let it glue itself to the first header.
    if (encoding === sniffed.encoding) bom = sniffed.bom;
  }
  const decoder = makeDecoder(encoding, file);
  const tok = new CsvTokenizer(
    {
      delimiter: opts.delimiter,
      maxRecordLines: opts.maxRecordLines ?? 50,
    },
    (cells, line) => {
      for (const c of cells) {
        if (c.includes('\uFFFD')) {
          bad.add(name, line, `undecodable bytes as ${encoding}; declare the file's encoding in rules/signals.yaml`);
          return;
        }
      }
      onRow(cells, line);
    },
    (line, reason) => bad.add(name, line, reason),
  );
  const stream = createReadStream(file, { start: bom, highWaterMark: 1 << 16 });
  try {
    for await (const chunk of stream) tok.push(decoder.write(chunk as Buffer));
  } catch (err) {
    // What the row handler throws is the caller's (the header scan's stop, a config error), not a failed read.
    if (stream.errored !== err) throw err;
    throw new RadarError('import', `cannot read: ${(err as Error).message}`, { where: file, cause: err });
  }
  tok.push(decoder.end());
  tok.end();
  return { file: name, format: 'csv', encoding, delimiter: tok.delimiter, records: tok.records, blank: tok.blank };
}

async function readHead(file: string): Promise<{ bytes: Uint8Array; complete: boolean }> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (err) {
    throw new RadarError('import', `cannot open: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { where: file, cause: err });
  }
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
    return { bytes: buf.subarray(0, bytesRead), complete: bytesRead < SNIFF_BYTES };
  } finally {
    await fh.close();
  }
}

/**
 * Line-oriented CSV tokenizer (RFC 4180 quoting, relaxed: text after a closing quote is kept,
 * a quote inside an unquoted field is literal). Delimiter is detected from the first line
 * unless given. Line numbers are physical lines, 1-based, of a record's first line.
 */
export class CsvTokenizer {
  delimiter: string | undefined;
  records = 0;
  blank = 0;
  private carry = '';
  private lineNo = 0;
  private pending: { start: number; lines: string[] } | null = null;
  private readonly maxRecordLines: number;

  constructor(
    opts: { delimiter?: string | undefined; maxRecordLines?: number },
    private readonly onRecord: (cells: string[], line: number) => void,
    private readonly onBad: (line: number, reason: string) => void,
  ) {
    this.delimiter = opts.delimiter;
    this.maxRecordLines = opts.maxRecordLines ?? 50;
  }

  push(text: string): void {
    if (text === '') return;
    let from = 0;
    let nl = text.indexOf('\n');
    if (this.carry !== '') {
      if (nl < 0) {
        this.carry += text;
        return;
      }
      // Only the line cut by the chunk boundary is joined: joining carry and chunk copied the chunk.
      this.take(this.carry + text.slice(0, nl));
      this.carry = '';
      from = nl + 1;
      nl = text.indexOf('\n', from);
    }
    while (nl >= 0) {
      this.take(text.slice(from, nl));
      from = nl + 1;
      nl = text.indexOf('\n', from);
    }
    this.carry = own(text.slice(from));
  }

  end(): void {
    if (this.carry !== '') {
      const line = this.carry;
      this.carry = '';
      this.take(line);
    }
    if (this.pending) this.giveUp();
  }

  /**
   * One physical line, as a string of its own: a slice of the decoded chunk would keep the whole
   * chunk alive for as long as anything keeps one of its cells (a name in the directory, an
   * employee number in the pseudonym cache, a value quoted in a bad-row reason).
   */
  private take(raw: string): void {
    this.lineNo++;
    this.line(own(raw.endsWith('\r') ? raw.slice(0, -1) : raw), this.lineNo);
  }

  private line(line: string, no: number): void {
    if (this.pending) {
      this.pending.lines.push(line);
      const cells = parseQuoted(this.pending.lines.join('\n'), this.delimiter ?? ',');
      if (cells) {
        const start = this.pending.start;
        this.pending = null;
        this.emit(cells, start);
      } else if (this.pending.lines.length >= this.maxRecordLines) {
        this.giveUp();
      }
      return;
    }
    if (this.delimiter === undefined) {
      if (line.trim() === '') {
        this.blank++;
        return;
      }
      this.delimiter = detectDelimiter(line);
    }
    const d = this.delimiter;
    if (line.indexOf('"') < 0) {
      if (isBlank(line, d)) {
        this.blank++;
        return;
      }
      this.emit(line.split(d), no);
      return;
    }
    const cells = parseQuoted(line, d);
    if (cells) this.emit(cells, no);
    else this.pending = { start: no, lines: [line] };
  }

  /** A quoted field never closed: report its first line, then re-read the lines after it as rows. */
  private giveUp(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    this.onBad(p.start, 'unclosed quote');
    for (let i = 1; i < p.lines.length; i++) this.line(p.lines[i] ?? '', p.start + i);
  }

  private emit(cells: string[], line: number): void {
    this.records++;
    this.onRecord(cells, line);
  }
}

/** A flat copy of `s` that refers to no larger string (V8 keeps a slice's parent alive; short strings are copied anyway). */
function own(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

function isBlank(line: string, d: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c !== d && c !== ' ' && c !== '\t') return false;
  }
  return true;
}

function detectDelimiter(line: string): string {
  let best = ',';
  let bestN = 0;
  for (const d of [',', '\t', ';', '|']) {
    const n = line.split(d).length - 1;
    if (n > bestN) {
      best = d;
      bestN = n;
    }
  }
  return best;
}

/** Parses one record that contains quotes; null when a quoted field is still open at the end. */
export function parseQuoted(text: string, d: string): string[] | null {
  const out: string[] = [];
  const n = text.length;
  let i = 0;
  for (;;) {
    if (i >= n) {
      out.push('');
      return out;
    }
    if (text.charCodeAt(i) === 34) {
      i++;
      let val = '';
      for (;;) {
        const j = text.indexOf('"', i);
        if (j < 0) return null;
        val += text.slice(i, j);
        if (text.charCodeAt(j + 1) === 34) {
          val += '"';
          i = j + 2;
        } else {
          i = j + 1;
          break;
        }
      }
      const k = text.indexOf(d, i);
      if (k < 0) {
        out.push(val + text.slice(i));
        return out;
      }
      out.push(val + text.slice(i, k));
      i = k + d.length;
    } else {
      const k = text.indexOf(d, i);
      if (k < 0) {
        out.push(text.slice(i));
        return out;
      }
      out.push(text.slice(i, k));
      i = k + d.length;
    }
  }
}

async function readXlsx(file: string, opts: ReadTableOptions, onRow: RowHandler): Promise<TableInfo> {
  const name = basename(file);
  let records = 0;
  let blank = 0;
  let sheetName: string | undefined;
  // ExcelJS opens the file itself, and a failed open there is an unhandled 'error' event that ends the process.
  await readHead(file);
  try {
    // Streamed: shared strings and styles are cached (styles turn date cells into Dates), rows are not.
    const ExcelJS = requireLazy('exceljs') as typeof import('exceljs');
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
      sharedStrings: 'cache',
      styles: 'cache',
      hyperlinks: 'ignore',
      worksheets: 'emit',
      entries: 'emit',
    });
    let done = false;
    for await (const ws of reader) {
      const wsName = (ws as unknown as { name?: string }).name;
      if (done || (opts.sheet !== undefined && wsName !== opts.sheet)) {
        // Drain unread sheets: the zip is read in order and cannot skip an entry.
        for await (const _row of ws) void _row;
        continue;
      }
      sheetName = wsName;
      for await (const row of ws) {
        const values = row.values as unknown[];
        const cells: Cell[] = [];
        let any = false;
        for (let i = 1; i < values.length; i++) {
          const c = cellValue(values[i]);
          if (c !== null && c !== '') any = true;
          cells.push(c);
        }
        if (!any) {
          blank++;
          continue;
        }
        records++;
        onRow(cells, row.number);
      }
      done = true;
    }
  } catch (err) {
    if (err instanceof RadarError) throw err;
    throw new RadarError('import', `cannot read XLSX: ${(err as Error).message}`, { where: file, cause: err });
  }
  if (opts.sheet !== undefined && sheetName === undefined) {
    throw new RadarError('config', `no worksheet named "${opts.sheet}"`, { where: file });
  }
  return { file: name, format: 'xlsx', ...(sheetName !== undefined ? { sheet: sheetName } : {}), records, blank };
}

function cellValue(v: unknown): Cell {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: unknown };
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join('');
    if ('result' in o) return cellValue(o.result);
    if (typeof o.text === 'string') return o.text;
    if (o.error !== undefined) return null;
  }
  return String(v);
}
