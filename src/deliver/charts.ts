import { existsSync } from 'node:fs';
import type { Locale } from '../alerts/route.js';
import { wallAsUtcMs } from '../time/zone.js';

/**
 * Small price-history charts for emails, rendered on the server: vega-lite → SVG → PNG with
 * resvg. Mail clients block scripts and most strip SVG, so a PNG attached inline (CID) is what
 * shows up everywhere; the text part carries the same history as a line of prices.
 */

export interface ChartPoint {
  at: string;
  amount: number;
}

export interface ChartInput {
  points: ChartPoint[];
  currencySymbol: string;
  locale: Locale;
  timeZone: string;
  /** Drawn above the plot; may be Chinese. */
  title?: string;
  /** The run that found the change: the last price is drawn up to here. */
  now?: Date;
}

export interface Chart {
  png: Buffer;
  /** CSS pixels; the PNG has twice as many for sharp display on high-density screens. */
  width: number;
  height: number;
}

export const CHART_WIDTH = 280;
export const CHART_HEIGHT = 96;
const SCALE = 2;

/**
 * Font files, first found wins per script. Loading only what the text needs matters: parsing a
 * CJK collection costs ~150 ms per chart, a Latin font ~3 ms. RADAR_CHART_FONTS (path list,
 * ':'-separated) overrides; with nothing found, resvg scans the system fonts.
 */
const LATIN_FONTS = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/System/Library/Fonts/Supplemental/Arial.ttf',
  'C:\\Windows\\Fonts\\arial.ttf',
];
const CJK_FONTS = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
  '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc',
  '/System/Library/Fonts/PingFang.ttc',
  'C:\\Windows\\Fonts\\msyh.ttc',
];
export const FONT_FAMILIES = ['Noto Sans CJK SC', 'WenQuanYi Zen Hei', 'WenQuanYi Micro Hei', 'PingFang SC', 'Microsoft YaHei', 'DejaVu Sans', 'Liberation Sans', 'Arial', 'sans-serif'];

const CJK = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/;

export function chartFonts(needCjk: boolean, env: NodeJS.ProcessEnv = process.env): string[] | null {
  if (env.RADAR_CHART_FONTS) return env.RADAR_CHART_FONTS.split(':').filter((f) => f && existsSync(f));
  const latin = LATIN_FONTS.find((f) => existsSync(f));
  const cjk = CJK_FONTS.find((f) => existsSync(f));
  // A CJK font has Latin glyphs too: a machine with only fonts-wqy-zenhei still draws every chart.
  if (needCjk) return cjk ? [cjk, ...(latin ? [latin] : [])] : null;
  const any = latin ?? cjk;
  return any ? [any] : null;
}


function spec(input: ChartInput): Record<string, unknown> {
  // Wall-clock times in the zone written as UTC instants, so vega's UTC axis shows local dates.
  const values = input.points.map((p) => ({ t: wallAsUtcMs(Date.parse(p.at), input.timeZone), amount: p.amount }));
  const last = values.at(-1)!;
  const endMs = input.now ? wallAsUtcMs(input.now.getTime(), input.timeZone) : last.t;
  // The last price holds until now: draw the step to the right edge without a marker.
  const line = endMs > last.t ? [...values, { t: endMs, amount: last.amount }] : values;
  const amounts = values.map((v) => v.amount);
  const decimals = amounts.some((a) => !Number.isInteger(a)) ? 2 : 0;
  const spanDays = (line.at(-1)!.t - line[0]!.t) / 86_400_000;
  const family = FONT_FAMILIES.map((f) => (f.includes(' ') ? `'${f}'` : f)).join(', ');
  const sym = JSON.stringify(input.currencySymbol);
  // Dates that read one way only (12-04 is 4 Dec to some, 12 April to others), as in the text.
  const zh = input.locale === 'zh-CN';
  const dayFormat = zh ? '%-m月%-d日' : '%-d %b';
  const dateFormat = spanDays > 300 ? '%Y-%m-%d' : spanDays < 2 ? `${dayFormat} %H:%M` : dayFormat;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: CHART_WIDTH - 56,
    height: CHART_HEIGHT - (input.title ? 44 : 28),
    background: 'white',
    padding: { left: 4, right: 8, top: 4, bottom: 2 },
    ...(input.title ? { title: { text: input.title, fontSize: 12, fontWeight: 'normal', color: '#6b7785', anchor: 'start', offset: 4 } } : {}),
    layer: [
      {
        data: { values: line },
        mark: { type: 'line', interpolate: 'step-after', color: '#0b5cad', strokeWidth: 1.5 },
        encoding: {
          x: {
            field: 't',
            type: 'temporal',
            scale: { type: 'utc' },
            // Only the first and last dates: a handful of changes over weeks needs no finer grid.
            axis: { title: null, format: dateFormat, values: [...new Set([line[0]!.t, line.at(-1)!.t])], labelFontSize: 11, grid: false, labelOverlap: true, labelBound: true, labelFlush: true },
          },
          y: {
            field: 'amount',
            type: 'quantitative',
            scale: { zero: false, nice: true },
            axis: { title: null, tickCount: 3, labelFontSize: 11, labelExpr: `${sym} + format(datum.value, ',.${decimals}f')`, gridColor: '#eef0f2' },
          },
        },
      },
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 18, color: '#0b5cad' },
        encoding: { x: { field: 't', type: 'temporal', scale: { type: 'utc' } }, y: { field: 'amount', type: 'quantitative' } },
      },
    ],
    config: { font: family, view: { stroke: null }, axis: { domainColor: '#c9cfd6', tickColor: '#c9cfd6', labelColor: '#4b5563' } },
  };
}

type VegaModules = { vega: typeof import('vega'); vl: typeof import('vega-lite'); Resvg: typeof import('@resvg/resvg-js').Resvg };
let modules: Promise<VegaModules> | null = null;

/** Loaded on first use: half a second of imports that a run without price changes never needs. */
function load(): Promise<VegaModules> {
  modules ??= Promise.all([import('vega'), import('vega-lite'), import('@resvg/resvg-js')]).then(([vega, vl, r]) => ({ vega, vl, Resvg: r.Resvg }));
  return modules;
}

export async function renderChartSvg(input: ChartInput): Promise<string> {
  if (input.points.length === 0) throw new Error('a chart needs at least one point');
  const { vega, vl } = await load();
  const quiet = { level: () => quiet, error: () => quiet, warn: () => quiet, info: () => quiet, debug: () => quiet };
  const compiled = vl.compile(spec(input) as never, { logger: quiet as never }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.None });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function renderPriceChart(input: ChartInput): Promise<Chart> {
  const svg = await renderChartSvg(input);
  const { Resvg } = await load();
  const files = chartFonts(CJK.test(input.title ?? ''));
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: SCALE },
    background: 'white',
    font: files ? { loadSystemFonts: false, fontFiles: files } : { loadSystemFonts: true, defaultFontFamily: 'Noto Sans CJK SC' },
  });
  const png = resvg.render().asPng();
  return { png: Buffer.from(png), width: Math.round(resvg.width), height: Math.round(resvg.height) };
}
