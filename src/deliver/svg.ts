/**
 * What every chart drawn as SVG here needs: text escaped for SVG, a rough width to fit labels
 * without a layout engine, and the PNG made with resvg on the chart fonts (loaded on first use).
 */
import { chartFonts } from './charts.js';

export const CJK = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/;

export function escSvg(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Rough text width: CJK glyphs are square, Latin about half as wide. */
export function textWidth(s: string, size: number): number {
  let w = 0;
  for (const ch of s) w += CJK.test(ch) ? size : size * 0.58;
  return w;
}

/** The text, cut with an ellipsis where it would pass `max`. */
export function fitText(s: string, size: number, max: number): string {
  if (textWidth(s, size) <= max) return s;
  let out = '';
  for (const ch of s) {
    if (textWidth(out + ch + '…', size) > max) break;
    out += ch;
  }
  return out + '…';
}

let resvg: Promise<typeof import('@resvg/resvg-js')> | null = null;

/** PNG at `scale` times the SVG's size; a CJK font is loaded only when the SVG has CJK text. */
export async function svgToPng(svg: string, scale = 2): Promise<Buffer> {
  resvg ??= import('@resvg/resvg-js');
  const { Resvg } = await resvg;
  const files = chartFonts(CJK.test(svg));
  const r = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: files ? { loadSystemFonts: false, fontFiles: files } : { loadSystemFonts: true, defaultFontFamily: 'Noto Sans CJK SC' },
  });
  return Buffer.from(r.render().asPng());
}
