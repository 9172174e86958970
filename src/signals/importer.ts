/**
 * Import of one exported file: table rows -> header mapping -> per-kind row handler -> weekly
 * accumulators. Rows are never kept. Every row that cannot be used is counted with file:line
 * and a reason; rows that are fine but not about anything we track (a customer "分配" in the
 * transfer log) are counted as ignored, so nothing disappears without a number.
 *
 * Reasons never quote names or other personal cells: logs and reports use pseudonymous ids.
 */
import { basename } from 'node:path';
import type { SignalsConfig, SourceKind } from './config.js';
import { dayToIso, isoWeek, parseDay, parseMinutes } from './dates.js';
import { type ColumnIndex, HEADER_SCAN_ROWS, mapHeader, missingRequired, type Preset } from './mapping.js';
import { BadRows, type Cell, readTable, type TableInfo } from './table.js';
import { type CoverageSummary, dayBit, summarizeCoverage } from './coverage.js';
import { accFor, aggregateDays, cover, DAYMASK, Directory, F, FIELDS, fieldMask, newAggregate, PER_PERSON_KINDS, Pseudonymizer, teamOf, type AccField, type PersonInfo, type SourceAggregate } from './weekly.js';
import { RadarError } from '../core/errors.js';

export interface ImportReport {
  file: string;
  kind: SourceKind;
  preset: string;
  format: 'csv' | 'xlsx';
  encoding?: string;
  /** Data rows after the header. */
  rows: number;
  used: number;
  bad: number;
  badByReason: Record<string, number>;
  ignored: Record<string, number>;
  /** Lines before the header (titles, notes). */
  preamble: number;
  people: number;
  firstWeek?: string;
  lastWeek?: string;
  /** Per person-and-day exports: which people and days it lists, against the team (roster/org). */
  coverage?: CoverageSummary;
}

export interface ImportContext {
  cfg: SignalsConfig;
  directory: Directory;
  pseudo: Pseudonymizer;
}

export interface ImportSpec {
  path: string;
  presetName: string;
  preset: Preset;
  encoding?: string;
  sheet?: string;
  delimiter?: string;
}

type Handler = (cells: Cell[], line: number) => void;

const weekCache = new Map<number, string>();
function weekOf(day: number): string {
  let w = weekCache.get(day);
  if (w === undefined) {
    w = isoWeek(day);
    weekCache.set(day, w);
  }
  return w;
}

function str(c: Cell | undefined): string {
  if (c === null || c === undefined) return '';
  if (typeof c === 'string') return c.trim();
  if (c instanceof Date) return dayToIso(Math.floor(c.getTime() / 86_400_000));
  return String(c);
}

/** Counts as numbers: "12", "1,204", "12次", " 3 ", empty or "-" as 0. NaN for anything else. */
export function parseCount(c: Cell | undefined): number {
  if (c === null || c === undefined) return 0;
  if (typeof c === 'number') return c;
  if (typeof c === 'boolean' || c instanceof Date) return Number.NaN;
  // Fast path for plain digits, which is nearly every cell of a big export.
  const len = c.length;
  if (len > 0 && len < 10) {
    let n = 0;
    let i = 0;
    for (; i < len; i++) {
      const d = c.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      n = n * 10 + d;
    }
    if (i === len) return n;
  }
  const s = c.trim();
  if (s === '' || s === '-' || s === '--' || s === '—') return 0;
  const n = Number(s.replace(/[,，\s]/g, '').replace(/(次|个|条|封|家|分钟|min)$/i, ''));
  return Number.isFinite(n) && n >= 0 ? n : Number.NaN;
}

function classifier(lists: Record<string, string[]>): (text: string) => string | undefined {
  const cache = new Map<string, string | undefined>();
  const entries = Object.entries(lists).map(([k, v]) => [k, v.map((s) => s.toLowerCase())] as const);
  return (text) => {
    if (cache.has(text)) return cache.get(text);
    const t = text.toLowerCase();
    let hit: string | undefined;
    for (const [k, words] of entries) {
      if (words.some((w) => t.includes(w))) {
        hit = k;
        break;
      }
    }
    if (cache.size < 10_000) cache.set(text, hit);
    return hit;
  };
}

/** Streams one file into a fresh aggregate. Throws only when the file as a whole is unusable. */
export async function importFile(spec: ImportSpec, ctx: ImportContext): Promise<{ aggregate: SourceAggregate; report: ImportReport; bad: BadRows; table: TableInfo }> {
  const name = basename(spec.path);
  const { preset } = spec;
  const agg = newAggregate(preset.kind);
  const bad = new BadRows(ctx.cfg.bad_rows_listed);
  const ignored: Record<string, number> = {};
  let rows = 0;
  let handlerBad = 0;
  let preamble = 0;
  let handler: Handler | null = null;
  let firstDay = Infinity;
  let lastDay = -Infinity;
  const firstRows: Cell[][] = [];

  const ignore = (why: string): void => {
    ignored[why] = (ignored[why] ?? 0) + 1;
  };
  const markDay = (d: number): void => {
    if (d < firstDay) firstDay = d;
    if (d > lastDay) lastDay = d;
  };

  const onRow = (cells: Cell[], line: number): void => {
    if (handler) {
      rows++;
      const before = bad.count;
      handler(cells, line);
      handlerBad += bad.count - before;
      return;
    }
    const index = mapHeader(cells, preset);
    if (missingRequired(index, preset).length === 0) {
      handler = makeHandler(preset.kind, index, cells, { ctx, agg, bad, name, ignore, markDay });
      return;
    }
    preamble++;
    if (firstRows.length < 1) firstRows.push(cells);
    if (preamble >= HEADER_SCAN_ROWS) {
      const missing = missingRequired(mapHeader(firstRows[0] ?? [], preset), preset);
      throw new RadarError(
        'import',
        `no header row for preset "${spec.presetName}" in the first ${HEADER_SCAN_ROWS} rows (missing: ${missing.join(', ')}); map the columns in rules/signals.yaml`,
        { where: spec.path },
      );
    }
  };

  const table = await readTable(
    spec.path,
    { ...(spec.encoding !== undefined ? { encoding: spec.encoding } : {}), ...(spec.sheet !== undefined ? { sheet: spec.sheet } : {}), ...(spec.delimiter !== undefined ? { delimiter: spec.delimiter } : {}) },
    onRow,
    bad,
  );
  if (!handler) {
    if ([...bad.byReason.keys()].some((r) => r.startsWith('undecodable'))) {
      throw new RadarError('import', `does not decode as ${table.encoding ?? 'declared'}; set the file's encoding in rules/signals.yaml (or --encoding)`, { where: spec.path });
    }
    const missing = missingRequired(mapHeader(firstRows[0] ?? [], preset), preset);
    throw new RadarError('import', `no header row for preset "${spec.presetName}" (missing: ${missing.join(', ') || 'all'})`, { where: spec.path });
  }
  const report: ImportReport = {
    file: name,
    kind: preset.kind,
    preset: spec.presetName,
    format: table.format,
    ...(table.encoding !== undefined ? { encoding: table.encoding } : {}),
    rows,
    used: rows - handlerBad - Object.values(ignored).reduce((a, b) => a + b, 0),
    bad: bad.count,
    badByReason: Object.fromEntries(bad.byReason),
    ignored,
    preamble,
    // Roster and org sheets describe people rather than weeks: count their rows.
    people: preset.kind === 'roster' || preset.kind === 'org' ? rows - handlerBad : agg.weeks.size,
    ...(Number.isFinite(firstDay) ? { firstWeek: weekOf(firstDay), lastWeek: weekOf(lastDay) } : {}),
    ...(PER_PERSON_KINDS.has(preset.kind) && Number.isFinite(firstDay)
      ? { coverage: summarizeCoverage(aggregateDays(agg), teamOf(ctx.directory, { first: dayToIso(firstDay), last: dayToIso(lastDay) })) }
      : {}),
  };
  return { aggregate: agg, report, bad, table };
}

interface HandlerEnv {
  ctx: ImportContext;
  agg: SourceAggregate;
  bad: BadRows;
  name: string;
  ignore: (why: string) => void;
  markDay: (d: number) => void;
}

function makeHandler(kind: SourceKind, idx: ColumnIndex, header: Cell[], env: HandlerEnv): Handler {
  const col = (field: string): string => String(header[idx[field] ?? -1] ?? field).trim();
  switch (kind) {
    case 'attendance':
      return attendanceHandler(idx, col, env);
    case 'activity':
      return activityHandler(idx, col, env);
    case 'transfers':
      return transfersHandler(idx, col, env);
    case 'roster':
    case 'org':
      return directoryHandler(kind, idx, env);
  }
}

/** Short, non-personal echo of a cell for reasons: dates, times and numbers only. */
function echo(c: Cell | undefined): string {
  const s = str(c);
  return s.length > 24 ? `${s.slice(0, 24)}…` : s;
}

/**
 * Who a row is about. The employee number wins; a name alone is looked up in the roster.
 * Reasons name the column, never the person.
 */
function personResolver(idx: ColumnIndex, col: (f: string) => string, env: HandlerEnv): (cells: Cell[], line: number) => string | null {
  const iId = idx.employee_id;
  const iName = idx.name;
  const iDept = idx.department;
  const seen = new Set<string>();
  return (cells, line) => {
    const id = iId !== undefined ? str(cells[iId]) : '';
    if (id !== '') {
      const pid = env.ctx.pseudo.id(id);
      if (!seen.has(pid) && seen.size < 1_000_000) {
        seen.add(pid);
        // Fill gaps in the directory (a person missing from the roster still gets a name for HR).
        const name = iName !== undefined ? str(cells[iName]) : '';
        const dept = iDept !== undefined ? str(cells[iDept]) : '';
        env.ctx.directory.upsert(pid, { ...(name ? { name } : {}), ...(dept ? { department: dept } : {}) }, false);
      }
      return pid;
    }
    const name = iName !== undefined ? str(cells[iName]) : '';
    if (name === '') {
      env.bad.add(env.name, line, `no ${iId !== undefined ? col('employee_id') : '工号'} and no ${iName !== undefined ? col('name') : '姓名'}`);
      return null;
    }
    const hit = env.ctx.directory.byName(name);
    if (hit === undefined) {
      env.bad.add(env.name, line, `${col('name')} not found in the roster and no ${col('employee_id')} on the row`);
      return null;
    }
    if (hit === 'ambiguous') {
      env.bad.add(env.name, line, `${col('name')} matches several people in the roster; the row needs a ${col('employee_id')}`);
      return null;
    }
    return hit;
  };
}

function attendanceHandler(idx: ColumnIndex, col: (f: string) => string, env: HandlerEnv): Handler {
  const person = personResolver(idx, col, env);
  const iDate = idx.date as number;
  const iIn = idx.check_in;
  const iOut = idx.check_out;
  const iStatus = idx.status;
  const classify = classifier(env.ctx.cfg.attendance_status);
  const agg = env.agg;
  return (cells, line) => {
    const day = parseDay(cells[iDate] ?? null);
    if (day === null) {
      env.bad.add(env.name, line, `unreadable date "${echo(cells[iDate])}" in ${col('date')}`);
      return;
    }
    const rawIn = iIn !== undefined ? cells[iIn] : null;
    const rawOut = iOut !== undefined ? cells[iOut] : null;
    const tIn = parseMinutes(rawIn ?? null);
    const tOut = parseMinutes(rawOut ?? null);
    // A time-shaped cell that is not a time is broken; words like "未打卡" or "--" just mean no clock-in.
    if (tIn === null && looksLikeTime(rawIn)) {
      env.bad.add(env.name, line, `unreadable time "${echo(rawIn)}" in ${col('check_in')}`);
      return;
    }
    if (tOut === null && looksLikeTime(rawOut)) {
      env.bad.add(env.name, line, `unreadable time "${echo(rawOut)}" in ${col('check_out')}`);
      return;
    }
    const pid = person(cells, line);
    if (pid === null) return;
    const week = weekOf(day);
    const acc = accFor(agg, pid, week);
    const bit = 1 << (day - Math.floor(day / 7) * 7);
    if (((acc[DAYMASK] ?? 0) & bit) !== 0) {
      env.bad.add(env.name, line, `duplicate row: same person and ${col('date')} as an earlier row`);
      return;
    }
    acc[DAYMASK] = (acc[DAYMASK] ?? 0) | bit;
    env.markDay(day);
    const status = iStatus !== undefined ? str(cells[iStatus]) : '';
    const cls = status === '' ? undefined : classify(status);
    if (cls === 'rest') return;
    acc[F.att_days]! += 1;
    if (cls === 'leave') acc[F.leave]! += 1;
    else if (cls === 'absent' || (cls !== 'present' && tIn === null && tOut === null)) acc[F.absent]! += 1;
    else acc[F.present]! += 1;
    if (tIn !== null) {
      acc[F.arr_sum]! += tIn;
      acc[F.arr_n]! += 1;
    }
    if (tOut !== null) {
      acc[F.dep_sum]! += tOut;
      acc[F.dep_n]! += 1;
    }
    if (tIn !== null && tOut !== null && tOut > tIn) {
      acc[F.hours_sum]! += (tOut - tIn) / 60;
      acc[F.hours_n]! += 1;
    }
  };
}

function looksLikeTime(c: Cell | undefined): boolean {
  return typeof c === 'string' && /\d{1,2}[:：]\d/.test(c);
}

const ACTIVITY_FIELDS: AccField[] = ['calls', 'call_minutes', 'messages', 'emails', 'logins', 'visits', 'new_customers', 'tasks_done', 'tasks_overdue', 'followups', 'leads', 'opp_moves'];

function activityHandler(idx: ColumnIndex, col: (f: string) => string, env: HandlerEnv): Handler {
  const person = personResolver(idx, col, env);
  const iDate = idx.date as number;
  const mapped = ACTIVITY_FIELDS.filter((f) => idx[f] !== undefined).map((f) => ({ f, i: idx[f] as number, slot: F[f] }));
  // This file speaks for the people and days it has rows for, and for nobody else.
  const covers = fieldMask(mapped.map((m) => m.f));
  const vals = new Float64Array(mapped.length);
  let lastWeek = '';
  return (cells, line) => {
    const day = parseDay(cells[iDate] ?? null);
    if (day === null) {
      env.bad.add(env.name, line, `unreadable date "${echo(cells[iDate])}" in ${col('date')}`);
      return;
    }
    for (let k = 0; k < mapped.length; k++) {
      const m = mapped[k]!;
      const v = parseCount(cells[m.i]);
      if (Number.isNaN(v)) {
        env.bad.add(env.name, line, `not a count: "${echo(cells[m.i])}" in ${col(m.f)}`);
        return;
      }
      vals[k] = v;
    }
    const pid = person(cells, line);
    if (pid === null) return;
    const week = weekOf(day);
    env.markDay(day);
    if (week !== lastWeek) {
      for (const m of mapped) cover(env.agg, m.f, week);
      lastWeek = week;
    }
    const acc = accFor(env.agg, pid, week);
    for (let k = 0; k < mapped.length; k++) acc[mapped[k]!.slot]! += vals[k]!;
    acc[DAYMASK] = (acc[DAYMASK] ?? 0) | dayBit(day);
    acc[FIELDS] = (acc[FIELDS] ?? 0) | covers;
  };
}

/** "张伟(10023)" or "10023" carry an employee number; anything else is a name. */
function ownerId(s: string): string | null {
  const paren = /[(（]\s*([A-Za-z]*\d+)\s*[)）]/.exec(s);
  if (paren) return paren[1] ?? null;
  return /^[A-Za-z]{0,3}\d{2,}$/.test(s) ? s : null;
}

function transfersHandler(idx: ColumnIndex, col: (f: string) => string, env: HandlerEnv): Handler {
  const iFrom = idx.from_owner as number;
  const iTo = idx.to_owner;
  const iTime = idx.time as number;
  const iOp = idx.operation as number;
  const iCount = idx.count;
  const classify = classifier(env.ctx.cfg.transfer_operations);
  const resolve = (s: string): string | 'ambiguous' | undefined => {
    const id = ownerId(s);
    if (id !== null) return env.ctx.pseudo.id(id);
    return env.ctx.directory.byName(s);
  };
  return (cells, line) => {
    const day = parseDay(cells[iTime] ?? null);
    if (day === null) {
      env.bad.add(env.name, line, `unreadable date "${echo(cells[iTime])}" in ${col('time')}`);
      return;
    }
    const op = classify(str(cells[iOp]));
    if (op === undefined) {
      env.ignore(`operation not tracked in ${col('operation')}`);
      return;
    }
    let n = 1;
    if (iCount !== undefined && str(cells[iCount]) !== '') {
      n = parseCount(cells[iCount]);
      if (Number.isNaN(n)) {
        env.bad.add(env.name, line, `not a count: "${echo(cells[iCount])}" in ${col('count')}`);
        return;
      }
    }
    const ownerCell = op === 'moved_in' ? (iTo !== undefined ? str(cells[iTo]) : '') : str(cells[iFrom]);
    const ownerCol = op === 'moved_in' ? col('to_owner') : col('from_owner');
    if (ownerCell === '') {
      env.bad.add(env.name, line, `empty ${ownerCol}`);
      return;
    }
    const pid = resolve(ownerCell);
    if (pid === undefined || pid === 'ambiguous') {
      if (op === 'moved_in') {
        // Moves into a pool or an unknown colleague do not matter to anyone's score.
        env.ignore(`${ownerCol} not a known person`);
        return;
      }
      env.bad.add(env.name, line, pid === undefined ? `${ownerCol} not found in the roster` : `${ownerCol} matches several people in the roster; use 姓名(工号)`);
      return;
    }
    const week = weekOf(day);
    env.markDay(day);
    const acc = accFor(env.agg, pid, week);
    acc[F[op as 'moved_out' | 'exported' | 'moved_in']]! += n;
  };
}

function directoryHandler(kind: 'roster' | 'org', idx: ColumnIndex, env: HandlerEnv): Handler {
  const get = (cells: Cell[], f: string): string => (idx[f] !== undefined ? str(cells[idx[f] as number]) : '');
  const classify = classifier(env.ctx.cfg.roster_status);
  return (cells, line) => {
    const id = get(cells, 'employee_id');
    if (id === '') {
      env.bad.add(env.name, line, 'no employee number (工号)');
      return;
    }
    const pid = env.ctx.pseudo.id(id);
    const day = (f: string): string | undefined => {
      const d = parseDay(idx[f] !== undefined ? (cells[idx[f] as number] ?? null) : null);
      return d === null ? undefined : dayToIso(d);
    };
    const statusText = get(cells, 'status');
    const cls = statusText ? classify(statusText) : undefined;
    const status = cls === 'notice' ? 'notice' : cls === 'left' ? 'left' : statusText ? 'active' : undefined;
    env.ctx.directory.upsert(pid, {
      listed: true,
      name: get(cells, 'name'),
      department: get(cells, 'department'),
      role: get(cells, 'role'),
      region: get(cells, 'region'),
      ...(kind === 'org' ? { team: get(cells, 'team'), managerEmail: get(cells, 'manager_email') } : {}),
      ...(kind === 'roster'
        ? {
            ...(status ? { status } : {}),
            ...(day('notice_date') ? { noticeDate: day('notice_date') } : {}),
            ...(day('last_day') ? { lastDay: day('last_day') } : {}),
            ...(day('hired') ? { hired: day('hired') } : {}),
          }
        : {}),
    } as PersonInfo);
  };
}
