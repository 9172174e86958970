/**
 * 比价: our price against each matched competitor, per region, with the price index, undercuts
 * and stale prices; also as a CSV or XLSX download. A regional head sees their regions only.
 * Scraped names go into the spreadsheet as text: a cell that would start a formula is defused.
 */
import { createRequire } from 'node:module';
import { loadRules } from '../config/load.js';
import type { CompetitorSummary, IndexRow } from '../compare/price-index.js';
import { inRegion, requireAction, type Principal } from './access.js';
import type { ServiceContext } from './context.js';

export interface RegionInfo {
  id: string;
  name: string | null;
  nameEn: string | null;
}

export interface CompareRow extends IndexRow {
  /** Competitors whose price is older than the stale limit (their target has not had a good run since). */
  stale: string[];
  undercutBy: string[];
}

export interface CompareView {
  configured: boolean;
  regions: RegionInfo[];
  rows: CompareRow[];
  competitors: CompetitorSummary[];
  /** Price targets left out (last good run too old, unreadable). */
  skipped: { targetId: string; reason: string }[];
  staleHours: number;
  generatedAt: string;
}

const STALE_HOURS = 48;

export async function priceTable(ctx: ServiceContext, who: Principal | null, filter: { region?: string; q?: string; undercutOnly?: boolean } = {}): Promise<CompareView> {
  requireAction(who, 'compare.read');
  const rules = loadRules(ctx.paths.rulesDir);
  const now = ctx.now();
  const regions = Object.entries(rules.owners.regions)
    .filter(([id]) => inRegion(who, id))
    .map(([id, r]) => ({ id, name: r.name ?? null, nameEn: r.name_en ?? null }));
  const { compareNow } = await import('../compare/compare.js');
  const c = await compareNow(ctx.paths, { now, owners: rules.owners });
  if (!c) return { configured: false, regions, rows: [], competitors: [], skipped: [], staleHours: STALE_HOURS, generatedAt: now.toISOString() };
  const seen = new Map(c.offers.offers.map((o) => [o.targetId, o.seenAt]));
  const staleBefore = now.getTime() - STALE_HOURS * 3_600_000;
  const q = filter.q?.toLowerCase();
  const rows: CompareRow[] = c.index.rows
    .filter((r) => inRegion(who, r.region) && (!filter.region || r.region === filter.region))
    .map((r) => ({
      ...r,
      stale: r.competitors.filter((x) => Date.parse(seen.get(x.targetId) ?? '') < staleBefore).map((x) => x.competitor),
      undercutBy: r.competitors.filter((x) => x.amount < r.ourPrice).map((x) => x.competitor),
    }))
    .filter((r) => !filter.undercutOnly || r.undercutBy.length > 0)
    .filter((r) => !q || [r.sku, r.name ?? '', r.model ?? '', ...r.competitors.map((x) => `${x.competitor} ${x.name ?? ''}`)].some((s) => s.toLowerCase().includes(q)));
  return {
    configured: true,
    regions,
    rows,
    competitors: c.index.competitors.filter((s) => inRegion(who, s.region) && (!filter.region || s.region === filter.region)),
    skipped: who.role === 'head' ? [] : c.offers.skipped,
    staleHours: STALE_HOURS,
    generatedAt: now.toISOString(),
  };
}

/** A spreadsheet cell that starts like a formula (= + - @, or a tab/CR before one) is prefixed with ' so it stays text. */
export function neutralise(v: string | number | null): string | number | null {
  if (typeof v !== 'string') return v;
  return /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
}

const HEADER = ['region', 'sku', 'name', 'model', 'category', 'our_price', 'currency', 'lowest', 'median', 'index', 'rank', 'competitor', 'competitor_price', 'delta_pct', 'trend', 'competitor_item', 'url', 'stale'] as const;

/** One line per SKU, region and competitor. */
export function exportRows(view: CompareView): (string | number | null)[][] {
  const out: (string | number | null)[][] = [];
  for (const r of view.rows) {
    for (const c of r.competitors) {
      out.push([r.region, r.sku, r.name, r.model, r.category, r.ourPrice, r.currency, r.lowest, r.median, r.index, r.rank, c.competitor, c.amount, c.deltaPct, c.trend, c.name, c.url, r.stale.includes(c.competitor) ? 'stale' : ''].map(neutralise));
    }
  }
  return out;
}

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function exportTable(ctx: ServiceContext, who: Principal | null, format: 'csv' | 'xlsx', filter: { region?: string; q?: string } = {}): Promise<{ filename: string; contentType: string; body: Buffer }> {
  const view = await priceTable(ctx, who, filter);
  const rows = exportRows(view);
  const stamp = view.generatedAt.slice(0, 10);
  const base = `price-index-${filter.region ?? 'all'}-${stamp}`;
  if (format === 'csv') {
    // The BOM makes Excel read UTF-8 (Chinese names) correctly.
    const text = '\ufeff' + [HEADER.join(','), ...rows.map((r) => r.map(csvCell).join(','))].join('\r\n') + '\r\n';
    return { filename: `${base}.csv`, contentType: 'text/csv; charset=utf-8', body: Buffer.from(text, 'utf8') };
  }
  const ExcelJS = createRequire(import.meta.url)('exceljs') as typeof import('exceljs');
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('比价');
  ws.addRow([...HEADER]);
  ws.getRow(1).font = { bold: true };
  for (const r of rows) ws.addRow(r);
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  const body = Buffer.from(await wb.xlsx.writeBuffer());
  return { filename: `${base}.xlsx`, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', body };
}
