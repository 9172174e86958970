/**
 * Live pages for the console's step recorder: a person clicks, types, chooses and scrolls on a
 * page kept open in headless Chromium, each action is done there as a run would do it (the
 * scraper's own runStep), and the page is pictured again.
 *
 * One browser serves every builder session (a context each, so cookies a city choice sets stay
 * its own) and closes a while after the last session ends. A session ends when its person saves,
 * leaves it, opens another, or stays away for RADAR_BUILDER_IDLE_MS (10 minutes); at most
 * RADAR_BUILDER_SESSIONS (4) live at once, the least recently used giving way. Every page the
 * session loads, by address or by a click, asks robots.txt first and waits its turn in the
 * host's queue, as a run's pages do.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { stepSchema, type BrowserStep, type Target } from '../config/target-schema.js';
import { FetchFailure } from '../core/verdict.js';
import { USER_AGENT } from '../core/version.js';
import { findBrowser, launchArgs } from './browser.js';
import { describeStep, runStep, StepFailure } from './browser-steps.js';
import { HostQueues } from './host-queue.js';
import { defaultHeaders } from './http.js';
import { captureLoaded, VIEW_WIDTH, type Capture, type Highlighter } from './page-capture.js';
import { checkRobots } from './polite.js';
import { RobotsCache } from './robots.js';
import type { FetchContext } from './types.js';

const requireLazy = createRequire(import.meta.url);

/** A step as a person writes it in YAML: only what differs from the defaults. */
export type StepInput = Record<string, string | number | boolean>;

export interface LiveSession {
  readonly id: string;
  readonly owner: string;
  readonly url: string;
  readonly target: Target;
  steps: StepInput[];
  /** The picture after the last action (what the person clicks on next). */
  capture: Capture | null;
  /** What the last action said (a step that found nothing, a page robots.txt forbids); shown once. */
  notes: string[];
  lastUsed: number;
}

interface Live extends LiveSession {
  context: BrowserContext | null;
  page: Page | null;
  status: number;
  chain: Promise<unknown>;
  /** Actions running or waiting: the idle clock starts when the last one is done. */
  busy: number;
  timer: NodeJS.Timeout | null;
  robots: RobotsCache;
}

const envInt = (name: string, fallback: number) => {
  const n = Number(process.env[name]);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};

export class StepRecorder {
  private browser: Promise<Browser> | null = null;
  private browserTimer: NodeJS.Timeout | null = null;
  private readonly sessions = new Map<string, Live>();
  /** Builder pages are requests to the shop like a run's: one queue per host, across sessions. */
  private readonly queues = new HostQueues();
  private closed = false;
  readonly idleMs: number;
  readonly maxSessions: number;
  /** How long the browser stays up with no session (the next session starts faster). */
  readonly browserIdleMs: number;
  /** Browsers started, and contexts opened: what sharing one browser saves. */
  launches = 0;
  contextsOpened = 0;

  constructor(opts: { idleMs?: number; maxSessions?: number; browserIdleMs?: number } = {}) {
    this.idleMs = opts.idleMs ?? envInt('RADAR_BUILDER_IDLE_MS', 10 * 60_000);
    this.maxSessions = opts.maxSessions ?? envInt('RADAR_BUILDER_SESSIONS', 4);
    this.browserIdleMs = opts.browserIdleMs ?? envInt('RADAR_BUILDER_BROWSER_IDLE_MS', 60_000);
  }

  /** Sessions open now. */
  get open(): number {
    return this.sessions.size;
  }

  /** Whether a browser is running (or starting). */
  get browserRunning(): boolean {
    return this.browser !== null;
  }

  /** A new session on `url` for `owner`, whose earlier session (if any) ends: one live page per person. */
  async start(owner: string, url: string, target: Target): Promise<LiveSession> {
    if (this.closed) throw new FetchFailure({ class: 'network', message: 'the console is shutting down', url });
    for (const s of [...this.sessions.values()]) if (s.owner === owner) await this.end(s.id);
    while (this.sessions.size >= this.maxSessions) {
      const oldest = [...this.sessions.values()].sort((a, b) => a.lastUsed - b.lastUsed)[0]!;
      await this.end(oldest.id);
    }
    const s: Live = { id: randomUUID(), owner, url, target, steps: [], capture: null, notes: [], lastUsed: Date.now(), context: null, page: null, status: 0, chain: Promise.resolve(), busy: 0, timer: null, robots: new RobotsCache() };
    this.sessions.set(s.id, s);
    this.touch(s);
    try {
      await this.serial(s, () => this.load(s));
    } catch (err) {
      await this.end(s.id);
      throw err;
    }
    return s;
  }

  /** The session if it is `owner`'s and still open; using it keeps it open. */
  get(id: string, owner: string): LiveSession | null {
    const s = this.sessions.get(id);
    if (!s || s.owner !== owner) return null;
    this.touch(s);
    return s;
  }

  /** Does one step on the live page; recorded only if it worked. */
  async perform(id: string, step: StepInput): Promise<string | null> {
    const s = this.live(id);
    return this.serial(s, async () => {
      const page = await this.pageOf(s);
      const parsed = stepSchema.parse(step);
      const notes = s.notes.length;
      const problem = await this.doStep(s, page, parsed, true);
      if (problem) return problem;
      // A click that led to a page robots.txt forbids did not get there: no step to keep.
      if (s.notes.length > notes) return s.notes.splice(notes).join('; ');
      s.steps.push(step);
      await this.settle(page);
      s.capture = await captureLoaded(page, s.status);
      return null;
    });
  }

  /** From the address again in a fresh context (no cookie a step set survives), then every step; says which steps did nothing. */
  async replay(id: string, steps?: StepInput[]): Promise<string[]> {
    const s = this.live(id);
    return this.serial(s, async () => {
      if (steps) s.steps = steps;
      await this.load(s, false);
      const page = await this.pageOf(s);
      const notes: string[] = [];
      for (const [i, step] of s.steps.entries()) {
        const problem = await this.doStep(s, page, stepSchema.parse(step));
        if (problem) notes.push(`step ${i + 1}: ${problem}`);
      }
      await this.settle(page);
      s.capture = await captureLoaded(page, s.status);
      s.notes.push(...notes);
      return notes;
    });
  }

  /** The picture again with `highlight` drawn (the builder's item proposal on the page after the steps). */
  async capture(id: string, highlight?: Highlighter): Promise<Capture> {
    const s = this.live(id);
    return this.serial(s, async () => {
      const c = await captureLoaded(await this.pageOf(s), s.status, highlight);
      if (!highlight) s.capture = c;
      return c;
    });
  }

  /** Whether `selector` finds, as its first match on the live page, the element at `path` (from <html>). */
  async names(id: string, selector: string, path: number[]): Promise<boolean> {
    const s = this.live(id);
    return this.serial(s, async () =>
      (await this.pageOf(s)).evaluate(
        ([sel, p]) => {
          let el: Element | undefined = document.documentElement;
          for (const i of p) el = el?.children[i];
          try {
            return !!el && document.querySelector(sel) === el;
          } catch {
            return false;
          }
        },
        [selector, path] as const,
      ),
    );
  }

  async end(id: string): Promise<void> {
    const s = this.sessions.get(id);
    if (!s) return;
    this.sessions.delete(id);
    if (s.timer) clearTimeout(s.timer);
    await s.context?.close().catch(() => undefined);
    s.context = null;
    s.page = null;
    if (this.sessions.size === 0) this.browserIdle();
  }

  /**
   * The builder's browser for a one-off page (the item picker without steps): a context in it is
   * far cheaper than a Chromium of its own. The browser stays up a while for the next click.
   */
  borrow = async (): Promise<Browser> => {
    if (this.closed) throw new FetchFailure({ class: 'network', message: 'the console is shutting down', url: '' });
    const b = await this.launch('');
    if (this.sessions.size === 0) this.browserIdle();
    return b;
  };

  /** Builder pages wait their turn per host, across sessions and one-off pictures. */
  schedule<T>(url: string, task: () => Promise<T>, minIntervalMs?: number): Promise<T> {
    return this.queues.schedule(url, task, minIntervalMs);
  }

  /** Every session and the browser, now (the console is stopping). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.sessions.keys()].map((id) => this.end(id)));
    await this.stopBrowser();
  }

  // ---- inside ----

  private live(id: string): Live {
    const s = this.sessions.get(id);
    if (!s) throw new FetchFailure({ class: 'network', message: 'this builder session has ended (it was left alone too long, or another was opened)', url: '' });
    this.touch(s);
    return s;
  }

  private touch(s: Live): void {
    s.lastUsed = Date.now();
    if (s.timer) clearTimeout(s.timer);
    s.timer = setTimeout(() => (s.busy ? this.touch(s) : void this.end(s.id)), this.idleMs);
    s.timer.unref();
  }

  /** One action at a time per session: a double click must not interleave two steps. */
  private serial<T>(s: Live, fn: () => Promise<T>): Promise<T> {
    s.busy++;
    const next = s.chain.then(fn, fn).finally(() => {
      s.busy--;
      if (this.sessions.get(s.id) === s) this.touch(s);
    });
    s.chain = next.catch(() => undefined);
    return next;
  }

  private async pageOf(s: Live): Promise<Page> {
    if (!s.page || s.page.isClosed()) await this.load(s, false);
    return s.page!;
  }

  /** A fresh context on the session's address; pictured unless steps follow. */
  private async load(s: Live, picture = true): Promise<void> {
    const url = s.url;
    const fctx: FetchContext = { schedule: (u, task) => this.queues.schedule(u, task, s.target.fetch.min_interval_ms), robots: s.robots };
    await checkRobots(url, s.target, fctx);
    await s.context?.close().catch(() => undefined);
    const browser = await this.launch(url);
    const context = await browser.newContext({ userAgent: USER_AGENT, viewport: { width: VIEW_WIDTH, height: 800 }, extraHTTPHeaders: { 'accept-language': defaultHeaders()['accept-language']! }, serviceWorkers: 'block' });
    this.contextsOpened++;
    s.context = context;
    // Pages a click leads to ask robots.txt and wait their turn too; the shop's images and scripts do not (a run's do not either).
    await context.route('**/*', async (route) => {
      const req = route.request();
      if (!req.isNavigationRequest() || req.frame().parentFrame()) return route.continue().catch(() => undefined);
      try {
        await checkRobots(req.url(), s.target, fctx);
        await this.queues.schedule(req.url(), async () => undefined, s.target.fetch.min_interval_ms);
      } catch (err) {
        s.notes.push(err instanceof FetchFailure ? err.failure.message : String(err));
        return route.abort('blockedbyclient').catch(() => undefined);
      }
      return route.continue().catch(() => undefined);
    });
    const page = await context.newPage();
    s.page = page;
    page.setDefaultTimeout(s.target.fetch.timeout_ms);
    try {
      const res = await page.goto(url, { waitUntil: 'load', timeout: s.target.fetch.timeout_ms });
      s.status = res?.status() ?? 200;
    } catch (err) {
      throw new FetchFailure({ class: 'network', message: `could not open ${url}: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`, url }, err);
    }
    await this.settle(page);
    if (picture) s.capture = await captureLoaded(page, s.status);
  }

  private async doStep(s: Live, page: Page, step: BrowserStep, recording = false): Promise<string | null> {
    const on = 'click' in step ? step.click : 'fill' in step ? step.fill : 'select' in step ? step.select : null;
    // Said at once while recording (a run waits wait_timeout_ms for it first).
    if (on && 'click' in step) {
      const visible = await page.locator(on).first().isVisible().catch(() => false);
      if (!visible) return step.optional ? null : `${describeStep(step)}: nothing visible matches it`;
      // ... and so is a click something else would get (a pop-up over the page): a run's click would miss too.
      if (recording) {
        const blocked = await page
          .locator(on)
          .first()
          .click({ trial: true, timeout: 3000 })
          .then(() => null, () => 'something else on the page is over it (a pop-up to close first?)');
        if (blocked) return `${describeStep(step)}: ${blocked}`;
      }
    }
    try {
      await runStep(page, step, 1, null, s.target, Math.min(s.target.fetch.wait_timeout_ms, 5000));
      return null;
    } catch (err) {
      return `${describeStep(step)}: ${err instanceof StepFailure ? err.reason : (err instanceof Error ? err.message : String(err)).split('\n')[0]!}`;
    }
  }

  /** After an action: what it loaded, within reason (a page that keeps polling is pictured anyway). */
  private async settle(page: Page): Promise<void> {
    await page.waitForLoadState('load', { timeout: 5000 }).catch(() => undefined);
    await page.waitForLoadState('networkidle', { timeout: 1500 }).catch(() => undefined);
  }

  private launch(url: string): Promise<Browser> {
    if (this.browserTimer) clearTimeout(this.browserTimer);
    this.browserTimer = null;
    if (!this.browser) {
      const launching = (async () => {
        const found = findBrowser();
        if ('missing' in found) throw new FetchFailure({ class: 'browser_missing', message: found.missing, url });
        const { chromium } = requireLazy('playwright-core') as typeof import('playwright-core');
        const b = await chromium.launch({ executablePath: found.path, headless: true, args: launchArgs(), timeout: 60_000 });
        this.launches++;
        b.on('disconnected', () => {
          if (this.browser === launching) this.browser = null;
        });
        return b;
      })();
      this.browser = launching;
      launching.catch(() => {
        if (this.browser === launching) this.browser = null;
      });
    }
    return this.browser;
  }

  private browserIdle(): void {
    if (this.browserTimer) clearTimeout(this.browserTimer);
    this.browserTimer = setTimeout(() => void this.stopIfUnused(), this.browserIdleMs);
    this.browserTimer.unref();
  }

  /** A page borrowed for a picture may still be open: then later. */
  private async stopIfUnused(): Promise<void> {
    if (this.sessions.size) return;
    const b = await this.browser?.catch(() => null);
    if (b?.contexts().length) return this.browserIdle();
    await this.stopBrowser();
  }

  private async stopBrowser(): Promise<void> {
    if (this.browserTimer) clearTimeout(this.browserTimer);
    this.browserTimer = null;
    const b = this.browser;
    this.browser = null;
    if (b) await b.then((x) => x.close()).catch(() => undefined);
  }
}
