/**
 * The console's point-and-click target builder: a page rendered in headless Chromium, every
 * element clickable on its screenshot, and for the element clicked the suggestion engine's
 * proposal with its items and fields highlighted. Saving goes through createTarget (validated as
 * `radar validate` does) like any other new target; nothing here writes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseFieldSelector } from '../config/field-selector.js';
import type { ItemsProposal } from '../extract/suggest-items.js';
import type { Box, ElementBox, Highlighter } from '../fetch/page-capture.js';
import { oldSelectorsOn, type RepairStart } from './builder-repair.js';
import { pagesView, planPages, type PagesPlan, type PagesView, type TypedPages } from './builder-pages.js';
import { requireAction, type Principal } from './access.js';
import type { ServiceContext } from './context.js';
import { RadarError } from '../core/errors.js';
import { FetchFailure } from '../core/verdict.js';
import { scratchTarget } from './builder-target.js';
import type { Target } from '../config/target-schema.js';

type OldReading = Awaited<ReturnType<typeof oldSelectorsOn>>;

export interface BuilderView {
  url: string;
  status: number;
  width: number;
  height: number;
  /** The screenshot as a data: URL (the console's CSP allows data: images, nothing else inline). */
  image: string;
  boxes: ElementBox[];
  highlights: Record<string, Box[]>;
  proposal: ItemsProposal | null;
  /** What was clicked ("span.price"), when something was. */
  picked: string | null;
  /** The clicks in force: the product clicked and the next link clicked (a click on a page link is the latter). */
  pick: number[] | null;
  nextPick: number[] | null;
  /** Further pages: how they are reached, page 2 as read, every selector counted on each page. */
  pages: PagesView;
  /** Repairing a target: its old selectors as they read on this page (null otherwise). */
  old: OldReading | null;
  /**
   * The items are drawn by the page's script: none in the page as sent (read as an http target
   * would: by the proposal's selector, or its JSON-LD), `rendered` after rendering. The target must be read in a browser. Null when the
   * page as sent has them too, or it could not be told (no proposal, recorded steps, a repair).
   */
  needsBrowser: NeedsBrowser | null;
}

/** Why a page must be read in a browser: its `each` items, or its JSON-LD products, come only with its script. */
export type NeedsBrowser = { source: 'css' | 'microdata'; each: string; rendered: number } | { source: 'json-ld'; each: null; rendered: number };

/** Selectors the user typed or changed: previewed and highlighted instead of a fresh proposal. */
export interface TypedSelectors {
  each: string;
  key: string | null;
  fields: Partial<Record<'name' | 'price' | 'url' | 'stock', string>>;
}

export async function builderView(
  ctx: ServiceContext,
  who: Principal | null,
  req: { url: string; pick?: number[] | null; click?: number[] | null; nextPick?: number[] | null; typed?: TypedSelectors | null; typedPages?: TypedPages | null; old?: RepairStart['old']; session?: string | null },
): Promise<BuilderView> {
  requireAction(who, 'targets.write');
  const target = scratchTarget(req.url);
  // Loaded on first use: a console at rest holds no parser or browser code.
  const [{ capturePage }, { suggestItems, previewSelectors }, pagesEngine, { captureSteps, stepRecorder }] = await Promise.all([
    import('../fetch/page-capture.js'),
    import('../extract/suggest-items.js'),
    import('../extract/suggest-pages.js'),
    import('./builder-steps.js'),
  ]);
  // One browser and one queue per host for every builder page (not a Chromium per click).
  const rec = stepRecorder(ctx);
  let proposal: ItemsProposal | null = null;
  let pick = req.pick ?? null;
  let nextPick = req.nextPick ?? null;
  let plan: PagesPlan = { proposal: null, config: null, page2: null };
  let first = { url: req.url, html: '' };
  const highlight: Highlighter = (html, finalUrl) => {
    // A click on "下一页" (or a page number) sets the pagination; any other click picks the product.
    if (req.click) {
      if (pagesEngine.isNextClick(html, req.click, finalUrl)) nextPick = req.click;
      else pick = req.click;
    }
    first = { url: finalUrl, html };
    plan = planPages(pagesEngine, html, finalUrl, { nextPick, typed: req.typedPages ?? null });
    proposal = req.typed?.each ? previewSelectors(html, req.typed, { url: finalUrl }) : suggestItems(html, { url: finalUrl, pick });
    const p = proposal as ItemsProposal | null;
    if (!p?.each) return null;
    const fields: Record<string, string> = {};
    for (const [name, spec] of Object.entries(p.fields)) fields[name] = parseFieldSelector(spec).css;
    return { items: p.each, fields };
  };
  // With recorded steps, the live page after them (a city chosen, more loaded) is what gets pictured.
  const capturing = req.session
    ? captureSteps(ctx, who, req.session, highlight)
    : capturePage(req.url, target, { schedule: (u, t) => rec.schedule(u, t, target.fetch.min_interval_ms) }, highlight, () => plan.page2, rec.borrow);
  const cap = await capturing.catch((e: unknown) => {
    // robots.txt, a timeout, no browser: said on the builder's page, not as a server error.
    throw e instanceof FetchFailure ? new RadarError('fetch', e.failure.message, { field: 'url' }) : e;
  });
  const pickedBox = pick ? cap.boxes.find((b) => b.path.join('.') === pick!.join('.')) : undefined;
  const nextBox = plan.proposal ? cap.boxes.find((b) => b.path.join('.') === plan.proposal!.path.join('.')) : undefined;
  const pages = await pagesView(plan, first, cap.followed ?? null, proposal);
  const old = req.old ? await oldSelectorsOn(first.html, first.url, req.old) : null;
  const p = proposal as ItemsProposal | null;
  // Recorded steps already make it a browser target, and a repair keeps the target's mode.
  const needsBrowser =
    !req.session && !req.old && p && p.count > 0 && (p.source === 'json-ld' || p.each) && (await itemsAsSent(req.url, target, p, (u, t) => rec.schedule(u, t, target.fetch.min_interval_ms))) === 0
      ? needsBrowserFor(p)
      : null;
  return {
    url: cap.url,
    status: cap.status,
    width: cap.width,
    height: cap.height,
    image: `data:image/jpeg;base64,${cap.screenshot.toString('base64')}`,
    boxes: cap.boxes,
    highlights: { ...cap.highlights, ...(nextBox ? { next: [nextBox] } : {}) },
    proposal,
    picked: pickedBox?.label ?? null,
    pick,
    nextPick,
    pages,
    old,
    needsBrowser,
  };
}

function needsBrowserFor(p: ItemsProposal): NeedsBrowser {
  return p.source === 'json-ld' ? { source: 'json-ld', each: null, rendered: p.count } : { source: p.source, each: p.each!, rendered: p.count };
}

/**
 * How many of the proposal's products the page holds as an http target reads it (plain HTTP,
 * robots.txt, the host's queue): its `each` matches, or its JSON-LD products (JSON-LD a script
 * inserts is not in the page as sent); null when that page cannot be read (then nothing is concluded).
 */
async function itemsAsSent(url: string, target: Target, p: ItemsProposal, schedule: <T>(url: string, task: () => Promise<T>) => Promise<T>): Promise<number | null> {
  const [{ httpFetcher }, { countAsProposed }] = await Promise.all([import('../fetch/http-fetcher.js'), import('../extract/suggest-items.js')]);
  try {
    const page = await httpFetcher.fetchPage(url, { ...target, fetch: { ...target.fetch, mode: 'http' } }, { schedule });
    if (page.status >= 400) return null;
    return countAsProposed(page.text, p, { url: page.url });
  } catch {
    return null;
  }
}

/** The diff a save would make: every line new for a new file, else old and new lines marked. */
export function fileDiff(ctx: ServiceContext, id: string, text: string, existing?: string): { file: string; lines: { sign: '+' | '-' | ' '; line: string }[] } {
  const file = existing ?? join(ctx.paths.scrapersDir, `${id}.yaml`);
  const label = `scrapers/${basename(file)}`;
  const old = existsSync(file) ? readFileSync(file, 'utf8').replace(/\n$/, '').split('\n') : [];
  const next = text.replace(/\n$/, '').split('\n');
  if (!old.length) return { file: label, lines: next.map((t) => ({ sign: '+', line: t })) };
  const keep = new Set(old);
  const have = new Set(next);
  return { file: label, lines: [...old.filter((l) => !have.has(l)).map((t) => ({ sign: '-' as const, line: t })), ...next.map((t) => ({ sign: keep.has(t) ? (' ' as const) : ('+' as const), line: t }))] };
}

/** "1.2.0.3" from a form or link → [1, 2, 0, 3]; anything else → null. */
export function parsePick(s: string): number[] | null {
  if (!/^\d{1,4}(\.\d{1,4}){0,60}$/.test(s)) return null;
  return s.split('.').map(Number);
}
