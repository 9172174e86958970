/**
 * The attainment gap chart of the weekly targets digest: one bar per unit, its length the share of
 * the target attained to date, coloured by band, with the target (100 %) and the band thresholds
 * as lines and the gap written at the end. SVG drawn here, PNG made on the server with resvg
 * (fonts as for the heat map and the price charts), attached inline like them.
 */
import { FONT_FAMILIES } from './charts.js';
import { escSvg, fitText, svgToPng } from './svg.js';
import { BAND_COLORS, type HeatBand } from './heatmap.js';

export interface GapBar {
  name: string;
  /** Attainment in percent; null = no target. */
  ratio: number | null;
  band: HeatBand | null;
  /** Text after the bar ("缺口 137.1 万"). */
  note: string;
}

export interface GapChartInput {
  bars: GapBar[];
  /** Threshold lines in percent (green, yellow). */
  green: number;
  yellow: number;
  /** Label of the 100 % line. */
  targetLabel: string;
}

const NAME_W = 86;
const BAR_W = 300;
const NOTE_W = 150;
const ROW_H = 22;
const TOP = 22;
const PAD = 8;
const SCALE = 2;



export function gapChartSvg(input: GapChartInput): { svg: string; width: number; height: number } {
  const family = FONT_FAMILIES.map((f) => (f.includes(' ') ? `'${f}'` : f)).join(', ');
  const maxRatio = Math.max(120, ...input.bars.map((b) => b.ratio ?? 0));
  const top = Math.ceil(maxRatio / 10) * 10;
  const x = (pct: number): number => PAD + NAME_W + (Math.max(0, Math.min(pct, top)) / top) * BAR_W;
  const width = PAD * 2 + NAME_W + BAR_W + NOTE_W;
  const height = TOP + input.bars.length * ROW_H + PAD + 4;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escSvg(family)}">`);
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  const bottom = TOP + input.bars.length * ROW_H;
  const vline = (pct: number, color: string, dash: boolean, label: string): void => {
    parts.push(`<line x1="${x(pct)}" y1="${TOP - 4}" x2="${x(pct)}" y2="${bottom}" stroke="${color}" stroke-width="1"${dash ? ' stroke-dasharray="3,3"' : ''}/>`);
    parts.push(`<text x="${x(pct)}" y="${TOP - 8}" font-size="9" text-anchor="middle" fill="#6b7785">${escSvg(label)}</text>`);
  };
  vline(input.yellow, '#d4a017', true, `${input.yellow}%`);
  vline(input.green, '#2f855a', true, `${input.green}%`);
  vline(100, '#1f2933', false, input.targetLabel);
  input.bars.forEach((b, i) => {
    const y = TOP + i * ROW_H;
    parts.push(`<text x="${PAD}" y="${y + 15}" font-size="12" fill="#1f2933">${escSvg(fitText(b.name, 12, NAME_W - 6))}</text>`);
    const col = BAND_COLORS[b.band ?? 'none'];
    if (b.ratio !== null) {
      parts.push(`<rect x="${x(0)}" y="${y + 4}" width="${Math.max(1, x(b.ratio) - x(0))}" height="${ROW_H - 8}" rx="2" fill="${col.fill}" stroke="${col.text}" stroke-width="0.6"/>`);
      parts.push(`<text x="${x(0) + 4}" y="${y + 15}" font-size="10" fill="${col.text}" font-family="'DejaVu Sans', Arial, sans-serif">${Math.round(b.ratio)}%</text>`);
    }
    parts.push(`<text x="${PAD + NAME_W + BAR_W + 8}" y="${y + 15}" font-size="11" fill="${col.text}">${escSvg(fitText(b.note, 11, NOTE_W - 10))}</text>`);
  });
  parts.push('</svg>');
  return { svg: parts.join(''), width, height };
}

export async function renderGapChart(input: GapChartInput): Promise<{ png: Buffer; width: number; height: number }> {
  const { svg, width, height } = gapChartSvg(input);
  return { png: await svgToPng(svg, SCALE), width, height };
}
