/**
 * Reads the exports of rules/health.yaml into weekly variables per person (variables.ts).
 * Built on the signals import path: the same table reader (CSV in any encoding, XLSX, bad rows
 * with file:line), the same header mapping and presets (src/signals/mapping.ts), the same
 * pseudonymous ids, and the attendance importer itself (used only to excuse leave weeks).
 *
 * Per-row work folds straight into person-week sums. Event exports whose metrics depend on
 * what happened later (a follow-up within 48 h of a first visit, a second touch within 7 days
 * of a lead, a deal's stage at the start of a week) keep one number per event (its time) per
 * customer, lead or deal until every file is read; rows themselves are never kept.
 */
import { access, readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { SignalsConfig, SourceConfig } from '../signals/config.js';
import { isoWeek, parseDay, parseMinutes, weekLabelToDay, weekStart } from '../signals/dates.js';
import { importFile, parseCount } from '../signals/importer.js';
import { BUILTIN_PRESETS, HEADER_SCAN_ROWS, HEALTH_PRESETS, mapHeader, missingRequired, type Aliases, type ColumnIndex, withOverrides } from '../signals/mapping.js';
import { type BadRow, BadRows, type Cell, readTable } from '../signals/table.js';
import { Coverage, type CoverageSummary, summarizeCoverage } from '../signals/coverage.js';
import { DAYMASK, Directory, F, type Pseudonymizer } from '../signals/weekly.js';
import { errorLine, RadarError } from '../core/errors.js';
import { type HealthConfig, sourceKind } from './config.js';
import { newWeekVars, V, type Variable, type VariableKind, type WeekVars } from './variables.js';

/** What the org export says about a person: who manages them, which team. Names stay in the state folder and manager emails. */
export interface HealthPerson {
  name?: string;
  team?: string;
  region?: string;
  department?: string;
  managerEmail?: string;
  managerName?: string;
  email?: string;
}

export interface HealthImportReport {
  file: string;
  preset: string;
  rows: number;
  bad: number;
  firstWeek?: string;
  lastWeek?: string;
  /** Per person-and-day exports: which people and days it lists, against the org export. */
  coverage?: CoverageSummary;
}

/** Exports with one row per person and day: whom they do not list, they know nothing about. */
export const PER_PERSON: ReadonlySet<VariableKind> = new Set(['attendance', 'activity', 'chats']);

export interface HealthData {
  people: Map<string, HealthPerson>;
  weeks: Map<string, Map<string, WeekVars>>;
  /** Weeks each kind of export covers: outside them its variables are unknown, not zero. */
  coverage: Map<VariableKind, Set<string>>;
  /** First and last day any export has rows for (attendance counts whole weeks), or absent when there is none. */
  span?: { first: number; last: number };
  /** For per person-and-day exports (PER_PERSON): the people and days they list; anyone else is unknown there. Absent: not tracked (data made by hand). */
  peopleCoverage?: Map<VariableKind, Coverage>;
  reports: HealthImportReport[];
  badRows: BadRow[];
}

export interface ImportOptions {
  cfg: HealthConfig;
  /** Attendance status codes and bad-row limits come from rules/signals.yaml. */
  signals: SignalsConfig;
  inputsDir: string;
  pseudo: Pseudonymizer;
  /** End of the data (minutes since 1970-01-01, wall clock): events whose window ends later are not judged yet. */
  asOf: number;
}

interface Spec {
  path: string;
  source: SourceConfig;
  kind: VariableKind | 'org';
  columns: Aliases;
  required: string[];
}

function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/** Files of each configured source (`*` allowed in the file name), org first so names resolve. */
async function expand(cfg: HealthConfig, inputsDir: string, missing: BadRow[]): Promise<Spec[]> {
  const specs: Spec[] = [];
  for (const src of cfg.sources) {
    const kind = sourceKind(src.preset) as VariableKind | 'org';
    const base = HEALTH_PRESETS[src.preset] ?? BUILTIN_PRESETS[src.preset];
    if (!base) continue; // checked when the config was loaded
    const preset = withOverrides({ kind: 'org', columns: base.columns, required: base.required }, src.columns);
    const full = resolve(inputsDir, src.path);
    let files: string[] = [];
    if (/[*?]/.test(basename(full))) {
      const re = globToRegExp(basename(full));
      files = (await readdir(dirname(full)).catch(() => [] as string[])).sort().filter((n) => re.test(n)).map((n) => join(dirname(full), n));
    } else if (await access(full).then(() => true, () => false)) files = [full];
    if (files.length === 0 && !src.optional) missing.push({ file: src.path, line: 0, reason: `no file matches (looked in ${inputsDir})` });
    for (const path of files) specs.push({ path, source: src, kind, columns: preset.columns, required: preset.required });
  }
  const order: Record<string, number> = { org: 0, attendance: 1, activity: 2, followups: 3, leads: 4, customers: 5, deals: 6, chats: 7 };
  return specs.sort((a, b) => (order[a.kind] ?? 9) - (order[b.kind] ?? 9));
}

function str(c: Cell | undefined): string {
  if (c === null || c === undefined) return '';
  if (typeof c === 'string') return c.trim();
  return String(c);
}

/** A time cell: minutes since 1970-01-01 (wall clock), or null. A date without a time is midnight. */
function parseStamp(c: Cell | undefined): number | null {
  const day = parseDay(c ?? null);
  if (day === null) return null;
  const m = c instanceof Date || (typeof c === 'string' && /\d[:：]\d/.test(c)) ? parseMinutes(c) : 0;
  return day * 1440 + (m ?? 0);
}

const weekOfMinute = (t: number): string => isoWeek(Math.floor(t / 1440));

/** Streams one file: finds the header row, then hands each data row to the kind's handler. */
async function readMapped(spec: Spec, bad: BadRows, onHeader: (idx: ColumnIndex, header: Cell[]) => (cells: Cell[], line: number) => void): Promise<number> {
  let handler: ((cells: Cell[], line: number) => void) | null = null;
  let rows = 0;
  let scanned = 0;
  let first: Cell[] | null = null;
  const preset = { columns: spec.columns, required: spec.required };
  await readTable(spec.path, { encoding: spec.source.encoding, ...(spec.source.sheet ? { sheet: spec.source.sheet } : {}), ...(spec.source.delimiter ? { delimiter: spec.source.delimiter } : {}) }, (cells, line) => {
    if (handler) {
      rows++;
      handler(cells, line);
      return;
    }
    const idx = mapHeader(cells, preset);
    if (missingRequired(idx, preset).length === 0) {
      handler = onHeader(idx, cells);
      return;
    }
    first ??= cells;
    if (++scanned >= HEADER_SCAN_ROWS) throw new RadarError('import', `no header row for preset "${spec.source.preset}" in the first ${HEADER_SCAN_ROWS} rows (missing: ${missingRequired(mapHeader(first, preset), preset).join(', ')}); map the columns in rules/health.yaml`, { where: spec.path });
  }, bad);
  if (!handler) throw new RadarError('import', `no header row for preset "${spec.source.preset}" (missing: ${missingRequired(mapHeader(first ?? [], preset), preset).join(', ') || 'all'})`, { where: spec.path });
  return rows;
}

const matcher = (words: readonly string[]): ((s: string) => boolean) => {
  const ws = words.map((w) => w.toLowerCase());
  return (s) => {
    const t = s.toLowerCase();
    return ws.some((w) => t.includes(w));
  };
};

/** Imports every configured export. A file that cannot be read is one bad row at line 0; the others still count. */
export async function importHealth(o: ImportOptions): Promise<HealthData> {
  const badRows: BadRow[] = [];
  const specs = await expand(o.cfg, o.inputsDir, badRows);
  const data: HealthData = { people: new Map(), weeks: new Map(), coverage: new Map(), reports: [], badRows };
  const peopleCoverage = new Map<VariableKind, Coverage>();
  data.peopleCoverage = peopleCoverage;
  const covered = (kind: VariableKind): Coverage => {
    let c = peopleCoverage.get(kind);
    if (!c) peopleCoverage.set(kind, (c = new Coverage()));
    return c;
  };
  const byName = new Map<string, string[]>();
  const span = new Map<VariableKind, { lo: number; hi: number }>();
  const seen = (kind: VariableKind, day: number): void => {
    const s = span.get(kind) ?? { lo: Infinity, hi: -Infinity };
    s.lo = Math.min(s.lo, day);
    s.hi = Math.max(s.hi, day);
    span.set(kind, s);
  };
  const vars = (pid: string, week: string): WeekVars => {
    let byWeek = data.weeks.get(pid);
    if (!byWeek) data.weeks.set(pid, (byWeek = new Map()));
    let w = byWeek.get(week);
    if (!w) byWeek.set(week, (w = newWeekVars()));
    return w;
  };
  const add = (pid: string, week: string, v: Variable, n: number): void => {
    vars(pid, week)[V[v]]! += n;
  };

  // Event state kept until every file is read.
  const touchTimes = new Map<string, number[]>(); // pid \u0000 customer -> times
  const firstVisits: { pid: string; customer: string; t: number }[] = [];
  const leads: { pid: string; lead: string; t: number }[] = [];
  const deals = new Map<string, { t: number; pid: string; from: string; to: string; amount: number; margin: number | null; line: number; file: string }[]>();
  const customerWeeks = new Map<string, Map<string, Set<number>>>(); // pid -> customer -> Monday day numbers
  const visitWord = matcher(o.cfg.followup_codes.visit);
  const firstWord = matcher(o.cfg.followup_codes.first_visit);
  const noNotes = matcher(o.cfg.followup_codes.no_notes);

  for (const spec of specs) {
    const name = basename(spec.path);
    const bad = new BadRows(o.signals.bad_rows_listed);
    let firstDay = Infinity;
    let lastDay = -Infinity;
    const mark = (day: number): void => {
      if (day < firstDay) firstDay = day;
      if (day > lastDay) lastDay = day;
      if (spec.kind !== 'org') seen(spec.kind, day);
    };
    try {
      let rows: number;
      if (spec.kind === 'attendance') {
        // The attrition importer's attendance handler, as is: scheduled days and leave per week.
        const res = await importFile(
          { path: spec.path, presetName: spec.source.preset, preset: { kind: 'attendance', columns: spec.columns, required: spec.required }, encoding: spec.source.encoding, ...(spec.source.sheet ? { sheet: spec.source.sheet } : {}) },
          { cfg: o.signals, directory: new Directory(), pseudo: o.pseudo },
        );
        for (const [pid, byWeek] of res.aggregate.weeks) {
          for (const [week, acc] of byWeek) {
            add(pid, week, 'workdays', (acc[F.att_days] ?? 0) - (acc[F.leave] ?? 0));
            const d = weekLabelToDay(week);
            mark(d);
            mark(d + 6);
            const days = acc[DAYMASK] ?? 0;
            for (let k = 0; k < 7; k++) if (days & (1 << k)) covered('attendance').add(pid, d + k);
          }
        }
        rows = res.report.rows;
        for (const b of res.bad.sample) bad.add(b.file, b.line, b.reason);
        bad.count += res.bad.count - res.bad.sample.length;
      } else {
        rows = await readMapped(spec, bad, (idx, header) => {
          const col = (f: string): string => String(header[idx[f] ?? -1] ?? f).trim();
          const get = (cells: Cell[], f: string): Cell | undefined => (idx[f] !== undefined ? cells[idx[f] as number] : undefined);
          const person = (cells: Cell[], line: number): string | null => {
            const id = str(get(cells, 'employee_id'));
            if (id !== '') return o.pseudo.id(id);
            const nm = str(get(cells, 'name'));
            if (nm === '') {
              bad.add(name, line, `no ${idx.employee_id !== undefined ? col('employee_id') : '工号'} and no ${idx.name !== undefined ? col('name') : '姓名'}`);
              return null;
            }
            const hit = byName.get(nm);
            if (!hit) bad.add(name, line, `${col('name')} not found in the org export and no ${col('employee_id')} on the row`);
            else if (hit.length > 1) bad.add(name, line, `${col('name')} matches several people in the org export; the row needs a ${col('employee_id')}`);
            return hit?.length === 1 ? (hit[0] as string) : null;
          };
          const time = (cells: Cell[], f: string, line: number): number | null => {
            const t = parseStamp(get(cells, f));
            if (t === null) bad.add(name, line, `unreadable date "${str(get(cells, f)).slice(0, 24)}" in ${col(f)}`);
            return t;
          };
          const count = (cells: Cell[], f: string, line: number): number | null => {
            const n = parseCount(get(cells, f) ?? null);
            if (Number.isNaN(n)) {
              bad.add(name, line, `not a number: "${str(get(cells, f)).slice(0, 24)}" in ${col(f)}`);
              return null;
            }
            return n;
          };
          switch (spec.kind) {
            case 'org':
              return (cells, line) => {
                const id = str(get(cells, 'employee_id'));
                if (id === '') return void bad.add(name, line, `no employee number (${col('employee_id')})`);
                const pid = o.pseudo.id(id);
                const p: HealthPerson = {};
                const put = (k: keyof HealthPerson, f: string): void => {
                  const v = str(get(cells, f));
                  if (v) p[k] = v;
                };
                put('name', 'name');
                put('team', 'team');
                put('region', 'region');
                put('department', 'department');
                put('managerEmail', 'manager_email');
                put('managerName', 'manager_name');
                put('email', 'email');
                if (p.managerEmail && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(p.managerEmail)) {
                  bad.add(name, line, `not an email address in ${col('manager_email')}`);
                  delete p.managerEmail;
                }
                data.people.set(pid, { ...data.people.get(pid), ...p });
                if (p.name) byName.set(p.name, [...new Set([...(byName.get(p.name) ?? []), pid])]);
              };
            case 'activity':
              return (cells, line) => {
                const day = parseDay(get(cells, 'date') ?? null);
                if (day === null) return void bad.add(name, line, `unreadable date "${str(get(cells, 'date')).slice(0, 24)}" in ${col('date')}`);
                const nums: Partial<Record<string, number>> = {};
                for (const f of ['logins', 'tasks_done', 'tasks_overdue', 'leads', 'visits', 'new_customers']) {
                  if (idx[f] === undefined) continue;
                  const n = count(cells, f, line);
                  if (n === null) return;
                  nums[f] = n;
                }
                const pid = person(cells, line);
                if (pid === null) return;
                mark(day);
                covered('activity').add(pid, day);
                const w = isoWeek(day);
                add(pid, w, 'activity_days', 1);
                if ((nums.logins ?? 0) > 0) add(pid, w, 'login_days', 1);
                add(pid, w, 'logins', nums.logins ?? 0);
                add(pid, w, 'tasks_done', nums.tasks_done ?? 0);
                add(pid, w, 'tasks_overdue', nums.tasks_overdue ?? 0);
                add(pid, w, 'crm_leads', nums.leads ?? 0);
                add(pid, w, 'crm_visits', nums.visits ?? 0);
                add(pid, w, 'new_customers', nums.new_customers ?? 0);
              };
            case 'followups':
              return (cells, line) => {
                const t = time(cells, 'time', line);
                if (t === null) return;
                const customer = str(get(cells, 'customer'));
                if (customer === '') return void bad.add(name, line, `empty ${col('customer')}`);
                const pid = person(cells, line);
                if (pid === null) return;
                const day = Math.floor(t / 1440);
                mark(day);
                const w = isoWeek(day);
                add(pid, w, 'touches', 1);
                const key = `${pid}\u0000${customer}`;
                const list = touchTimes.get(key);
                if (list) list.push(t);
                else touchTimes.set(key, [t]);
                let cw = customerWeeks.get(pid);
                if (!cw) customerWeeks.set(pid, (cw = new Map()));
                let ws = cw.get(customer);
                if (!ws) cw.set(customer, (ws = new Set()));
                ws.add(weekStart(day));
                if (visitWord(str(get(cells, 'method')))) {
                  add(pid, w, 'visits', 1);
                  const notes = str(get(cells, 'notes'));
                  if (notes !== '' && !noNotes(notes)) add(pid, w, 'visits_with_notes', 1);
                  if (firstWord(str(get(cells, 'type')))) {
                    add(pid, w, 'first_visits', 1);
                    firstVisits.push({ pid, customer, t });
                  }
                }
              };
            case 'leads':
              return (cells, line) => {
                const t = time(cells, 'created', line);
                if (t === null) return;
                const lead = str(get(cells, 'lead'));
                if (lead === '') return void bad.add(name, line, `empty ${col('lead')}`);
                const pid = person(cells, line);
                if (pid === null) return;
                mark(Math.floor(t / 1440));
                add(pid, weekOfMinute(t), 'new_leads', 1);
                leads.push({ pid, lead, t });
              };
            case 'customers': {
              const fields = o.cfg.required_fields.filter((f) => idx[f] !== undefined);
              const absent = o.cfg.required_fields.filter((f) => idx[f] === undefined);
              if (absent.length) bad.add(name, 0, `required field${absent.length > 1 ? 's' : ''} without a column, not counted: ${absent.join(', ')}`);
              return (cells, line) => {
                const t = time(cells, 'created', line);
                if (t === null) return;
                const pid = person(cells, line);
                if (pid === null) return;
                mark(Math.floor(t / 1440));
                const w = weekOfMinute(t);
                add(pid, w, 'records_created', 1);
                add(pid, w, 'required_fields', fields.length);
                add(pid, w, 'required_filled', fields.filter((f) => str(get(cells, f)) !== '').length);
              };
            }
            case 'deals':
              return (cells, line) => {
                const t = time(cells, 'time', line);
                if (t === null) return;
                const deal = str(get(cells, 'deal'));
                if (deal === '') return void bad.add(name, line, `empty ${col('deal')}`);
                const to = str(get(cells, 'to_stage'));
                if (to === '') return void bad.add(name, line, `empty ${col('to_stage')}`);
                const amount = idx.amount !== undefined && str(get(cells, 'amount')) !== '' ? count(cells, 'amount', line) : 0;
                if (amount === null) return;
                const marginText = str(get(cells, 'margin'));
                const margin = idx.margin !== undefined && marginText !== '' ? count(cells, 'margin', line) : null;
                if (margin === null && marginText !== '') return;
                const pid = person(cells, line);
                if (pid === null) return;
                mark(Math.floor(t / 1440));
                const list = deals.get(deal) ?? [];
                list.push({ t, pid, from: str(get(cells, 'from_stage')), to, amount, margin, line, file: name });
                deals.set(deal, list);
              };
            case 'chats':
              return (cells, line) => {
                const day = parseDay(get(cells, 'date') ?? null);
                if (day === null) return void bad.add(name, line, `unreadable date "${str(get(cells, 'date')).slice(0, 24)}" in ${col('date')}`);
                const n = count(cells, 'chats', line);
                const replied = idx.replied !== undefined ? count(cells, 'replied', line) : n;
                if (n === null || replied === null) return;
                const avgText = str(get(cells, 'reply_minutes'));
                const avg = avgText === '' ? 0 : count(cells, 'reply_minutes', line);
                if (avg === null) return;
                if (replied > 0 && avgText === '' && idx.reply_minutes !== undefined) return void bad.add(name, line, `${col('replied')} is ${replied} but ${col('reply_minutes')} is empty`);
                const pid = person(cells, line);
                if (pid === null) return;
                mark(day);
                covered('chats').add(pid, day);
                const w = isoWeek(day);
                add(pid, w, 'chats', n);
                add(pid, w, 'replied_chats', replied);
                add(pid, w, 'reply_minutes', avg * replied);
              };
            default:
              throw new RadarError('internal', `no health row handler for ${spec.kind}`);
          }
        });
      }
      const fileCoverage = spec.kind !== 'org' && PER_PERSON.has(spec.kind) ? peopleCoverage.get(spec.kind) : undefined;
      data.reports.push({
        file: name,
        preset: spec.source.preset,
        rows,
        bad: bad.count,
        ...(Number.isFinite(firstDay) ? { firstWeek: isoWeek(firstDay), lastWeek: isoWeek(lastDay) } : {}),
        // Against the org export (imported first); with several files of one kind, what they list together so far.
        ...(fileCoverage ? { coverage: summarizeCoverage(fileCoverage.entries(), data.people.size ? new Set(data.people.keys()) : null) } : {}),
      });
      badRows.push(...bad.sample);
    } catch (err) {
      if (err instanceof RadarError && err.code === 'config') throw err;
      badRows.push({ file: name, line: 0, reason: errorLine(err).replace(`${spec.path}: `, '') });
    }
  }

  // What the exports reach: attendance marks whole weeks, so it only counts where nothing else does.
  const dayKinds = [...span].filter(([k]) => k !== 'attendance').map(([, s]) => s);
  const reach = dayKinds.length ? dayKinds : [...span.values()];
  if (reach.length) data.span = { first: Math.min(...reach.map((s) => s.lo)), last: Math.max(...reach.map((s) => s.hi)) };
  // Coverage: every week from the first to the last day an export of that kind has.
  for (const [kind, s] of span) {
    const weeks = new Set<string>();
    for (let d = weekStart(s.lo); d <= s.hi; d += 7) weeks.add(isoWeek(d));
    data.coverage.set(kind, weeks);
  }
  for (const ts of touchTimes.values()) ts.sort((a, b) => a - b);
  const touchesBetween = (pid: string, customer: string, from: number, to: number): number => {
    const ts = touchTimes.get(`${pid}\u0000${customer}`) ?? [];
    let n = 0;
    for (const t of ts) if (t > from && t <= to) n++;
    return n;
  };

  // Active customers: touched in the four weeks ending with this one.
  const fu = data.coverage.get('followups') ?? new Set<string>();
  for (const [pid, byCustomer] of customerWeeks) {
    const counts = new Map<number, number>();
    for (const mondays of byCustomer.values()) {
      const active = new Set<number>();
      for (const m of mondays) for (let k = 0; k < 4; k++) active.add(m + 7 * k);
      for (const m of active) counts.set(m, (counts.get(m) ?? 0) + 1);
    }
    // Only where the four weeks looked back on are all in the export: else the first weeks look too dense.
    for (const [monday, n] of counts) if (fu.has(isoWeek(monday)) && fu.has(isoWeek(monday - 21))) add(pid, isoWeek(monday), 'active_customers', n);
    for (const [, mondays] of byCustomer) for (const m of mondays) add(pid, isoWeek(m), 'customers_touched', 1);
  }

  // A first visit is judged when its 48 hours are over, in the week they end.
  for (const f of firstVisits) {
    const due = f.t + 48 * 60;
    if (due > o.asOf) continue;
    const w = weekOfMinute(due);
    add(f.pid, w, 'first_visits_due', 1);
    if (touchesBetween(f.pid, f.customer, f.t, due) > 0) add(f.pid, w, 'first_visits_followed', 1);
  }
  // A lead is judged when its 7 days are over: was it touched at least twice by then?
  for (const l of leads) {
    const due = l.t + 7 * 1440;
    if (due > o.asOf) continue;
    const w = weekOfMinute(due);
    add(l.pid, w, 'leads_due', 1);
    if (touchesBetween(l.pid, l.lead, l.t - 1, due) >= 2) add(l.pid, w, 'leads_second_touch', 1);
  }
  dealVariables(deals, o, data, add);
  return data;
}

/** Stage moves, wins and open deals per person-week from the stage-change log. */
function dealVariables(
  deals: Map<string, { t: number; pid: string; from: string; to: string; amount: number; margin: number | null; line: number; file: string }[]>,
  o: ImportOptions,
  data: HealthData,
  add: (pid: string, week: string, v: Variable, n: number) => void,
): void {
  const stageIndex = new Map<string, number>();
  o.cfg.deal_stages.forEach((names, i) => names.forEach((n) => stageIndex.set(n.toLowerCase(), i)));
  const won = o.cfg.deal_stages.length - 1;
  const isLost = matcher(o.cfg.deal_lost);
  const LOST = -1;
  const stageOf = (s: string): number | undefined => (s === '' ? undefined : isLost(s) ? LOST : stageIndex.get(s.toLowerCase()));
  const covered = data.coverage.get('deals') ?? new Set<string>();
  const mondays = [...covered].map(weekLabelToDay).sort((a, b) => a - b);
  const unknownStages = new Map<string, { file: string; line: number; n: number }>();
  for (const events of deals.values()) {
    events.sort((a, b) => a.t - b.t);
    let stage: number | undefined;
    let owner = '';
    // Open intervals [from, to) of this deal, with the owner at the time.
    const open: { from: number; to: number; pid: string }[] = [];
    for (const e of events) {
      const to = stageOf(e.to);
      if (to === undefined) {
        const u = unknownStages.get(e.to) ?? { file: e.file, line: e.line, n: 0 };
        u.n++;
        unknownStages.set(e.to, u);
        continue;
      }
      const from = stageOf(e.from) ?? stage;
      const w = weekOfMinute(e.t);
      if (from !== undefined && from !== LOST && to !== LOST) {
        if (to > from) add(e.pid, w, 'stage_forward', to - from);
        else if (to < from) add(e.pid, w, 'stage_back', from - to);
      }
      if (to === won && stage !== won) {
        add(e.pid, w, 'deals_won', 1);
        if (e.margin !== null) {
          add(e.pid, w, 'won_amount', e.amount);
          add(e.pid, w, 'won_margin', e.margin);
        }
      }
      if (to === LOST && stage !== LOST) add(e.pid, w, 'deals_lost', 1);
      const wasOpen = stage !== undefined && stage !== LOST && stage !== won;
      const isOpen = to !== LOST && to !== won;
      if (wasOpen && open.length) {
        const last = open[open.length - 1]!;
        if (last.to === Infinity) last.to = e.t;
      }
      if (isOpen) open.push({ from: e.t, to: Infinity, pid: e.pid });
      stage = to;
      owner = e.pid;
    }
    void owner;
    for (const iv of open) {
      for (const m of mondays) {
        const t = m * 1440;
        if (t >= iv.from && t < iv.to) add(iv.pid, isoWeek(m), 'deals_open', 1);
      }
    }
  }
  for (const [s, u] of unknownStages) {
    data.badRows.push({ file: u.file, line: u.line, reason: `stage "${s.slice(0, 20)}" is not in deal_stages or deal_lost of rules/health.yaml (${u.n} row${u.n > 1 ? 's' : ''})` });
  }
}
