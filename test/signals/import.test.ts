import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SIGNALS } from '../../src/signals/config.js';
import { dayNumber, isoWeek, parseDay, parseMinutes } from '../../src/signals/dates.js';
import { importFile, type ImportSpec } from '../../src/signals/importer.js';
import { BUILTIN_PRESETS } from '../../src/signals/mapping.js';
import { specForFile } from '../../src/signals/pipeline.js';
import { BadRows, CsvTokenizer, readTable, sniffEncoding } from '../../src/signals/table.js';
import { Directory, F, Pseudonymizer } from '../../src/signals/weekly.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'radar-signals-import-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HEADER = '姓名,工号,部门,日期,上班打卡时间,下班打卡时间,打卡结果';
// Monday 2026-11-16 .. Wednesday 2026-11-18 (ISO week 2026-W47) for one person.
const ROWS = [
  '王芳,10001,华东销售部,2026-11-16 星期一,08:50,18:20,正常',
  '王芳,10001,华东销售部,2026-11-17 星期二,09:10,18:00,迟到',
  '王芳,10001,华东销售部,2026-11-18 星期三,,,旷工',
  '王芳,10001,华东销售部,2026-11-21 星期六,,,休息',
];
const TEXT = [HEADER, ...ROWS].join('\r\n') + '\r\n';

function ctx() {
  return { cfg: DEFAULT_SIGNALS, directory: new Directory(), pseudo: new Pseudonymizer('test-key') };
}

function spec(path: string, preset = 'dingtalk-attendance', encoding = 'auto'): ImportSpec {
  return { path, presetName: preset, preset: BUILTIN_PRESETS[preset]!, encoding };
}

async function importAttendance(name: string, bytes: Buffer | string, encoding = 'auto') {
  const file = join(dir, name);
  await writeFile(file, bytes);
  const c = ctx();
  const res = await importFile(spec(file, 'dingtalk-attendance', encoding), c);
  const pid = c.pseudo.id('10001');
  const acc = res.aggregate.weeks.get(pid)?.get('2026-W47');
  return { ...res, acc, c, pid };
}

function expectW47(acc: Float64Array | undefined): void {
  expect(acc).toBeDefined();
  const a = acc as Float64Array;
  expect(a[F.att_days]).toBe(3); // Saturday is a rest day
  expect(a[F.present]).toBe(2);
  expect(a[F.absent]).toBe(1);
  expect(a[F.arr_sum]).toBe(8 * 60 + 50 + 9 * 60 + 10);
  expect(a[F.arr_n]).toBe(2);
  expect(a[F.hours_sum]).toBeCloseTo((18 * 60 + 20 - (8 * 60 + 50)) / 60 + (18 * 60 - (9 * 60 + 10)) / 60, 9);
}

describe('dates', () => {
  it('parses the date shapes exports use', () => {
    const d = dayNumber(2026, 11, 18);
    for (const s of ['2026-11-18', '2026/11/18', '2026.11.18', '2026年11月18日', '20261118', '2026-11-18 星期三', '2026-11-18 14:03:00']) expect(parseDay(s)).toBe(d);
    expect(parseDay(46344)).toBe(d); // Excel serial
    expect(parseDay(new Date(Date.UTC(2026, 10, 18)))).toBe(d);
    expect(parseDay('2026-02-30')).toBeNull();
    expect(parseDay('2026-13-45')).toBeNull();
    expect(parseDay('昨天')).toBeNull();
  });
  it('parses clock times and ISO weeks', () => {
    expect(parseMinutes('08:57')).toBe(537);
    expect(parseMinutes('8:05:59')).toBe(485);
    expect(parseMinutes('2026-11-18 18:30')).toBe(1110);
    expect(parseMinutes(0.375)).toBe(540);
    expect(parseMinutes('')).toBeNull();
    expect(parseMinutes('未打卡')).toBeNull();
    expect(parseMinutes('25:10')).toBeNull();
    expect(isoWeek(dayNumber(2026, 11, 22))).toBe('2026-W47');
    expect(isoWeek(dayNumber(2026, 11, 23))).toBe('2026-W48');
    expect(isoWeek(dayNumber(2027, 1, 1))).toBe('2026-W53');
    expect(isoWeek(dayNumber(2025, 12, 29))).toBe('2026-W01');
  });
});

describe('encodings', () => {
  it('sniffs BOMs, UTF-8 and GBK', () => {
    expect(sniffEncoding(Buffer.from('\uFEFF姓名', 'utf8'), true)).toEqual({ encoding: 'utf-8', bom: 3 });
    expect(sniffEncoding(Buffer.from('姓名,工号', 'utf8'), true)).toEqual({ encoding: 'utf-8', bom: 0 });
    expect(sniffEncoding(iconv.encode('姓名,工号', 'gbk'), true)).toEqual({ encoding: 'gb18030', bom: 0 });
    expect(sniffEncoding(Buffer.from([0xff, 0xfe, 0x41, 0x00]), true)).toEqual({ encoding: 'utf-16le', bom: 2 });
    // A multi-byte character cut by the sniff window is not a reason to call a file GBK.
    const cut = Buffer.from('打卡结果', 'utf8').subarray(0, 7);
    expect(sniffEncoding(cut, false).encoding).toBe('utf-8');
  });

  it('imports UTF-8', async () => {
    const r = await importAttendance('utf8.csv', TEXT);
    expect(r.report.encoding).toBe('utf-8');
    expect(r.report.bad).toBe(0);
    expectW47(r.acc);
  });

  it('imports UTF-8 with BOM (the BOM never sticks to the first header)', async () => {
    const r = await importAttendance('bom.csv', Buffer.from('\uFEFF' + TEXT, 'utf8'));
    expect(r.report.encoding).toBe('utf-8');
    expectW47(r.acc);
    expect(r.c.directory.people.get(r.pid)?.name).toBe('王芳');
  });

  it('detects GBK', async () => {
    const r = await importAttendance('gbk.csv', iconv.encode(TEXT, 'gbk'));
    expect(r.report.encoding).toBe('gb18030');
    expectW47(r.acc);
    expect(r.c.directory.people.get(r.pid)?.department).toBe('华东销售部');
  });

  it('reads GB18030 declared, including characters outside GBK', async () => {
    const text = TEXT.replace('王芳', '王𠮷'); // 𠮷 needs GB18030's four-byte form
    const r = await importAttendance('gb18030.csv', iconv.encode(text, 'gb18030'), 'gb18030');
    expectW47(r.acc);
    expect(r.c.directory.people.get(r.pid)?.name).toBe('王𠮷');
  });

  it('reads UTF-16LE with BOM (Excel "Unicode text", tab separated)', async () => {
    const tsv = TEXT.replace(/,/g, '\t');
    const r = await importAttendance('utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(tsv, 'utf16le')]));
    expect(r.report.encoding).toBe('utf-16le');
    expectW47(r.acc);
  });

  it('reports rows garbled by a wrong declared encoding instead of importing mojibake silently', async () => {
    // The header itself is garbled: one clear error for the file, naming the fix.
    await expect(importAttendance('misdeclared.csv', iconv.encode(TEXT, 'gbk'), 'utf-8')).rejects.toThrow(/does not decode as utf-8; set the file's encoding/);
    // A stray undecodable byte in one row of a good file: that row is bad, the rest imports.
    const file = Buffer.concat([Buffer.from(TEXT, 'utf8'), Buffer.from('王芳,10001,'), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from(',2026-11-19,08:50,18:20,正常\n')]);
    const r = await importAttendance('onebad.csv', file, 'utf-8');
    expect(r.report.bad).toBe(1);
    expect(r.bad.sample[0]?.reason).toMatch(/undecodable bytes as utf-8/);
    expectW47(r.acc);
  });
});

describe('XLSX', () => {
  it('streams a worksheet with date cells, time cells and a title row', async () => {
    const file = join(dir, 'attendance.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('每日统计');
    ws.addRow(['每日统计 统计日期：2026-11-16 至 2026-11-22']);
    ws.addRow(HEADER.split(','));
    ws.addRow(['王芳', 10001, '华东销售部', new Date(Date.UTC(2026, 10, 16)), '08:50', '18:20', '正常']);
    ws.addRow(['王芳', '10001', '华东销售部', '2026-11-17', 9 / 24 + 10 / 1440, 0.75, '迟到']);
    ws.addRow(['王芳', '10001', '华东销售部', 46344, null, null, '旷工']);
    ws.addRow(['王芳', '10001', '华东销售部', '2026-11-21', null, null, '休息']);
    await wb.xlsx.writeFile(file);
    const c = ctx();
    const res = await importFile(spec(file), c);
    expect(res.report.format).toBe('xlsx');
    expect(res.report.preamble).toBe(1);
    expect(res.report.bad).toBe(0);
    expectW47(res.aggregate.weeks.get(c.pseudo.id('10001'))?.get('2026-W47'));
  });

  it('detects the preset of an XLSX named on the command line', async () => {
    const s = await specForFile(join(dir, 'attendance.xlsx'), DEFAULT_SIGNALS);
    expect(s.presetName).toBe('dingtalk-attendance');
  });

  it('a missing workbook is an import error, not a crash', async () => {
    await expect(importFile(spec(join(dir, 'gone.xlsx')), ctx())).rejects.toThrow(/cannot open: ENOENT/);
  });

  it('detects the preset of a CSV named on the command line, however long it is', async () => {
    // The header scan stops reading after the first rows; that stop is not a read error.
    const file = join(dir, '十一月打卡.csv');
    await writeFile(file, '\ufeff' + [HEADER, ...Array.from({ length: 50 }, () => ROWS).flat()].join('\n') + '\n');
    const s = await specForFile(file, DEFAULT_SIGNALS);
    expect(s.presetName).toBe('dingtalk-attendance');
  });
});

describe('bad rows', () => {
  it('counts and places every broken row, and keeps going', async () => {
    const lines = [
      '考勤报表 2026-11', // title (preamble, not a bad row)
      HEADER,
      ROWS[0],
      '王芳,10001,华东销售部,2026-13-45,08:50,18:20,正常', // line 4: bad date
      '王芳,10001,华东销售部,2026-11-17 星期二,25:61,18:20,正常', // line 5: bad time
      ',,华东销售部,2026-11-17 星期二,08:50,18:20,正常', // line 6: nobody
      '王芳,10001,华东销售部,2026-11-16 星期一,08:50,18:20,正常', // line 7: duplicate day
      '"王芳,10001,华东销售部,2026-11-17 星期二,09:10,18:00,迟到', // line 8: unclosed quote
      ROWS[1], // line 9: fine again after the broken quote
      ROWS[2],
      '',
      '李雷,,华东销售部,2026-11-17,08:50,18:20,正常', // line 12: name not in roster, no 工号
    ];
    const r = await importAttendance('broken.csv', lines.join('\n') + '\n');
    expect(r.report.preamble).toBe(1);
    expect(r.report.bad).toBe(6);
    const where = r.bad.sample.map((b) => `${b.file}:${b.line}`);
    expect(where).toEqual(['broken.csv:4', 'broken.csv:5', 'broken.csv:6', 'broken.csv:7', 'broken.csv:8', 'broken.csv:12']);
    const reasons = r.bad.sample.map((b) => b.reason);
    expect(reasons[0]).toMatch(/unreadable date "2026-13-45" in 日期/);
    expect(reasons[1]).toMatch(/unreadable time "25:61" in 上班打卡时间/);
    expect(reasons[2]).toMatch(/no 工号 and no 姓名/);
    expect(reasons[3]).toMatch(/duplicate/);
    expect(reasons[4]).toBe('unclosed quote');
    expect(reasons[5]).toMatch(/not found in the roster/);
    // Reasons name columns, never people.
    for (const b of r.bad.sample) expect(b.reason).not.toMatch(/王芳|李雷/);
    // The good rows (lines 3, 9, 10) made it.
    expectW47(r.acc);
  });

  it('counts bad rows by kind of reason, however many different bad values there are', async () => {
    const bad = Array.from({ length: 5000 }, (_, i) => `王芳,10001,华东销售部,2026-13-${String(i).padStart(4, '0')},08:50,18:20,正常`);
    const odd = ['王芳,10001,华东销售部,"20""26-99-99",08:50,18:20,正常', '王芳,10001,华东销售部,2026-11-17 星期二,25:61,18:20,正常'];
    const r = await importAttendance('many.csv', [HEADER, ...bad, ...odd].join('\n') + '\n');
    expect(r.report.bad).toBe(5002);
    expect(r.report.badByReason).toEqual({ 'unreadable date "…" in 日期': 5001, 'unreadable time "…" in 上班打卡时间': 1 });
    // The listed rows still show the value a person must fix.
    expect(r.bad.sample[0]?.reason).toBe('unreadable date "2026-13-0000" in 日期');
  });

  it('resolves a name-only row through the roster, and refuses an ambiguous one', async () => {
    const file = join(dir, 'names.csv');
    await writeFile(file, '日期,姓名,通话次数,消息数,邮件数\n2026-11-16,王芳,3,10,1\n2026-11-16,张伟,1,1,1\n2026-11-17,王芳,2,5,0\n');
    const c = ctx();
    c.directory.upsert(c.pseudo.id('10001'), { name: '王芳' });
    c.directory.upsert(c.pseudo.id('10002'), { name: '张伟' });
    c.directory.upsert(c.pseudo.id('10003'), { name: '张伟' });
    const res = await importFile(spec(file, 'wecom-activity'), c);
    const a = res.aggregate.weeks.get(c.pseudo.id('10001'))?.get('2026-W47') as Float64Array;
    expect([a[F.calls], a[F.messages], a[F.emails]]).toEqual([5, 15, 1]);
    expect(res.report.bad).toBe(1);
    expect(res.bad.sample[0]?.reason).toMatch(/several people/);
    expect([...(res.aggregate.coverage.get('calls') ?? [])]).toEqual(['2026-W47']);
  });

  it('tokenizer: quotes, doubled quotes, embedded newlines, resync after an unclosed quote', () => {
    const got: [number, string[]][] = [];
    const bad: number[] = [];
    const t = new CsvTokenizer({ maxRecordLines: 3 }, (c, l) => got.push([l, c]), (l) => bad.push(l));
    t.push('a,b,c\n1,"x, ""y""",3\n2,"multi\nline",4\n3,"never closed,5\n4,5,6\n5,6,7\n6,7');
    t.push(',8\n');
    t.end();
    expect(got).toEqual([
      [1, ['a', 'b', 'c']],
      [2, ['1', 'x, "y"', '3']],
      [3, ['2', 'multi\nline', '4']],
      [6, ['4', '5', '6']],
      [7, ['5', '6', '7']],
      [8, ['6', '7', '8']],
    ]);
    expect(bad).toEqual([5]);
  });

  it('tokenizer: rows and line numbers do not depend on where the chunks end', () => {
    const text = 'a,b,c\r\n1,"x, ""y""",3\r\n2,"multi\r\nline",4\n\n3,"never closed,5\n4,5,6\r\n5,长一点的名字,7\n6,7,8';
    const run = (chunks: string[]) => {
      const got: [number, string[]][] = [];
      const bad: number[] = [];
      const t = new CsvTokenizer({ maxRecordLines: 3 }, (c, l) => got.push([l, c]), (l) => bad.push(l));
      for (const c of chunks) t.push(c);
      t.end();
      return { got, bad };
    };
    const whole = run([text]);
    expect(whole.got.map(([l]) => l)).toEqual([1, 2, 3, 7, 8, 9]);
    expect(whole.got[2]?.[1]).toEqual(['2', 'multi\nline', '4']);
    expect(whole.bad).toEqual([6]);
    // Every cut into two pieces, and one character at a time.
    for (let i = 1; i < text.length; i++) expect(run([text.slice(0, i), text.slice(i)])).toEqual(whole);
    expect(run([...text])).toEqual(whole);
  });

  it('streams a large file in bounded memory and aggregates it exactly', async () => {
    // 200k rows: 400 people x 500 days. Rows are never kept: memory is people x weeks.
    const file = join(dir, 'big.csv');
    const parts: string[] = ['日期,工号,姓名,通话次数,消息数,邮件数\n'];
    const start = dayNumber(2025, 1, 6);
    for (let d = 0; d < 500; d++) {
      const iso = new Date((start + d) * 86_400_000).toISOString().slice(0, 10);
      let chunk = '';
      for (let p = 0; p < 400; p++) chunk += `${iso},${20000 + p},,${p % 7},${d % 5},1\n`;
      parts.push(chunk);
    }
    await writeFile(file, parts.join(''));
    const c = ctx();
    const before = process.memoryUsage().heapUsed;
    const t0 = Date.now();
    const res = await importFile(spec(file, 'wecom-activity'), c);
    const ms = Date.now() - t0;
    expect(res.report.rows).toBe(200_000);
    expect(res.report.bad).toBe(0);
    let calls = 0;
    let emails = 0;
    for (const byWeek of res.aggregate.weeks.values()) for (const a of byWeek.values()) {
      calls += a[F.calls] ?? 0;
      emails += a[F.emails] ?? 0;
    }
    let expected = 0;
    for (let p = 0; p < 400; p++) expected += (p % 7) * 500;
    expect(calls).toBe(expected);
    expect(emails).toBe(200_000);
    expect(res.aggregate.weeks.size).toBe(400);
    expect(ms).toBeLessThan(15_000);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(200 * 1024 * 1024);
  }, 30_000);

  it('reads a table through readTable with a declared delimiter', async () => {
    const file = join(dir, 'semi.csv');
    await writeFile(file, 'a;b\n1;2\n');
    const rows: unknown[] = [];
    await readTable(file, { delimiter: ';' }, (c) => rows.push(c), new BadRows());
    expect(rows).toEqual([['a', 'b'], ['1', '2']]);
  });
});
