/**
 * The radar chart of a person's monthly scorecard: one axis per dimension, the person's percentile
 * among peers (0 at the centre, 100 at the rim) as a filled shape, and the peers' middle (50) as a
 * dashed ring to read it against. SVG drawn here, PNG made with resvg like the heat map.
 */
import { FONT_FAMILIES } from './charts.js';
import { escSvg, svgToPng } from './svg.js';

export interface RadarInput {
  axes: { label: string; score: number | null }[];
  /** Label of the dashed 50 ring ("peers' middle"). */
  middleLabel: string;
  color: string;
}

const W = 380;
const H = 260;
const R = 82;
const SCALE = 2;


export function radarSvg(input: RadarInput): { svg: string; width: number; height: number } {
  const n = input.axes.length;
  const cx = W / 2;
  const cy = H / 2 + 4;
  const at = (i: number, r: number): [number, number] => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / n;
    return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
  };
  const poly = (r: (i: number) => number): string => input.axes.map((_, i) => at(i, r(i)).map((v) => v.toFixed(1)).join(',')).join(' ');
  const family = FONT_FAMILIES.map((f) => (f.includes(' ') ? `'${f}'` : f)).join(', ');
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${escSvg(family)}">`, `<rect width="${W}" height="${H}" fill="#ffffff"/>`];
  for (const ring of [25, 50, 75, 100]) parts.push(`<polygon points="${poly(() => (R * ring) / 100)}" fill="none" stroke="${ring === 50 ? '#6b7785' : '#dde1e6'}" stroke-width="${ring === 50 ? 1 : 0.8}"${ring === 50 ? ' stroke-dasharray="3,3"' : ''}/>`);
  input.axes.forEach((ax, i) => {
    const [x, y] = at(i, R);
    parts.push(`<line x1="${cx}" y1="${cy}" x2="${x.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#dde1e6" stroke-width="0.8"/>`);
    const [lx, ly] = at(i, R + 18);
    const anchor = Math.abs(lx - cx) < 8 ? 'middle' : lx > cx ? 'start' : 'end';
    parts.push(`<text x="${lx.toFixed(1)}" y="${(ly + 4).toFixed(1)}" font-size="11" text-anchor="${anchor}" fill="#1f2933">${escSvg(ax.label)}${ax.score === null ? '' : ` ${Math.round(ax.score)}`}</text>`);
  });
  parts.push(`<polygon points="${poly((i) => (R * (input.axes[i]!.score ?? 0)) / 100)}" fill="${input.color}" fill-opacity="0.28" stroke="${input.color}" stroke-width="1.6"/>`);
  parts.push(`<text x="${W - 6}" y="${H - 6}" font-size="9" text-anchor="end" fill="#6b7785">- - ${escSvg(input.middleLabel)}</text>`);
  parts.push('</svg>');
  return { svg: parts.join(''), width: W, height: H };
}

export async function renderRadar(input: RadarInput): Promise<{ png: Buffer; width: number; height: number }> {
  const { svg, width, height } = radarSvg(input);
  return { png: await svgToPng(svg, SCALE), width, height };
}
