/**
 * The team heat map for the manager digest: people × metrics, each cell coloured by its band,
 * drawn as SVG here and rendered to PNG on the server with resvg (fonts as for the price charts,
 * see charts.ts). Mail clients block scripts and strip SVG; a PNG attached inline (CID) shows
 * everywhere, and the digest carries the same matrix as an HTML table for clients that block images.
 */
import { FONT_FAMILIES } from './charts.js';
import { CJK, escSvg, fitText, svgToPng, textWidth } from './svg.js';

export type HeatBand = 'green' | 'yellow' | 'red';

export interface HeatCell {
  text: string;
  band: HeatBand | null;
}

export interface HeatRow {
  name: string;
  cells: HeatCell[];
  /** The last column (the index), drawn bold. */
  total: HeatCell;
  /** Shown after the name, e.g. "↓3". */
  note?: string;
}

export interface HeatmapInput {
  columns: string[];
  totalLabel: string;
  rows: HeatRow[];
  /** Legend words for green, yellow, red, e.g. ["≥ 90", "70–89", "< 70"]. */
  legend: [string, string, string];
  /** What the marks after a name mean, e.g. "↓3 = index 3 points below last week". */
  trendLegend?: string;
  title?: string;
}

export interface Heatmap {
  png: Buffer;
  /** CSS pixels; the PNG has twice as many. */
  width: number;
  height: number;
}

export const BAND_COLORS: Record<HeatBand | 'none', { fill: string; text: string }> = {
  green: { fill: '#cdeed6', text: '#0f5b29' },
  yellow: { fill: '#fbe7a6', text: '#6b4500' },
  red: { fill: '#f9c4c0', text: '#8f0d1f' },
  none: { fill: '#eef0f2', text: '#6b7785' },
};

/**
 * Sizes in CSS pixels. The image is drawn no wider than the digest's text column at 600 px
 * (600 − 2 × 8 page padding − 2 × 20 cell padding − borders ≈ 540), so a phone shows it at its
 * natural size: scaled down, 10 px labels had become 7 px. Text is never under 11 px; a team with
 * many metrics gets its metrics in two (or more) blocks, each with the names and the index.
 */
export const HEATMAP_MAX_WIDTH = 540;
const NAME_W = 84;
const MIN_CELL_W = 46;
const MAX_CELL_W = 64;
const TOTAL_W = 52;
const ROW_H = 24;
const HEAD_H = 36;
const PAD = 6;
const BLOCK_GAP = 12;
const SCALE = 2;
const HEAD_SIZE = 11;
const CELL_SIZE = 12;
const LEGEND_SIZE = 11;

const LATIN_FAMILY = "'DejaVu Sans', 'Liberation Sans', Arial, sans-serif";




/** A column label in at most two lines that fit the cell. */
export function wrapLabel(s: string, size: number, max: number): string[] {
  if (textWidth(s, size) <= max) return [s];
  if (CJK.test(s) && !/\s/.test(s)) {
    // Chinese has no spaces: split in the middle, so "客户资料完整度" reads 客户资料 / 完整度.
    const chars = [...s];
    const half = Math.ceil(chars.length / 2);
    return [fitText(chars.slice(0, half).join(''), size, max), fitText(chars.slice(half).join(''), size, max)];
  }
  const words = s.split(/(\s+)/).filter((w) => w !== '');
  let first = '';
  let i = 0;
  for (; i < words.length; i++) {
    const next = first + words[i];
    if (textWidth(next.trim(), size) > max && first.trim() !== '') break;
    first = next;
  }
  return [fitText(first.trim(), size, max), fitText(words.slice(i).join('').trim(), size, max)].filter((l) => l !== '');
}

export function heatmapSvg(input: HeatmapInput): { svg: string; width: number; height: number } {
  const family = FONT_FAMILIES.map((f) => (f.includes(' ') ? `'${f}'` : f)).join(', ');
  const cols = input.columns.length;
  // As few blocks as fit the width, the metrics shared evenly between them.
  const perBlockMax = Math.max(1, Math.floor((HEATMAP_MAX_WIDTH - PAD * 2 - NAME_W - TOTAL_W) / MIN_CELL_W));
  const blocks = Math.max(1, Math.ceil(cols / perBlockMax));
  const perBlock = Math.ceil(cols / blocks);
  const cellW = Math.min(MAX_CELL_W, Math.floor((HEATMAP_MAX_WIDTH - PAD * 2 - NAME_W - TOTAL_W) / Math.max(1, perBlock)));
  const width = PAD * 2 + NAME_W + perBlock * cellW + TOTAL_W;
  const titleH = input.title ? 20 : 0;
  const blockH = HEAD_H + input.rows.length * ROW_H;
  const legendLines = input.trendLegend ? 2 : 1;
  const top = PAD + titleH;
  const height = top + blocks * blockH + (blocks - 1) * BLOCK_GAP + 10 + legendLines * 18 + PAD;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escSvg(family)}">`);
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  if (input.title) parts.push(`<text x="${PAD}" y="${PAD + 13}" font-size="13" font-weight="bold" fill="#1f2933">${escSvg(fitText(input.title, 13, width - PAD * 2))}</text>`);
  for (let b = 0; b < blocks; b++) {
    const y0 = top + b * (blockH + BLOCK_GAP);
    const first = b * perBlock;
    const columns = input.columns.slice(first, first + perBlock);
    const n = columns.length;
    const head = (label: string, x: number, w: number, bold = false): void => {
      const lines = wrapLabel(label, HEAD_SIZE, w - 2);
      const y = y0 + HEAD_H - 6 - (lines.length - 1) * 13;
      lines.forEach((l, i) => parts.push(`<text x="${x + w / 2}" y="${y + i * 13}" font-size="${HEAD_SIZE}" text-anchor="middle" fill="#4b5563"${bold ? ' font-weight="bold"' : ''}>${escSvg(l)}</text>`));
    };
    columns.forEach((c, j) => head(c, PAD + NAME_W + j * cellW, cellW));
    head(input.totalLabel, PAD + NAME_W + n * cellW, TOTAL_W, true);
    input.rows.forEach((r, i) => {
      const y = y0 + HEAD_H + i * ROW_H;
      const name = r.note ? `${r.name} ${r.note}` : r.name;
      parts.push(`<text x="${PAD + 2}" y="${y + 16}" font-size="${CELL_SIZE}" fill="#1f2933">${escSvg(fitText(name, CELL_SIZE, NAME_W - 6))}</text>`);
      const cell = (c: HeatCell, x: number, w: number, bold: boolean): void => {
        const col = BAND_COLORS[c.band ?? 'none'];
        parts.push(`<rect x="${x + 1}" y="${y + 1}" width="${w - 2}" height="${ROW_H - 2}" rx="2" fill="${col.fill}"/>`);
        // Cells hold numbers: a Latin font draws them, since resvg lays out each text in a CJK collection ~30x slower.
        const fam = CJK.test(c.text) ? '' : ` font-family="${LATIN_FAMILY}"`;
        parts.push(`<text x="${x + w / 2}" y="${y + 16}" font-size="${CELL_SIZE}" text-anchor="middle" fill="${col.text}"${fam}${bold ? ' font-weight="bold"' : ''}>${escSvg(fitText(c.text, CELL_SIZE, w - 4))}</text>`);
      };
      r.cells.slice(first, first + perBlock).forEach((c, j) => cell(c, PAD + NAME_W + j * cellW, cellW, false));
      cell(r.total, PAD + NAME_W + n * cellW, TOTAL_W, true);
    });
  }
  // Legend: the band colours, then what the arrows after a name mean.
  const ly = top + blocks * blockH + (blocks - 1) * BLOCK_GAP + 10;
  let lx = PAD;
  (['green', 'yellow', 'red'] as const).forEach((b, k) => {
    parts.push(`<rect x="${lx}" y="${ly}" width="13" height="13" rx="2" fill="${BAND_COLORS[b].fill}"/>`);
    parts.push(`<text x="${lx + 17}" y="${ly + 11}" font-size="${LEGEND_SIZE}" fill="#4b5563">${escSvg(input.legend[k] ?? '')}</text>`);
    lx += 17 + textWidth(input.legend[k] ?? '', LEGEND_SIZE) + 14;
  });
  if (input.trendLegend) parts.push(`<text x="${PAD}" y="${ly + 18 + 11}" font-size="${LEGEND_SIZE}" fill="#4b5563">${escSvg(fitText(input.trendLegend, LEGEND_SIZE, width - PAD * 2))}</text>`);
  parts.push('</svg>');
  return { svg: parts.join(''), width, height };
}

export async function renderHeatmap(input: HeatmapInput): Promise<Heatmap> {
  const { svg, width, height } = heatmapSvg(input);
  return { png: await svgToPng(svg, SCALE), width, height };
}
