/**
 * The console builder's view of a page: rendered in the same headless Chromium, with the same
 * User-Agent, as a `mode: browser` run; a screenshot, the box of every visible element (so a
 * click on the picture can name an element), and the boxes of whatever selectors the caller
 * wants highlighted once it has read the page's HTML.
 */
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Target } from '../config/target-schema.js';
import { FetchFailure } from '../core/verdict.js';
import { USER_AGENT } from '../core/version.js';
import { findBrowser, launchArgs } from './browser.js';
import { defaultHeaders } from './http.js';
import { checkRobots } from './polite.js';
import type { FetchContext } from './types.js';

const requireLazy = createRequire(import.meta.url);

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** An element on the picture: where it is, its element-child path from <html>, and what it is. */
export interface ElementBox extends Box {
  path: number[];
  label: string;
}

export interface Capture {
  url: string;
  status: number;
  html: string;
  /** JPEG of the page from the top, at most MAX_HEIGHT tall. */
  screenshot: Buffer;
  width: number;
  height: number;
  boxes: ElementBox[];
  /** Boxes of each selector asked for by `highlight` (first match inside each item for fields). */
  highlights: Record<string, Box[]>;
  /** The page `follow` named (the listing's page 2), read in the same browser after the picture. */
  followed?: Followed | null;
}

/** Page 2 read, or why not (robots.txt, a timeout): the first page is still worth showing. */
export type Followed = { url: string; status: number; html: string } | { url: string; error: string };

/** Which page to read next, decided from the first page's HTML (null: none). */
export type Follower = (html: string, finalUrl: string) => string | null;

export const VIEW_WIDTH = 1280;
const MAX_HEIGHT = 4000;
const MAX_BOXES = 1500;

/** What to highlight, decided from the page's HTML: `items` is a selector, the rest are read inside each item. */
export type Highlighter = (html: string, finalUrl: string) => { items?: string; fields?: Record<string, string> } | null;

/** `shared`: a running browser to open the page in (the builder's), instead of starting one for this page. */
export async function capturePage(url: string, target: Target, ctx: FetchContext, highlight?: Highlighter, follow?: Follower, shared?: () => Promise<Browser>): Promise<Capture> {
  // One page a person asked to see: robots.txt and the host's queue, no retries.
  await checkRobots(url, target, ctx);
  return ctx.schedule(url, async () => {
    const browser = shared ? await shared() : await launchOwn(url);
    let context: BrowserContext | null = null;
    try {
      context = await browser.newContext({ userAgent: USER_AGENT, viewport: { width: VIEW_WIDTH, height: 800 }, extraHTTPHeaders: { 'accept-language': defaultHeaders()['accept-language']! }, serviceWorkers: 'block' });
      const page = await context.newPage();
      page.setDefaultTimeout(target.fetch.timeout_ms);
      const res = await page.goto(url, { waitUntil: 'load', timeout: target.fetch.timeout_ms });
      await page.waitForLoadState('networkidle', { timeout: 3000 }).catch(() => undefined);
      const first = await captureLoaded(page, res?.status() ?? 200, highlight);
      const nextUrl = follow?.(first.html, first.url) ?? null;
      return { ...first, followed: nextUrl ? await readAlso(page, nextUrl, target, ctx) : null };
    } catch (err) {
      if (err instanceof FetchFailure) throw err;
      throw new FetchFailure({ class: 'network', message: `could not render ${url}: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`, url }, err);
    } finally {
      if (shared) await context?.close().catch(() => undefined);
      else await browser.close().catch(() => undefined);
    }
  });
}

/** One more page of the listing, in the same tab; robots.txt asked first, as for the first. */
async function readAlso(page: Page, url: string, target: Target, ctx: FetchContext): Promise<Followed> {
  try {
    await checkRobots(url, target, ctx);
    const res = await page.goto(url, { waitUntil: 'load', timeout: target.fetch.timeout_ms });
    await page.waitForLoadState('networkidle', { timeout: 3000 }).catch(() => undefined);
    return { url: page.url(), status: res?.status() ?? 200, html: await page.content() };
  } catch (err) {
    return { url, error: (err instanceof FetchFailure ? err.failure.message : err instanceof Error ? err.message : String(err)).split('\n')[0]! };
  }
}

async function launchOwn(url: string): Promise<Browser> {
  const found = findBrowser();
  if ('missing' in found) throw new FetchFailure({ class: 'browser_missing', message: found.missing, url });
  const { chromium } = requireLazy('playwright-core') as typeof import('playwright-core');
  return chromium.launch({ executablePath: found.path, headless: true, args: launchArgs(), timeout: 60_000 });
}

/** The picture, boxes and highlights of a page already loaded (the builder's live step sessions too). */
export async function captureLoaded(page: Page, status: number, highlight?: Highlighter): Promise<Capture> {
  const html = await page.content();
  const boxes = await elementBoxes(page);
  const wanted = highlight?.(html, page.url()) ?? null;
  const highlights = wanted ? await highlightBoxes(page, wanted) : {};
  const full = await page.evaluate(() => document.documentElement.scrollHeight);
  const height = Math.min(MAX_HEIGHT, Math.max(1, full));
  const screenshot = await page.screenshot({ type: 'jpeg', quality: 70, fullPage: true, clip: { x: 0, y: 0, width: VIEW_WIDTH, height } });
  return { url: page.url(), status, html, screenshot, width: VIEW_WIDTH, height, boxes: boxes.filter((b) => b.y < height), highlights };
}

async function elementBoxes(page: Page): Promise<ElementBox[]> {
  return page.evaluate((max) => {
    const out: { x: number; y: number; w: number; h: number; path: number[]; label: string }[] = [];
    const walk = (el: Element, path: number[]) => {
      if (out.length >= max) return;
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      const visible = r.width >= 6 && r.height >= 6 && style.visibility !== 'hidden' && style.display !== 'none';
      if (visible && path.length > 1) {
        const cls = [...el.classList].slice(0, 2).join('.');
        out.push({ x: Math.round(r.left + scrollX), y: Math.round(r.top + scrollY), w: Math.round(r.width), h: Math.round(r.height), path, label: el.tagName.toLowerCase() + (cls ? '.' + cls : '') });
      }
      if (style.display === 'none' || ['SCRIPT', 'STYLE', 'SVG', 'svg', 'NOSCRIPT', 'SELECT'].includes(el.tagName)) return;
      [...el.children].forEach((c, i) => walk(c, [...path, i]));
    };
    walk(document.documentElement, []);
    return out;
  }, MAX_BOXES);
}

async function highlightBoxes(page: Page, wanted: { items?: string; fields?: Record<string, string> }): Promise<Record<string, Box[]>> {
  return page.evaluate((w) => {
    const box = (el: Element | null) => {
      if (!el) return null;
      const r = el.getBoundingClientRect();
      return { x: Math.round(r.left + scrollX), y: Math.round(r.top + scrollY), w: Math.round(r.width), h: Math.round(r.height) };
    };
    const out: Record<string, { x: number; y: number; w: number; h: number }[]> = {};
    let items: Element[] = [];
    try {
      items = w.items ? [...document.querySelectorAll(w.items)] : [];
    } catch {
      items = [];
    }
    out.items = items.map(box).filter((b) => b !== null);
    for (const [name, css] of Object.entries(w.fields ?? {})) {
      out[name] = items
        .map((it) => {
          try {
            return box(css ? it.querySelector(css) : it);
          } catch {
            return null;
          }
        })
        .filter((b) => b !== null);
    }
    return out;
  }, wanted);
}
