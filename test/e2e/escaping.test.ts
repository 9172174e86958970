import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type FixtureServer } from '../helpers/server.js';
import { makeWorkspace, type Workspace } from '../helpers/workspace.js';

const CHROMIUM = process.env.RADAR_CHROMIUM ?? '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser) console.warn(`escaping: no Chromium at ${CHROMIUM} (set RADAR_CHROMIUM); the browser check is skipped`);

/** What a hostile or broken shop page might put where a product name should be. */
const SCRIPT = '<script>document.body.dataset.pwned="script"</script>';
const ATTR = '"><img src=x onerror="document.body.dataset.pwned=\'img\'">';
const MUSTACHE = "{{constructor.constructor('return process')()}} {{{raw}}} {{> partial}}";

const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Handlebars' HTML escaping: also ' ` and = (so no value can end an unquoted attribute). */
const hbs = (s: string) => html(s).replace(/'/g, '&#x27;').replace(/`/g, '&#x60;').replace(/=/g, '&#x3D;');

describe('scraped text is untrusted: escaped in the HTML part, literal in the text part', () => {
  let site: FixtureServer;
  let ws: Workspace;
  let phase = 0;

  beforeAll(async () => {
    // Names arrive HTML-encoded in the page, as a shop would serve them; extraction decodes them to the raw strings.
    const item = (id: string, name: string, price: number, href = `/p/${id}`) => `<div class="p" data-id="${id}"><a class="n" href="${html(href)}">${html(name)}</a><i class="pr">¥${price}</i></div>`;
    site = await startServer({
      '/list': (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          item('s', `Widget ${SCRIPT}`, phase ? 800 : 1000) +
            item('a', `Gadget ${ATTR}`, phase ? 700 : 1000, 'javascript:alert(1)') +
            item('m', `Gizmo ${MUSTACHE}`, phase ? 600 : 1000) +
            (phase ? item('new', `New ${SCRIPT}${ATTR}${MUSTACHE}`, 500) : ''),
        );
      },
    });
    ws = makeWorkspace();
    ws.writeTarget('x.yaml', `id: evil-shop\ncompetitor: "Evil <b>Shop</b>"\nregion: south\nfetch: { url: "${site.url}/list", min_interval_ms: 0, retries: 0 }\nitems: { each: ".p", key: "@data-id", fields: { name: ".n", price: ".pr", url: "a@href" } }\n`);
    await ws.radar('run', '--no-progress');
    phase = 1;
    await ws.radar('run', '--no-progress');
  }, 120_000);

  afterAll(async () => {
    await site?.close();
    ws?.cleanup();
  });

  const digest = async () => {
    const mails = await ws.emails();
    expect(mails).toHaveLength(1);
    const file = join(ws.outbox, mails[0]!.file);
    return { parsed: await simpleParser(readFileSync(file), { keepCidLinks: true }), preview: file.replace(/\.eml$/, '.html') };
  };

  it('escapes <script>, attribute breakouts and template syntax in the HTML part', async () => {
    const { parsed } = await digest();
    const body = String(parsed.html);
    expect(body).not.toMatch(/<script/i);
    expect(body).not.toMatch(/<img src=x/i);
    expect(body).not.toMatch(/onerror="/i);
    expect(body).not.toContain('<b>Shop</b>');
    expect(body).toContain(hbs(SCRIPT));
    expect(body).toContain(hbs(ATTR));
    expect(body).toContain('Evil &lt;b&gt;Shop&lt;/b&gt;');
    // Data is never compiled as a template: the braces arrive as typed.
    expect(body).toContain(hbs(MUSTACHE));
    // A javascript: link is shown as text, never put in an href.
    expect(body).not.toMatch(/href="javascript:/i);
    // Chart alt text is an attribute too.
    for (const alt of body.match(/alt="[^"]*"/g) ?? []) expect(alt).not.toMatch(/alt="[^"]*[<>][^"]*"/);
  });

  it('keeps the same text literal (not interpreted, not evaluated) in the text part and the subject', async () => {
    const { parsed } = await digest();
    const text = parsed.text ?? '';
    expect(text).toContain(`Widget ${SCRIPT}: ¥1,000 -> ¥800 (-20%)`);
    expect(text).toContain(`Gadget ${ATTR}: ¥1,000 -> ¥700 (-30%)`);
    expect(text).toContain(`Gizmo ${MUSTACHE}: ¥1,000 -> ¥600 (-40%)`);
    expect(text).toContain(`New ${SCRIPT}${ATTR}${MUSTACHE}`);
    expect(text).not.toContain('[object');
    expect(text).not.toContain('&lt;');
    expect(parsed.subject).toContain('Evil <b>Shop</b>');
  });

  it.skipIf(!haveBrowser)('runs nothing when the HTML is opened in a browser', async () => {
    const { preview } = await digest();
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
    try {
      const page = await browser.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await page.goto(`file://${preview}`);
      await page.waitForTimeout(300);
      const seen = await page.evaluate(() => ({
        pwned: document.body.dataset.pwned ?? null,
        scripts: document.scripts.length,
        handlers: [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length,
        links: [...document.links].map((a) => a.href).filter((h) => !/^https?:/.test(h)),
        text: document.body.innerText,
      }));
      expect(seen).toMatchObject({ pwned: null, scripts: 0, handlers: 0, links: [] });
      expect(dialogs).toEqual([]);
      expect(seen.text).toContain(SCRIPT);
      expect(seen.text).toContain(MUSTACHE);
    } finally {
      await browser.close();
    }
  });
});
