/**
 * Every kind of digest as its reader sees it: regional (prices, comparison), sales ops, HR, manager
 * and the salesperson's card, each in Chinese and English, in headless Chromium at 600 px (a phone,
 * or a narrow mail pane) and 1,200 px. The alerts come from real runs (a fixture shop, the sample
 * HR exports, small CRM exports); screenshots are written to RADAR_SCREENSHOTS (or a temp folder)
 * for a person to look at. Checked: the smallest text, images never scaled below their size,
 * no sideways scrolling, and the faults of issue 22 (footers, tracking links, column labels,
 * ambiguous dates, a header breaking, the ack id breaking, the heat map's legend).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locale, Recipient } from '../../src/alerts/route.js';
import { ownersSchema } from '../../src/config/rules-schema.js';
import { renderDigest } from '../../src/deliver/render.js';
import { runHealthJob } from '../../src/health/job.js';
import { runAttritionJob } from '../../src/signals/job.js';
import { Outbox, type StoredAlert } from '../../src/store/outbox.js';
import { oneWeekWindows, writeRules, writeSmallExports } from '../health/fixtures.js';
import { startServer, type FixtureServer } from '../helpers/server.js';
import { makeWorkspace, REPO, type Workspace } from '../helpers/workspace.js';

const CHROMIUM = process.env.RADAR_CHROMIUM ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);

type Kind = Recipient['role'];
const KINDS: Kind[] = ['region', 'ops', 'hr', 'manager', 'person'];
const LOCALES: Locale[] = ['zh-CN', 'en'];
const WIDTHS = [600, 1200];
const NOW = new Date('2026-11-23T01:00:00Z');

interface Measured {
  scrollWidth: number;
  /** Smallest font size of any visible text, CSS px. */
  minText: { size: number; text: string };
  images: { alt: string; natural: number; shown: number }[];
  text: string;
  hrefs: string[];
  /** Header cells: text, height, one line's height. */
  ths: { text: string; height: number; line: number }[];
  /** <code> elements: text and how many line boxes they take. */
  codes: { text: string; lines: number }[];
}

interface Shot {
  kind: Kind;
  locale: Locale;
  width: number;
  m: Measured;
  png: PNG;
}

const shots: Shot[] = [];
const shot = (kind: Kind, locale: Locale, width: number) => shots.find((s) => s.kind === kind && s.locale === locale && s.width === width)!;

/** Share of non-white pixels. */
function ink(png: PNG): number {
  let dark = 0;
  for (let i = 0; i < png.data.length; i += 4) if (png.data[i]! + png.data[i + 1]! + png.data[i + 2]! < 600) dark++;
  return dark / (png.width * png.height);
}

/** Text sizes the heat map and chart images are drawn with (heatmap.ts, charts.ts), at their natural size. */
const IMAGE_MIN_TEXT = 11;

describe.skipIf(!haveBrowser)('each digest as its reader sees it, at 600 px and 1,200 px', () => {
  let site: FixtureServer;
  let ws: Workspace;
  let out: string;
  let health: string;
  let price = 3299;

  beforeAll(async () => {
    out = process.env.RADAR_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'radar-screens-'));
    mkdirSync(out, { recursive: true });
    // A shop called Delta (a name that reads like Δ), with tracking parameters on its links.
    site = await startServer({
      '/delta': (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          [
            { sku: 'N8', name: 'Delta 空调 KFR-35GW/N8 1.5匹 新一级能效', price: `¥${price}` },
            { sku: 'DH', name: 'Delta 除湿机 DH-20L', price: `¥${price === 3299 ? 1299 : 999}` },
          ]
            .map((p) => `<li class="product" data-sku="${p.sku}"><a href="https://shop.example/item.htm?spm=a21.list.${p.sku}&id=${p.sku}&utm_source=feed"><span class="title">${p.name}</span></a><span class="price">${p.price}</span></li>`)
            .join(''),
        );
      },
    });
    ws = makeWorkspace();
    ws.writeTarget('delta.yaml', `id: delta-prices\ncompetitor: Delta\nregion: east\nfetch: { url: "${site.url}/delta", min_interval_ms: 0, retries: 0 }\nitems: { each: ".product", key: "@data-sku", fields: { name: ".title", price: ".price", url: "a@href" } }\n`);
    ws.writeTarget('broken.yaml', 'id: broken\ncompetitor: Broken\nregion: east\nfetch: { url: "http://127.0.0.1:9/x", colour: red }\n');
    mkdirSync(join(ws.home, 'data'));
    writeFileSync(join(ws.home, 'data', 'pricelist.csv'), '商品编码,商品名称,型号,品牌,品类,指导价,华东价,华南价,条码\nR-KFR35,Radar 空调 KFR-35GW/R1 1.5匹,KFR-35GW/R1,Radar,空调,3299,3199,3099,\n');
    ws.writeRule('compare.yaml', 'undercut_percent: { default: 5 }\n');
    ws.writeRule('matches.yaml', 'matches:\n  - { our_sku: R-KFR35, competitor: Delta, key: N8 }\n');
    ws.writeRule('price.yaml', 'alert_when: { change_percent: 3, change_abs: 0 }\n');
    expect((await ws.radar('run', '--no-progress')).code).toBeLessThan(2);
    price = 2899;
    expect((await ws.radar('run', '--no-progress')).code).toBeLessThan(2);

    // HR: the attrition job on the sample exports.
    for (const f of ['signals.yaml', 'attrition.yaml']) copyFileSync(join(REPO, 'rules', f), join(ws.home, 'rules', f));
    const hr = await runAttritionJob({ rulesDir: join(ws.home, 'rules'), stateDir: ws.state, now: NOW, samplesDir: join(REPO, 'data', 'samples') });
    // Managers and cards: the health job on small CRM exports (12 metrics, a team of two).
    health = mkdtempSync(join(tmpdir(), 'radar-screens-health-'));
    writeSmallExports(join(health, 'exports'));
    const rules = writeRules(join(health, 'rules'), (y) => oneWeekWindows(y).replace('cards: false', 'cards: true'));
    const hj = await runHealthJob({ rulesDir: rules, stateDir: join(health, 'state'), now: NOW, samplesDir: join(health, 'exports') });

    const outbox = new Outbox(ws.state);
    outbox.record([...hr.alerts, ...hj.alerts], NOW);
    const all = Object.values(outbox.data.alerts) as StoredAlert[];
    const managerOf = (a: StoredAlert) => (a.audience.kind === 'manager' ? a.audience.email : null);
    const firstManager = all.map(managerOf).find((e) => e !== null);
    const byKind: Record<Kind, StoredAlert[]> = {
      region: all.filter((a) => a.audience.kind === 'region'),
      ops: all.filter((a) => a.audience.kind === 'ops'),
      hr: all.filter((a) => a.audience.kind === 'hr'),
      manager: all.filter((a) => managerOf(a) === firstManager),
      person: all.filter((a) => a.audience.kind === 'person').slice(0, 1),
    };
    expect(byKind.region.map((a) => a.topic).sort()).toEqual(expect.arrayContaining(['comparison', 'price']));
    expect(byKind.ops.length).toBeGreaterThan(0);
    expect(byKind.hr.length).toBeGreaterThan(0);
    expect(byKind.manager.map((a) => a.topic)).toContain('team');
    expect(byKind.person.length).toBe(1);

    const owners = ownersSchema.parse({
      regions: { east: { name: '华东', name_en: 'East China', owners: ['east-head@example.com'] } },
      ops: ['sales-ops@example.com'],
      hr: ['hr-partner@example.com'],
    });
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
    try {
      const page = await browser.newPage({ viewport: { width: 600, height: 900 } });
      for (const kind of KINDS) {
        for (const locale of LOCALES) {
          const email = await renderDigest({ templatesDir: join(REPO, 'templates'), recipient: { email: `${kind}@example.com`, locale, role: kind }, owners, now: NOW, alerts: byKind[kind], stateDir: ws.state, charts: 10 });
          let html = email.html;
          email.images.forEach((img, i) => {
            const f = join(out, `${kind}-${locale}-img${i}.png`);
            writeFileSync(f, img.png);
            html = html.split(`cid:${img.cid}`).join(`file://${f}`);
          });
          const file = join(out, `${kind}-${locale}.html`);
          writeFileSync(file, html);
          for (const width of WIDTHS) {
            await page.setViewportSize({ width, height: 900 });
            await page.goto(`file://${file}`);
            const m = await page.evaluate(() => {
              let min = { size: Infinity, text: '' };
              const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
              for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                const text = n.textContent?.trim() ?? '';
                if (!text) continue;
                const el = n.parentElement!;
                const range = document.createRange();
                range.selectNodeContents(n);
                if (range.getBoundingClientRect().width === 0) continue;
                const size = parseFloat(getComputedStyle(el).fontSize);
                if (size < min.size) min = { size, text: text.slice(0, 40) };
              }
              const lineOf = (el: Element) => {
                const cs = getComputedStyle(el);
                return cs.lineHeight === 'normal' ? parseFloat(cs.fontSize) * 1.4 : parseFloat(cs.lineHeight);
              };
              return {
                scrollWidth: document.documentElement.scrollWidth,
                minText: min,
                images: [...document.images].map((i) => ({ alt: i.alt, natural: Number(i.getAttribute('width')), shown: i.getBoundingClientRect().width })),
                text: document.body.innerText,
                hrefs: [...document.links].map((a) => a.getAttribute('href') ?? ''),
                ths: [...document.querySelectorAll('th')].map((th) => ({ text: (th as HTMLElement).innerText.trim(), height: th.getBoundingClientRect().height, line: lineOf(th) })),
                codes: [...document.querySelectorAll('code')].map((c) => ({ text: c.textContent ?? '', lines: c.getClientRects().length })),
              };
            });
            const buf = await page.screenshot({ fullPage: true, path: join(out, `${kind}-${locale}-${width}.png`) });
            shots.push({ kind, locale, width, m, png: PNG.sync.read(buf) });
          }
        }
      }
    } finally {
      await browser.close();
    }
  }, 300_000);

  afterAll(async () => {
    await site?.close();
    ws?.cleanup();
    if (health) rmSync(health, { recursive: true, force: true });
    if (!process.env.RADAR_SCREENSHOTS && out) rmSync(out, { recursive: true, force: true });
  });

  it('draws every digest, never scrolls sideways, and keeps all text at 11 px or more on a phone (images included)', () => {
    expect(shots).toHaveLength(KINDS.length * LOCALES.length * WIDTHS.length);
    const smallest: string[] = [];
    for (const s of shots) {
      const where = `${s.kind} ${s.locale} ${s.width}px`;
      expect(s.png.width, where).toBe(s.width);
      expect(ink(s.png), where).toBeGreaterThan(0.01);
      expect(s.m.scrollWidth, where).toBeLessThanOrEqual(s.width);
      expect(s.m.minText.size, `${where}: "${s.m.minText.text}"`).toBeGreaterThanOrEqual(11);
      // Charts and heat maps carry their own text: shown at their natural size or larger, it stays >= 11 px.
      for (const img of s.m.images) expect(IMAGE_MIN_TEXT * (img.shown / img.natural), `${where}: ${img.alt}`).toBeGreaterThanOrEqual(11 - 0.05);
      if (s.width === 600) smallest.push(`${where}: ${s.m.minText.size}px`);
    }
    console.log(`digest screenshots in ${out}; smallest text at 600 px: ${smallest.join(', ')}`);
  });

  it('gives each kind of digest its own footer: only the regional one speaks of competitor data', () => {
    for (const locale of LOCALES) {
      const zh = locale === 'zh-CN';
      expect(shot('region', locale, 600).m.text).toContain(zh ? '读取自公开页面' : 'read from public pages');
      for (const kind of ['ops', 'hr', 'manager', 'person'] as const) expect(shot(kind, locale, 600).m.text, `${kind} ${locale}`).not.toMatch(/公开页面|竞品|public pages|[Cc]ompetitor/);
      expect(shot('hr', locale, 600).m.text).toContain(zh ? '只发给 HR 名单' : 'to the HR list only');
      expect(shot('manager', locale, 600).m.text).toContain(zh ? '你是这些团队的经理' : 'as the manager of these teams');
    }
  });

  it('shows links without tracking parameters, columns by name, and dates that read one way', () => {
    for (const locale of LOCALES) {
      const r = shot('region', locale, 1200).m;
      const shopLinks = r.hrefs.filter((h) => h.includes('shop.example'));
      expect(shopLinks.length).toBeGreaterThan(0);
      for (const h of shopLinks) expect(h).toMatch(/^https:\/\/shop\.example\/item\.htm\?id=(N8|DH)$/);
      expect(r.ths.map((t) => t.text)).not.toContain('Δ%');
      expect(r.ths.map((t) => t.text)).toContain(locale === 'en' ? 'Change' : '涨跌');
      expect(r.ths.map((t) => t.text)).toContain(locale === 'en' ? 'Price index' : '价格指数');
      for (const k of KINDS) {
        const text = shot(k, locale, 600).m.text;
        expect(text, `${k} ${locale}`).not.toMatch(/\b\d\d\/\d\d\/\d{4}\b/);
        // The generation time in the header: 23 Nov 2026 / 2026年11月23日.
        expect(text).toContain(locale === 'en' ? '23 Nov 2026, 09:00' : '2026年11月23日 09:00');
      }
    }
  });

  it('keeps the 价格指数 header on one line at 600 px', () => {
    const th = shot('region', 'zh-CN', 600).m.ths.find((t) => t.text === '价格指数')!;
    expect(th.height).toBeLessThan(th.line * 1.8);
  });

  it('HR: each score with its band and standing, three different reasons, and the ack id as one unbroken token', () => {
    for (const locale of LOCALES) {
      for (const width of WIDTHS) {
        const m = shot('hr', locale, width).m;
        expect(m.text).toMatch(locale === 'en' ? /(high|elevated)\s+above \d+% of the \d+ people scored this week/ : /(高|偏高)\s+高于本周 \d+ 位受评人中的 \d+%/);
        expect(m.text).not.toMatch(/^100$/m);
        const ids = m.codes.filter((c) => /^p-[0-9a-f]{12}$/.test(c.text));
        expect(ids.length).toBeGreaterThan(0);
        for (const c of [...ids, ...m.codes.filter((c) => c.text.startsWith('npx radar signals ack'))]) expect(c.lines, `${locale} ${width}: ${c.text}`).toBe(1);
      }
    }
  });

  it('managers: the heat map at its natural size with a legend for ↑/↓, and sales ops to ask instead of a YAML file', () => {
    for (const locale of LOCALES) {
      const m = shot('manager', locale, 600).m;
      const maps = m.images.filter((i) => /heat map|热力图/.test(i.alt));
      expect(maps.length).toBeGreaterThan(0);
      for (const i of maps) expect(i.shown).toBe(i.natural);
      expect(m.text).toContain(locale === 'en' ? '↑3 / ↓3 after a name' : '姓名后的 ↑3 / ↓3');
      expect(m.text).toContain(locale === 'en' ? 'Sales ops set the metrics' : '由销售运营设定');
      for (const k of ['manager', 'person'] as const) expect(shot(k, locale, 600).m.text).not.toContain('rules/health.yaml');
    }
  });

  it('sales ops: each failure says what happened and what to do, in the reader\'s language', () => {
    expect(shot('ops', 'zh-CN', 600).m.text).toMatch(/配置文件有误[\s\S]*处理办法：按详情里的文件、行号和字段改正/);
    expect(shot('ops', 'en', 600).m.text).toMatch(/Broken target file[\s\S]*What to do: Fix it at the file, line and field/);
  });
});
