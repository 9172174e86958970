import { createHash } from 'node:crypto';
import { money, percent } from '../../sales/format.js';
import type { AttainmentPayload, UnitLine } from '../../sales/targets/payloads.js';
import type { StoredAlert } from '../../store/outbox.js';
import { renderGapChart } from '../gap-chart.js';
import { BAND_COLORS } from '../heatmap.js';
import { fill } from '../i18n.js';
import type { InlineImage, Section, SectionContext } from './types.js';

const p = (a: StoredAlert): AttainmentPayload => a.payload as unknown as AttainmentPayload;

const colour = (b: string | null) => BAND_COLORS[(b as 'green' | 'yellow' | 'red' | null) ?? 'none'];

/** "缺口 137.1 万" / "超出 14.0 万". */
export function gapText(gap: number | null, ctx: SectionContext): string {
  if (gap === null) return ctx.t['attainment.no_target'] ?? 'no target';
  return gap > 0 ? fill(ctx.t['attainment.gap'] ?? 'gap {amount}', { amount: money(gap, ctx.locale) }) : fill(ctx.t['attainment.ahead'] ?? 'ahead {amount}', { amount: money(-gap, ctx.locale) });
}

export function contributorsText(u: UnitLine, ctx: SectionContext): string {
  return u.contributors.map((c) => `${c.name} ${money(c.gap, ctx.locale)}${c.share !== null ? ` (${percent(c.share)})` : ''}`).join(ctx.locale === 'zh-CN' ? '、' : ', ');
}

export function forecastText(u: UnitLine, ctx: SectionContext): string | null {
  const f = u.forecast;
  if (!f || f.sumTarget <= 0) return null;
  const compared = f.months.filter((_, i) => f.targets[i] !== null && f.targets[i] !== undefined);
  return fill(ctx.t[f.below ? 'attainment.forecast_below' : 'attainment.forecast_ok'] ?? 'forecast {forecast} vs target {target} ({from}..{to})', {
    forecast: money(f.sumForecast, ctx.locale),
    target: money(f.sumTarget, ctx.locale),
    from: compared[0] ?? '',
    to: compared.at(-1) ?? '',
  });
}

const periodWord = (pl: AttainmentPayload, ctx: SectionContext): string => ctx.t[`attainment.period_${pl.period}`] ?? pl.period;

export const attainmentSection: Section = {
  topic: 'attainment',
  order: 12,
  title: (ctx) => ctx.t['attainment.title'] ?? 'Targets and attainment',
  view(alerts, ctx) {
    return {
      digests: alerts.map((a) => {
        const pl = p(a);
        const img = ctx.images?.get(a.id);
        return {
          heading: fill(ctx.t['attainment.heading'] ?? '{fy} {period}, {from} to {asOf}', { fy: pl.fy, period: periodWord(pl, ctx), from: pl.from, asOf: pl.asOf }),
          image: img ? { cid: img.cid, width: img.width, height: img.height, alt: img.alt } : null,
          rows: pl.units.map((u) => ({
            name: u.name,
            indent: u.depth * 14,
            bold: u.depth === 0,
            person: u.level === 'person',
            annual: money(u.annual, ctx.locale),
            target: money(u.target, ctx.locale),
            actual: money(u.actual, ctx.locale),
            ratio: percent(u.ratio, 1),
            color: colour(u.band).text,
            fill: colour(u.band).fill,
            gap: gapText(u.gap, ctx),
            contributors: u.level === 'person' ? '' : contributorsText(u, ctx),
            turnedRed: u.turnedRed,
            textIndent: '  '.repeat(u.depth),
          })),
          forecasts: pl.units.flatMap((u) => {
            const text = forecastText(u, ctx);
            return text ? [{ name: u.name, text, below: u.forecast!.below }] : [];
          }),
          legend: fill(ctx.t['attainment.legend'] ?? 'green ≥ {green} % · yellow {yellow}–{below} % · red < {yellow} %', { green: pl.bands.green, yellow: pl.bands.yellow, below: pl.bands.green - 1 }),
          notes: pl.notes,
          explain: fill(ctx.t['attainment.explain'] ?? 'Every number traces to its rows: {command}', { command: pl.explain }),
        };
      }),
    };
  },
  headline(alerts, ctx) {
    const pl = alerts[0] ? p(alerts[0]) : null;
    const tops = pl?.units.filter((u) => u.depth === 0) ?? [];
    if (!pl || tops.length === 0) return null;
    const red = pl.units.filter((u) => u.band === 'red' && u.level !== 'person').length;
    const units = tops
      .slice(0, 3)
      .map((u) => `${u.name} ${percent(u.ratio, 1)}`)
      .join(ctx.locale === 'zh-CN' ? '、' : ', ');
    return {
      text: fill(ctx.t[red ? 'attainment.headline_red' : 'attainment.headline'] ?? 'Attainment {units}', { units, n: red }),
      weight: 25 + red,
    };
  },
  async images(alerts, ctx, max) {
    const out: InlineImage[] = [];
    for (const a of alerts) {
      if (out.length >= max) break;
      const pl = p(a);
      if (pl.chart.length === 0) continue;
      const chart = await renderGapChart({
        bars: pl.chart.map((b) => ({ name: b.name, ratio: b.ratio, band: b.band, note: gapText(b.gap, ctx) })),
        green: pl.bands.green,
        yellow: pl.bands.yellow,
        targetLabel: ctx.t['attainment.target_line'] ?? 'target',
      });
      const cid = `gap-${createHash('sha256').update(a.id).digest('hex').slice(0, 16)}@sales-radar`;
      out.push({ alertId: a.id, cid, png: chart.png, width: chart.width, height: chart.height, alt: ctx.t['attainment.chart_alt'] ?? 'Attainment and gap by unit' });
    }
    return out;
  },
  weight: (a) => p(a).units.filter((u) => u.band === 'red').length,
};
