import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartFonts, renderPriceChart } from '../../src/deliver/charts.js';
import { startServer, type FixtureServer } from '../helpers/server.js';
import { makeWorkspace, type Workspace } from '../helpers/workspace.js';

const CHROMIUM = process.env.RADAR_CHROMIUM ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser) console.warn(`email-render: no Chromium at ${CHROMIUM} (set RADAR_CHROMIUM); the browser checks are skipped`);

/** Share of pixels that are not (near) white, and how many distinct colours there are. */
function ink(png: PNG, box?: { x0: number; y0: number; x1: number; y1: number }): { share: number; colours: number } {
  const { x0, y0, x1, y1 } = box ?? { x0: 0, y0: 0, x1: png.width, y1: png.height };
  let dark = 0;
  const colours = new Set<number>();
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * png.width + x) * 4;
      const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
      colours.add((r << 16) | (g << 8) | b);
      if (r + g + b < 600) dark++;
    }
  }
  return { share: dark / ((x1 - x0) * (y1 - y0)), colours: colours.size };
}

describe('digest emails as people see them', () => {
  let site: FixtureServer;
  let ws: Workspace;
  const step = { n: 0 };
  const ITEMS = [
    { id: 'A', name: '格力 空调 KFR-35GW 1.5匹 新一级能效 变频冷暖 壁挂式 卧室空调挂机 云佳', prices: [3299, 3199, 2999, 2899] },
    { id: 'B', name: '美的 除湿机 DH-20L', prices: [1299, 1299, 1199, 999] },
    { id: 'C', name: 'A product with a very long English name that goes on and on without a break', prices: [899, 949, 949, 799] },
  ];

  beforeAll(async () => {
    site = await startServer({
      '/list': (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(ITEMS.map((i) => `<div class="p" data-sku="${i.id}"><a class="n" href="https://shop.example/${i.id}">${i.name}</a><b class="price">¥${i.prices[step.n]}</b></div>`).join(''));
      },
    });
    ws = makeWorkspace();
    ws.writeTarget('a.yaml', `id: acme\ncompetitor: Acme\nregion: east\nfetch: { url: "${site.url}/list", min_interval_ms: 0, retries: 0 }\nitems: { each: ".p", key: "@data-sku", fields: { name: ".n", price: ".price", url: "a@href" } }\n`);
    ws.writeRule('price.yaml', 'alert_when: { change_percent: 3, change_abs: 0 }\n');
    // Four runs: a baseline, then moves; the last digest charts the whole history.
    for (step.n = 0; step.n < 4; step.n++) expect((await ws.radar('run', '--no-progress')).code).toBeLessThan(2);
  }, 120_000);

  afterAll(async () => {
    await site?.close();
    ws?.cleanup();
  });

  const lastDigest = async () => {
    const mails = await ws.emails();
    const mail = mails.filter((m) => m.to && JSON.stringify(m.to).includes('east-head')).at(-1)!;
    const html = join(ws.outbox, mail.file.replace(/\.eml$/, '.html'));
    return { mail, html };
  };

  it('carries a summary-first subject, inline PNG charts by Content-ID and a text part with the history', async () => {
    const { mail } = await lastDigest();
    expect(mail.subject).toBe('[华东] 3 个竞品降价，最大 -17%：Acme 美的 除湿机 DH-20L');
    const raw = await simpleParser(readFileSync(join(ws.outbox, mail.file)), { keepCidLinks: true });
    const pngs = raw.attachments.filter((a) => a.contentType === 'image/png');
    expect(pngs.length).toBe(3);
    for (const p of pngs) {
      expect(raw.html).toContain(`src="cid:${p.cid}"`);
      expect(p.contentDisposition).toBe('inline');
    }
    expect(raw.html).not.toMatch(/<script/i);
    // Inline CSS only: no <style> blocks that mail clients drop.
    expect(raw.html).not.toMatch(/<style/i);
    expect(raw.text).toContain('¥1,199 -> ¥999 (-17%)');
    expect(raw.text).toMatch(/¥1,299 \(\d{1,2}月\d{1,2}日\) → ¥1,199 \(\d{1,2}月\d{1,2}日\) → ¥999 \(\d{1,2}月\d{1,2}日\)/);
  });

  it('draws charts that decode, are not blank, and show their Chinese title', async () => {
    const { mail } = await lastDigest();
    const raw = await simpleParser(readFileSync(join(ws.outbox, mail.file)));
    const png = PNG.sync.read(raw.attachments.find((a) => a.contentType === 'image/png')!.content);
    expect(png.width).toBeGreaterThan(400); // 2x for sharp screens
    expect(png.height).toBeGreaterThan(120);
    const all = ink(png);
    expect(all.share).toBeGreaterThan(0.02);
    expect(all.colours).toBeGreaterThan(10);
    // The title band (价格走势) has glyphs in it: a missing CJK font would leave it empty.
    const title = ink(png, { x0: 0, y0: 0, x1: Math.floor(png.width / 3), y1: Math.floor(png.height * 0.2) });
    expect(title.share).toBeGreaterThan(0.03);
    // The line is drawn in the chart's blue.
    let blue = 0;
    for (let i = 0; i < png.data.length; i += 4) if (png.data[i]! < 60 && png.data[i + 2]! > 140) blue++;
    expect(blue).toBeGreaterThan(200);
  });

  it('renders Chinese text in a chart with the configured CJK fonts (not blank boxes)', async () => {
    expect(chartFonts(true), 'no CJK font found: install fonts-noto-cjk or fonts-wqy-zenhei').not.toBeNull();
    const points = [
      { at: '2024-05-01T00:00:00Z', amount: 100 },
      { at: '2024-05-09T00:00:00Z', amount: 90 },
    ];
    const base = { points, currencySymbol: '¥', locale: 'zh-CN' as const, timeZone: 'Asia/Shanghai' };
    const withTitle = PNG.sync.read((await renderPriceChart({ ...base, title: '价格走势价格走势' })).png);
    const band = { x0: 0, y0: 0, x1: Math.floor(withTitle.width / 2), y1: 30 };
    expect(ink(withTitle, band).share).toBeGreaterThan(0.05);
  });

  it.skipIf(!haveBrowser)('holds its layout at 600 px in headless Chromium: not blank, no horizontal overflow, images load', async () => {
    const { html } = await lastDigest();
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
    try {
      const page = await browser.newPage({ viewport: { width: 600, height: 900 } });
      await page.goto(`file://${html}`);
      const layout = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        bodyWidth: document.body.scrollWidth,
        images: [...document.images].map((i) => ({ ok: i.complete && i.naturalWidth > 0, width: i.getBoundingClientRect().width })),
        scripts: document.scripts.length,
        text: document.body.innerText,
      }));
      expect(layout.scrollWidth).toBeLessThanOrEqual(600);
      expect(layout.bodyWidth).toBeLessThanOrEqual(600);
      expect(layout.images.length).toBe(3);
      for (const img of layout.images) {
        expect(img.ok).toBe(true);
        expect(img.width).toBeLessThanOrEqual(600);
      }
      expect(layout.scripts).toBe(0);
      expect(layout.text).toContain('竞品价格');
      const shot = PNG.sync.read(await page.screenshot({ fullPage: true }));
      expect(shot.width).toBe(600);
      const s = ink(shot);
      expect(s.share).toBeGreaterThan(0.01);
      expect(s.colours).toBeGreaterThan(50);
      // Narrower than a phone: still no sideways scrolling.
      await page.setViewportSize({ width: 360, height: 800 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    } finally {
      await browser.close();
    }
  });

  it('writes one .eml and one browser preview per digest', () => {
    const files = readdirSync(ws.outbox);
    const emls = files.filter((f) => f.endsWith('.eml'));
    expect(emls.length).toBeGreaterThan(0);
    for (const f of emls) expect(files).toContain(f.replace(/\.eml$/, '.html'));
  });
});
