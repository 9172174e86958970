import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { chartFonts } from '../../src/deliver/charts.js';
import { BAND_COLORS, HEATMAP_MAX_WIDTH, heatmapSvg, type HeatmapInput, renderHeatmap } from '../../src/deliver/heatmap.js';

const COLUMNS = ['登录天数', '任务完成', '逾期任务', '互动密度', '48h跟进', '7天二触', '拜访纪要', '资料完整', '商机推进', '新线索', '回复时长', '赢单毛利'];
const BANDS = ['green', 'yellow', 'red'] as const;

function input(title: string, names = ['张伟', '李娜', '王芳', '赵文']): HeatmapInput {
  return {
    title,
    columns: COLUMNS,
    totalLabel: '健康指数',
    rows: names.map((name, i) => ({
      name,
      cells: COLUMNS.map((_, j) => ({ text: j % 2 ? '92%' : '4.5', band: BANDS[(i + j) % 3]! })),
      total: { text: String(95 - 10 * i), band: BANDS[i % 3]! },
    })),
    legend: ['≥ 90 良好', '70–89 关注', '< 70 预警'],
  };
}

const hex = (h: string): [number, number, number] => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];

function decode(buf: Buffer): PNG {
  return PNG.sync.read(buf);
}

function countColour(png: PNG, rgb: [number, number, number]): number {
  let n = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    if (Math.abs(png.data[i]! - rgb[0]) <= 2 && Math.abs(png.data[i + 1]! - rgb[1]) <= 2 && Math.abs(png.data[i + 2]! - rgb[2]) <= 2) n++;
  }
  return n;
}

/** Dark pixels in a band of rows (text ink). */
function ink(png: PNG, y0: number, y1: number): number {
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = 0; x < png.width; x++) {
      const i = (y * png.width + x) * 4;
      if (png.data[i]! + png.data[i + 1]! + png.data[i + 2]! < 300) n++;
    }
  }
  return n;
}

describe('team heat map image', () => {
  it('renders a PNG twice its CSS size, with cells in all three band colours', async () => {
    const hm = await renderHeatmap(input('华东一组 · 2026-W47'));
    const png = decode(hm.png);
    expect(png.width).toBe(hm.width * 2);
    expect(png.height).toBe(hm.height * 2);
    expect(hm.width).toBeLessThanOrEqual(HEATMAP_MAX_WIDTH); // fits the digest column at 600 px, so it is never scaled down
    for (const b of BANDS) expect(countColour(png, hex(BAND_COLORS[b].fill))).toBeGreaterThan(5_000);
    const colours = new Set<number>();
    for (let i = 0; i < png.data.length; i += 4) colours.add((png.data[i]! << 16) | (png.data[i + 1]! << 8) | png.data[i + 2]!);
    expect(colours.size).toBeGreaterThan(50); // text is antialiased: not a blank or flat image
    expect(ink(png, 0, png.height)).toBeGreaterThan(2_000);
  });

  it('draws Chinese glyphs, not empty space or boxes', async (ctx) => {
    if (!chartFonts(true)) ctx.skip(); // no CJK font installed (CI installs fonts-wqy-zenhei)
    const a = decode((await renderHeatmap(input('华东一组'))).png);
    const b = decode((await renderHeatmap(input('研发二部'))).png);
    const none = decode((await renderHeatmap(input('　'))).png);
    const title = (p: PNG) => ink(p, 0, 2 * 24);
    expect(title(none)).toBe(0);
    expect(title(a)).toBeGreaterThan(100);
    expect(title(b)).toBeGreaterThan(100);
    // Missing glyphs would all be the same box: different characters must give different pixels.
    expect(Buffer.compare(a.data.subarray(0, a.width * 4 * 48), b.data.subarray(0, b.width * 4 * 48))).not.toBe(0);
  });

  it('keeps every text at 11 px or more at its natural size, splitting many metrics into blocks, and explains the arrows', () => {
    const { svg, width } = heatmapSvg({ ...input('华东一组'), rows: [{ name: '张伟', note: '↓3', cells: COLUMNS.map(() => ({ text: '100%', band: 'green' })), total: { text: '95', band: 'green' } }], trendLegend: '姓名后的 ↑3 / ↓3：健康指数比上周高 / 低 3 分' });
    expect(width).toBeLessThanOrEqual(HEATMAP_MAX_WIDTH);
    const sizes = [...svg.matchAll(/font-size="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(11);
    // 12 metrics do not fit one row of cells at this width: two blocks, each with the name and the index.
    expect(svg.split('>张伟 ↓3<').length - 1).toBe(2);
    expect(svg.split('>健康指数<').length - 1).toBe(2);
    for (const c of COLUMNS) expect(svg).toMatch(new RegExp(`>${c.slice(0, 2)}`));
    expect(svg).toContain('↑3 / ↓3');
  });

  it('escapes names in the SVG', () => {
    const { svg } = heatmapSvg(input('<script>', ['<b>&"x']));
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).toContain('&lt;b&gt;&amp;&quot;x');
  });
});
