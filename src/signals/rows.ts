/**
 * An export read as mapped rows: which files a configured source names, where the header is, which
 * column is which field, and a clear file:line reason for every row that cannot be used. The
 * sales analysers (targets, follow-up, scorecard) read every export through this; the health
 * importer has the same steps inline and can move onto this module.
 *
 * Rows are handed over one at a time and never kept here; a caller that must look back keeps
 * the few numbers it needs.
 */
import { access, readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { SourceConfig } from './config.js';
import { parseDay, parseMinutes } from './dates.js';
import { type Aliases, type ColumnIndex, HEADER_SCAN_ROWS, mapHeader, missingRequired, normHeader, withOverrides } from './mapping.js';
import { type BadRow, BadRows, type Cell, readTable, type TableInfo } from './table.js';
import type { Pseudonymizer } from './weekly.js';
import { RadarError } from '../core/errors.js';

/** One file of a configured source. */
export interface SourceFile {
  path: string;
  /** The file name, as bad rows name it. */
  name: string;
  source: SourceConfig;
}

export interface Columns {
  columns: Aliases;
  required: string[];
}

function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/**
 * The files of each source (`*` in the file name matches several, in name order). A source that
 * matches nothing is one bad row at line 0, unless it is optional.
 */
export async function expandSources(sources: readonly SourceConfig[], inputsDir: string, missing: BadRow[]): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  for (const source of sources) {
    const full = resolve(inputsDir, source.path);
    let files: string[] = [];
    if (/[*?]/.test(basename(full))) {
      const re = globToRegExp(basename(full));
      files = (await readdir(dirname(full)).catch(() => [] as string[])).sort().filter((n) => re.test(n)).map((n) => join(dirname(full), n));
    } else if (await access(full).then(() => true, () => false)) files = [full];
    if (files.length === 0 && !source.optional) missing.push({ file: source.path, line: 0, reason: `no file matches (looked in ${inputsDir})` });
    for (const path of files) out.push({ path, name: basename(path), source });
  }
  return out;
}

/** The mapped header of one file: field → column, and the header text to name a column in a reason. */
export class Mapped {
  constructor(
    readonly index: ColumnIndex,
    readonly header: Cell[],
  ) {}

  has(field: string): boolean {
    return this.index[field] !== undefined;
  }

  /** The header as the file writes it (for reasons: "unreadable date in 回款日期"). */
  col(field: string): string {
    const i = this.index[field];
    return i === undefined ? field : String(this.header[i] ?? field).trim();
  }

  get(cells: Cell[], field: string): Cell | undefined {
    const i = this.index[field];
    return i === undefined ? undefined : cells[i];
  }

  text(cells: Cell[], field: string): string {
    return cellText(this.get(cells, field));
  }

  /** Column index of a header named in a rule file (e.g. a criterion's field), by normalised text. */
  columnNamed(name: string): number | undefined {
    const want = normHeader(name);
    const i = this.header.findIndex((h) => normHeader(h) === want);
    return i < 0 ? undefined : i;
  }
}

export type RowFn = (cells: Cell[], line: number) => void;

/**
 * Streams one file: finds the header in the first rows (titles above it are the preamble), maps
 * it, then hands every data row to the handler `onHeader` returns. Throws a RadarError naming the
 * file when no header row maps the required fields.
 */
export async function readMappedRows(
  file: SourceFile,
  preset: Columns,
  bad: BadRows,
  onHeader: (m: Mapped, preamble: Cell[][]) => RowFn,
  mapHint: string,
): Promise<{ rows: number; table: TableInfo; preamble: Cell[][] }> {
  const columns = withOverrides({ kind: 'org', ...preset }, file.source.columns);
  let handler: RowFn | null = null;
  let rows = 0;
  const preamble: Cell[][] = [];
  const table = await readTable(
    file.path,
    { encoding: file.source.encoding, ...(file.source.sheet ? { sheet: file.source.sheet } : {}), ...(file.source.delimiter ? { delimiter: file.source.delimiter } : {}) },
    (cells, line) => {
      if (handler) {
        rows++;
        handler(cells, line);
        return;
      }
      const idx = mapHeader(cells, columns);
      if (missingRequired(idx, columns).length === 0) {
        handler = onHeader(new Mapped(idx, cells), preamble);
        return;
      }
      preamble.push(cells);
      if (preamble.length >= HEADER_SCAN_ROWS) {
        throw new RadarError('import', `no header row for preset "${file.source.preset}" in the first ${HEADER_SCAN_ROWS} rows (missing: ${missingRequired(mapHeader(preamble[0] ?? [], columns), columns).join(', ')}); ${mapHint}`, { where: file.path });
      }
    },
    bad,
  );
  if (!handler) {
    throw new RadarError('import', `no header row for preset "${file.source.preset}" (missing: ${missingRequired(mapHeader(preamble[0] ?? [], columns), columns).join(', ') || 'all'}); ${mapHint}`, { where: file.path });
  }
  return { rows, table, preamble };
}

export function cellText(c: Cell | undefined): string {
  if (c === null || c === undefined) return '';
  if (typeof c === 'string') return c.trim();
  if (c instanceof Date) return c.toISOString().slice(0, c.getUTCHours() || c.getUTCMinutes() ? 16 : 10).replace('T', ' ');
  return String(c);
}

/** A date-time cell as minutes since 1970-01-01 (wall clock, no zone); a date alone is midnight. Null when unreadable. */
export function parseStamp(c: Cell | undefined): number | null {
  const day = parseDay(c ?? null);
  if (day === null) return null;
  const m = c instanceof Date || (typeof c === 'string' && /\d[:：]\d/.test(c)) ? parseMinutes(c) : 0;
  return day * 1440 + (m ?? 0);
}

/**
 * An amount of money as a number of the column's unit: "12,345.67", "¥12,345.67", "-5,000",
 * "(5,000.00)" (accountants' negative), "1.2万" (×10 000), "3亿". Empty is null; NaN when it is not
 * an amount at all.
 */
export function parseAmount(c: Cell | undefined): number | null {
  if (c === null || c === undefined) return null;
  if (typeof c === 'number') return Number.isFinite(c) ? c : Number.NaN;
  if (typeof c !== 'string') return Number.NaN;
  let s = c.normalize('NFKC').trim();
  if (s === '' || s === '-' || s === '--' || s === '—') return null;
  let sign = 1;
  if (/^\(.*\)$/.test(s)) {
    sign = -1;
    s = s.slice(1, -1);
  }
  s = s.replace(/[,\s]/g, '').replace(/^(CNY|RMB|¥|￥)/i, '').replace(/(人民币|元|圆|CNY|RMB)$/i, '');
  let mult = 1;
  if (s.endsWith('万')) {
    mult = 1e4;
    s = s.slice(0, -1);
  } else if (s.endsWith('亿')) {
    mult = 1e8;
    s = s.slice(0, -1);
  }
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(s)) return Number.NaN;
  return sign * Number(s) * mult;
}

/**
 * The period a title line above the header declares ("统计日期：2025-10-01 至 2026-11-22",
 * "Period: 2026-01-01 - 2026-03-31"): the days an export covers even where it has no rows.
 */
export function periodFromPreamble(preamble: Cell[][]): { first: number; last: number } | null {
  for (const row of preamble) {
    const text = row.map(cellText).join(' ');
    const dates = [...text.matchAll(/(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})/g)]
      .map((m) => parseDay(`${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`))
      .filter((d): d is number => d !== null);
    if (dates.length >= 2 && /至|到|~|～|–|—|-|to/i.test(text)) {
      const [a, b] = [dates[0]!, dates[1]!];
      return a <= b ? { first: a, last: b } : { first: b, last: a };
    }
  }
  return null;
}

/** A person known from the org export: who they are and who manages them. */
export interface OrgPerson {
  employeeId: string;
  name?: string;
  team?: string;
  region?: string;
  role?: string;
  department?: string;
  managerEmail?: string;
  managerName?: string;
  email?: string;
  /** 入职日期, as a day number (a new hire's target is pro-rated). */
  hired?: number;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The org export's row handler: people by pseudonymous id, and names for exports that carry no 工号. */
export class OrgDirectory {
  readonly people = new Map<string, OrgPerson>();
  private readonly byName = new Map<string, string[]>();

  constructor(readonly pseudo: Pseudonymizer) {}

  rowHandler(m: Mapped, file: string, bad: BadRows): RowFn {
    return (cells, line) => {
      const id = m.text(cells, 'employee_id');
      if (id === '') return void bad.add(file, line, `no employee number (${m.col('employee_id')})`);
      const pid = this.pseudo.id(id);
      const p: OrgPerson = { ...this.people.get(pid), employeeId: id };
      const put = (k: Exclude<keyof OrgPerson, 'employeeId' | 'hired'>, f: string): void => {
        const v = m.text(cells, f);
        if (v) p[k] = v;
      };
      put('name', 'name');
      put('team', 'team');
      put('region', 'region');
      put('role', 'role');
      put('department', 'department');
      put('managerName', 'manager_name');
      put('managerEmail', 'manager_email');
      put('email', 'email');
      const hired = m.has('hired') ? m.text(cells, 'hired') : '';
      if (hired) {
        const d = parseDay(hired);
        if (d === null) bad.add(file, line, `unreadable date "${hired}" in ${m.col('hired')}`);
        else p.hired = d;
      }
      for (const [k, f] of [['managerEmail', 'manager_email'], ['email', 'email']] as const) {
        if (p[k] && !EMAIL.test(p[k])) {
          bad.add(file, line, `not an email address in ${m.col(f)}`);
          delete p[k];
        }
      }
      this.people.set(pid, p);
      if (p.name) this.byName.set(p.name, [...new Set([...(this.byName.get(p.name) ?? []), pid])]);
    };
  }

  /**
   * The person a row is about: by 工号, else by a name the org export knows exactly once. Adds the
   * reason to `bad` and returns null when nobody is identified.
   */
  resolve(m: Mapped, cells: Cell[], file: string, line: number, bad: BadRows): string | null {
    const id = m.text(cells, 'employee_id');
    if (id !== '') return this.pseudo.id(id);
    const nm = m.text(cells, 'name');
    if (nm === '') {
      bad.add(file, line, `no ${m.has('employee_id') ? m.col('employee_id') : '工号'} and no ${m.has('name') ? m.col('name') : '姓名'}`);
      return null;
    }
    const hit = this.byName.get(nm);
    if (!hit) bad.add(file, line, `${m.col('name')} not found in the org export and no ${m.col('employee_id')} on the row`);
    else if (hit.length > 1) bad.add(file, line, `${m.col('name')} matches several people in the org export; the row needs a ${m.col('employee_id')}`);
    return hit?.length === 1 ? (hit[0] as string) : null;
  }

  /** A person named on the command line: 工号, pseudonymous id or a unique name. */
  find(who: string): string | null {
    const w = who.trim();
    if (this.people.has(w)) return w;
    const byId = this.pseudo.id(w);
    if (this.people.has(byId)) return byId;
    const hit = this.byName.get(w);
    return hit?.length === 1 ? (hit[0] as string) : null;
  }
}
