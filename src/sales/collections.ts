/**
 * The ERP collections export (回款明细) as monthly sums per region, team and person: the actuals of
 * the targets, and the collections and gross-margin dimensions of the scorecard.
 *
 * A receipt belongs to the region the row names (else the person's region in the org export), to
 * the person's team when that team is in the same region, and to the person. Sums roll up without
 * gaps: a region is the sum of its teams plus its receipts with no team ("—"), a team the sum of its
 * people. Amounts are in 元; a header that says 万元 is read as 万元. Refunds (negative amounts)
 * count against their month.
 */
import type { Cell } from '../signals/table.js';
import { cellText, type Mapped, parseAmount, parseStamp, type RowFn } from '../signals/rows.js';
import { parseDay } from '../signals/dates.js';
import type { FileContext, ImportResult, Span } from './imports.js';
import { type Month, monthOf } from './months.js';

/** Receipts with no team inside their region roll up under this name. */
export const NO_TEAM = '—';

export interface Sum {
  amount: number;
  margin: number;
  rows: number;
  /** Σ days from invoice to receipt × amount, and the amount with an invoice date: an amount-weighted collection cycle. */
  cycleDays: number;
  cycleAmount: number;
}

export interface LedgerCell extends Sum {
  region: string;
  team: string;
  /** Null for a receipt nobody in the org export is named on. */
  pid: string | null;
  month: Month;
}

/** A row that made a number, for `explain`. */
export interface TracedRow {
  file: string;
  line: number;
  date: string;
  receipt: string;
  customer: string;
  amount: number;
  margin: number;
  region: string;
  team: string;
}

export interface Ledger {
  cells: Map<string, LedgerCell>;
  /** Days the collections export covers; months outside are no data. */
  span: Span | null;
  traced: TracedRow[];
}

export const emptySum = (): Sum => ({ amount: 0, margin: 0, rows: 0, cycleDays: 0, cycleAmount: 0 });

export function addSum(into: Sum, s: Sum): void {
  into.amount += s.amount;
  into.margin += s.margin;
  into.rows += s.rows;
  into.cycleDays += s.cycleDays;
  into.cycleAmount += s.cycleAmount;
}

export interface LedgerBuilder {
  ledger: Ledger;
  handler: (ctx: FileContext, m: Mapped, preamble: Cell[][]) => RowFn;
  /** Sets the coverage once every file is read. */
  finish(r: ImportResult): Ledger;
}

/** The `erp-collections` row handler; `trace` picks rows to keep for an explanation (by person id). */
export function collectionsLedger(opts: { until?: number; trace?: (pid: string | null, region: string, team: string) => boolean } = {}): LedgerBuilder {
  const { until, trace } = opts;
  const ledger: Ledger = { cells: new Map(), span: null, traced: [] };
  return {
    ledger,
    handler(ctx, m) {
      const name = ctx.file.name;
      const wan = /万/.test(m.col('amount'));
      const marginWan = /万/.test(m.col('margin'));
      return (cells, line) => {
        const t = parseStamp(m.get(cells, 'date'));
        if (t === null) return void ctx.bad.add(name, line, `unreadable date "${m.text(cells, 'date').slice(0, 24)}" in ${m.col('date')}`);
        const amount = parseAmount(m.get(cells, 'amount'));
        if (amount === null || Number.isNaN(amount)) return void ctx.bad.add(name, line, `not an amount: "${m.text(cells, 'amount').slice(0, 24)}" in ${m.col('amount')}`);
        const marginRaw = m.has('margin') ? parseAmount(m.get(cells, 'margin')) : null;
        if (Number.isNaN(marginRaw)) return void ctx.bad.add(name, line, `not an amount: "${m.text(cells, 'margin').slice(0, 24)}" in ${m.col('margin')}`);
        const hasPerson = m.text(cells, 'employee_id') !== '' || m.text(cells, 'name') !== '';
        const pid = hasPerson ? ctx.org.resolve(m, cells, name, line, ctx.bad) : null;
        if (hasPerson && pid === null) return;
        const person = pid ? ctx.org.people.get(pid) : undefined;
        const region = m.text(cells, 'region') || person?.region || '';
        if (region === '') return void ctx.bad.add(name, line, `no ${m.has('region') ? m.col('region') : '区域'} and nobody in the org export to take it from`);
        const team = m.text(cells, 'team') || (person?.team && (person.region ?? region) === region ? person.team : NO_TEAM);
        const day = Math.floor(t / 1440);
        // After "now" (a test or a replay pretending an earlier day): not yet happened, not bad.
        if (until !== undefined && day > until) return;
        ctx.mark(day);
        const month = monthOf(day);
        const yuan = amount * (wan ? 1e4 : 1);
        const margin = (marginRaw ?? 0) * (marginWan ? 1e4 : 1);
        const inv = m.has('invoiced') ? parseDay(m.get(cells, 'invoiced') ?? null) : null;
        const key = `${region}\u0000${team}\u0000${pid ?? ''}\u0000${month}`;
        let c = ledger.cells.get(key);
        if (!c) ledger.cells.set(key, (c = { region, team, pid, month, ...emptySum() }));
        c.amount += yuan;
        c.margin += margin;
        c.rows++;
        if (inv !== null && inv <= day && yuan > 0) {
          c.cycleDays += (day - inv) * yuan;
          c.cycleAmount += yuan;
        }
        if (trace?.(pid, region, team)) {
          ledger.traced.push({ file: name, line, date: cellText(m.get(cells, 'date')).slice(0, 10), receipt: m.text(cells, 'receipt'), customer: m.text(cells, 'customer'), amount: yuan, margin, region, team });
        }
      };
    },
    finish(r) {
      const span = r.coverage.get('erp-collections') ?? null;
      ledger.span = span && until !== undefined ? (span.first > until ? null : { first: span.first, last: Math.min(span.last, until) }) : span;
      return ledger;
    },
  };
}

/** Sums of the cells that pass `keep`, by month. */
export function monthly(ledger: Ledger, keep: (c: LedgerCell) => boolean): Map<Month, Sum> {
  const out = new Map<Month, Sum>();
  for (const c of ledger.cells.values()) {
    if (!keep(c)) continue;
    let s = out.get(c.month);
    if (!s) out.set(c.month, (s = emptySum()));
    addSum(s, c);
  }
  return out;
}
