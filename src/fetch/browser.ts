/**
 * Pages that need JavaScript, in headless Chromium (playwright-core: it never downloads a
 * browser; we find one).
 *
 * One browser per fetcher (a run, or a worker's whole life), started on the first browser page.
 * A target gets one context (its cookies, headers and proxy stay its own), kept while its pages
 * come and closed when its run or job ends (`release`), or a few seconds after its last page;
 * its pages are reused from one URL to the next.
 * Images, fonts, media and trackers are not loaded unless a target asks. A browser that has
 * served many pages, or grown too large, is replaced once its pages are done (Chromium leaks).
 * Pages are closed whatever happens; on SIGTERM/SIGINT/SIGHUP the browser is closed before the
 * process goes.
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import PQueue from 'p-queue';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import type { Browser, BrowserContext, Page } from 'playwright-core';

// Loaded on first use: playwright-core adds ~90 MB to a process's memory, and most runs (and the
// daemon at rest) never open a browser.
const requireLazy = createRequire(import.meta.url);
let playwright: typeof import('playwright-core') | undefined;
const chromiumApi = () => (playwright ??= requireLazy('playwright-core') as typeof import('playwright-core')).chromium;
import type { BrowserStep, Target } from '../config/target-schema.js';
import { interpolateEnv } from '../config/env.js';
import { FetchFailure, type Failure } from '../core/verdict.js';
import { USER_AGENT } from '../core/version.js';
import { detectLoginWall } from './blocked.js';
import { runStep, StepFailure, stepSelector, type StepFailureClass } from './browser-steps.js';
import { defaultPoliteness } from './host-queue.js';
import { defaultHeaders } from './http.js';
import { politely } from './polite.js';
import { playwrightProxy, proxyFor } from './proxy.js';
import { isTracker } from './trackers.js';
import type { FetchContext, FetchedPage, Fetcher, FetcherOptions } from './types.js';

export const BROWSER_INSTALL_HINT = 'install one with `apt-get install chromium` (Debian/Ubuntu), or set RADAR_CHROMIUM to a Chrome/Chromium binary';

export type BrowserLookup = { path: string; source: string } | { missing: string };

/**
 * Debian's headless shell (package chromium-headless-shell): the same engine without the desktop
 * browser's extra processes, ~40 % less memory for the same pages (bench/README.md, row 6). The
 * binary itself, not /usr/bin's shell wrapper, which would stay as an extra process per browser.
 */
const HEADLESS_SHELLS = ['/usr/lib/chromium/chromium-headless-shell', '/usr/bin/chromium-headless-shell'];

/**
 * Where the browser is, in this order: RADAR_CHROMIUM, Playwright's own download, Debian's
 * headless shell, Debian's /usr/bin/chromium, then `chromium-browser` and `google-chrome` on
 * the PATH.
 */
export function findBrowser(env: NodeJS.ProcessEnv = process.env): BrowserLookup {
  const own = env.RADAR_CHROMIUM?.trim();
  if (own) {
    return isExecutable(own) ? { path: own, source: 'RADAR_CHROMIUM' } : { missing: `RADAR_CHROMIUM is set to ${own}, which is not an executable file; ${BROWSER_INSTALL_HINT}` };
  }
  let bundled: string | null = null;
  try {
    bundled = chromiumApi().executablePath();
  } catch {
    // Playwright knows no default path on this platform.
  }
  if (bundled && isExecutable(bundled)) return { path: bundled, source: 'playwright' };
  const shell = HEADLESS_SHELLS.find(isExecutable);
  if (shell) return { path: shell, source: 'system headless shell' };
  if (isExecutable('/usr/bin/chromium')) return { path: '/usr/bin/chromium', source: 'system' };
  for (const name of ['chromium-browser', 'google-chrome', 'google-chrome-stable']) {
    const found = onPath(name, env.PATH ?? '');
    if (found) return { path: found, source: 'PATH' };
  }
  return { missing: `no Chromium or Chrome found; ${BROWSER_INSTALL_HINT}` };
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return existsSync(file);
  } catch {
    return false;
  }
}

function onPath(name: string, path: string): string | null {
  for (const dir of path.split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return null;
}

/**
 * Features Playwright itself enables: Chromium keeps only the last --enable-features, so ours
 * repeats them (playwright-core's chromiumSwitches).
 */
const PLAYWRIGHT_FEATURES = ['CDPScreenshotNewSurface', 'SkipListAccountsWithoutGaiaCookies'];

export function launchArgs(): string[] {
  const args = [
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-default-apps',
    '--no-first-run',
    '--disable-gpu',
    '--disable-dev-shm-usage', // containers give /dev/shm 64 MB; Chromium crashes on big pages
    '--mute-audio',
    // Memory (bench row 6): a target's pages are one site in one context, so one renderer process
    // serves them all instead of one per page (contexts never share one: targets stay apart).
    '--process-per-site',
    // The network service in the browser process instead of a utility process of its own.
    `--enable-features=${['NetworkServiceInProcess2', ...PLAYWRIGHT_FEATURES].join(',')}`,
  ];
  // Chromium's sandbox refuses to run as root (CI containers); outside root it stays on. Without
  // the sandbox the zygote processes (which exist to start sandboxed renderers) are not needed.
  if (process.getuid?.() === 0) args.push('--no-sandbox', '--no-zygote');
  return args;
}

export interface BrowserFetcherOptions {
  /** Pages open at once (across targets); RADAR_BROWSER_PAGES, else `jobs` × pages per host. */
  pages?: number;
  /** Targets (runs or jobs) the owner runs at once: each can use the pages its host allows. */
  jobs?: number;
  /** A browser is replaced after serving this many pages (RADAR_BROWSER_RESTART_PAGES, default 2000). */
  restartAfterPages?: number;
  /** ... or once Chromium's processes hold more than this (RADAR_BROWSER_MAX_MB, default 1500). */
  maxMb?: number;
  /** A page is closed after this many loads and a fresh one opened (RADAR_BROWSER_PAGE_USES, default 20). */
  pageUses?: number;
}

/** A target's context in one browser, with the pages it can reuse. */
interface Session {
  key: string;
  targetId: string;
  browser: Browser;
  context: BrowserContext;
  idle: Page[];
  /** Loads each open page has served. */
  uses: WeakMap<Page, number>;
  busy: number;
  /** Origins the target's cookies were set for. */
  origins: Set<string>;
  timer: NodeJS.Timeout | null;
  closed: boolean;
  /** Pages served since its renderer's last garbage collection. */
  sinceGc: number;
}

const envInt = (name: string, fallback: number) => {
  const n = Number(process.env[name]);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};

export class BrowserFetcher implements Fetcher {
  readonly mode = 'browser';
  private browser: Promise<Browser> | null = null;
  private readonly pool: PQueue;
  private readonly sessions = new Map<string, Session>();
  private readonly creating = new Map<string, Promise<Session>>();
  /** Browsers replaced while their pages were still busy: closed when their last session closes. */
  private readonly retiring = new Set<Browser>();
  private busy = 0;
  private served = 0;
  private closed = false;
  private readonly restartAfterPages: number;
  private readonly maxBytes: number;
  /** How long a target's context stays open after its last page. */
  private readonly idleMs = envInt('RADAR_BROWSER_SESSION_IDLE_MS', 5000);
  /** Pages of a target between two full garbage collections in its renderer (RADAR_BROWSER_GC_PAGES). */
  private readonly gcEvery = envInt('RADAR_BROWSER_GC_PAGES', 5);
  /**
   * Loads a page serves before it is closed and a fresh one opened (RADAR_BROWSER_PAGE_USES).
   * Playwright keeps every request a page made (and its route) until the page closes: a page
   * reused for 300 URLs held ~0.3 MB of them per URL in our process.
   */
  private readonly pageUses: number;
  /** Browsers started by this fetcher (the first, and each replacement), contexts and pages opened: what reuse saves. */
  launches = 0;
  contextsOpened = 0;
  pagesOpened = 0;

  constructor(opts: BrowserFetcherOptions = {}) {
    this.pool = new PQueue({ concurrency: opts.pages ?? browserPages(opts.jobs) });
    this.restartAfterPages = opts.restartAfterPages ?? envInt('RADAR_BROWSER_RESTART_PAGES', 2000);
    this.maxBytes = (opts.maxMb ?? envInt('RADAR_BROWSER_MAX_MB', 1500)) * 2 ** 20;
    this.pageUses = opts.pageUses ?? envInt('RADAR_BROWSER_PAGE_USES', 20);
  }

  /** Pages loading right now: 0 between pages, whatever happened. */
  get openPages(): number {
    return this.busy;
  }

  async fetchPage(url: string, target: Target, ctx: FetchContext): Promise<FetchedPage> {
    return politely(url, target, ctx, () => this.pool.add(() => this.load(url, target, ctx)) as Promise<FetchedPage>);
  }

  /** Pages this fetcher renders at once. */
  get pageSlots(): number {
    return this.pool.concurrency;
  }

  /**
   * The target's run or job has ended: its context (and so its renderer process, ~100 MB) goes now
   * instead of waiting for a next page that will not come. A page of it still loading (another run
   * of the same target) keeps it until the idle timeout.
   */
  async release(target: Target): Promise<void> {
    const done = [...this.sessions.values()].filter((x) => x.targetId === target.id && x.busy === 0);
    for (const x of done) if (this.sessions.get(x.key) === x) this.sessions.delete(x.key);
    await Promise.all(done.map((x) => this.closeSession(x)));
  }

  async close(): Promise<void> {
    this.closed = true;
    live.delete(this);
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(sessions.map((x) => this.closeSession(x)));
    const b = this.browser;
    this.browser = null;
    if (b) await b.then((x) => x.close()).catch(() => undefined);
    await Promise.all([...this.retiring].map((x) => x.close().catch(() => undefined)));
    this.retiring.clear();
    if (live.size === 0) unwatchSignals();
  }

  private launch(url: string): Promise<Browser> {
    if (!this.browser) {
      const launching = (async () => {
        const found = findBrowser();
        if ('missing' in found) throw new FetchFailure({ class: 'browser_missing', message: found.missing, url });
        favourMemory();
        try {
          const b = await chromiumApi().launch({
            executablePath: found.path,
            headless: true,
            args: launchArgs(),
            // Our own handlers close the browser and then let the process go (see watchSignals).
            handleSIGINT: false,
            handleSIGTERM: false,
            handleSIGHUP: false,
            timeout: 60_000,
          });
          this.launches++;
          // A crashed browser is started again on the next page.
          b.on('disconnected', () => {
            if (this.browser === launching) this.browser = null;
            for (const x of [...this.sessions.values()]) if (x.browser === b) this.dropSession(x);
          });
          if (!this.closed) {
            live.add(this);
            watchSignals();
          }
          return b;
        } catch (err) {
          const why = (err instanceof Error ? err.message : String(err)).split('\n').find((l) => l.trim()) ?? 'unknown error';
          throw new FetchFailure({ class: 'browser_missing', message: `could not start ${found.path} (${why.trim().slice(0, 200)}); ${BROWSER_INSTALL_HINT}`, url }, err);
        }
      })();
      this.browser = launching;
      // A failed start is tried again by the next page.
      launching.catch(() => {
        if (this.browser === launching) this.browser = null;
      });
    }
    return this.browser;
  }

  /** The target's context in this browser: made on its first page, with its cookies, headers, proxy and blocking. */
  private async session(browser: Browser, url: string, target: Target, signal: AbortSignal | undefined): Promise<Session> {
    const f = target.fetch;
    const proxy = proxyFor(url, target);
    const headers = Object.fromEntries(Object.entries(f.headers).map(([k, v]) => [k.toLowerCase(), interpolateEnv(v, process.env, target.file)]));
    const cookies = Object.entries(f.cookies).map(([name, value]) => ({ name, value: interpolateEnv(value, process.env, target.file) }));
    // Hashed: the key holds secret values (cookies, a proxy password) and must not be kept as text.
    const key = createHash('sha256')
      .update(JSON.stringify([target.id, headers, cookies, proxy ?? null, f.block_resources]))
      .digest('hex');
    let session = this.sessions.get(key);
    if (session && session.browser !== browser) {
      this.dropSession(session);
      session = undefined;
    }
    if (!session) {
      // Two pages of a target asking at once share one context.
      const pending = this.creating.get(key);
      if (pending) session = await untilAborted(pending, signal);
    }
    if (!session) {
      const making = this.newSession(key, browser, target, headers, proxy, signal);
      this.creating.set(key, making);
      try {
        session = await making;
      } finally {
        this.creating.delete(key);
      }
    }
    const origin = new URL(url).origin;
    if (cookies.length && !session.origins.has(origin)) {
      await untilAborted(session.context.addCookies(cookies.map((c) => ({ ...c, url: origin + '/' }))), signal);
      session.origins.add(origin);
    }
    return session;
  }

  private async newSession(key: string, browser: Browser, target: Target, headers: Record<string, string>, proxy: ReturnType<typeof proxyFor>, signal: AbortSignal | undefined): Promise<Session> {
    const f = target.fetch;
    const { 'user-agent': userAgent = USER_AGENT, ...rest } = headers;
    const context = await untilAborted(
      browser.newContext({
        userAgent,
        extraHTTPHeaders: { 'accept-language': defaultHeaders()['accept-language']!, ...rest },
        serviceWorkers: 'block', // a service worker would serve from its cache, around our route blocking
        ...(proxy ? { proxy: playwrightProxy(proxy) } : {}),
      }),
      signal,
    );
    this.contextsOpened++;
    const session: Session = { key, targetId: target.id, browser, context, idle: [], uses: new WeakMap(), busy: 0, origins: new Set(), timer: null, closed: false, sinceGc: 0 };
    this.sessions.set(key, session);
    const blocked = new Set<string>(f.block_resources);
    const trackers = blocked.delete('tracker');
    if (blocked.size || trackers) {
      await untilAborted(
        // A request still in flight when the context closes rejects here; that is no error of ours.
        context.route('**/*', (route) => {
          const req = route.request();
          return (blocked.has(req.resourceType()) || (trackers && isTracker(req.url())) ? route.abort('blockedbyclient') : route.continue()).catch(() => undefined);
        }),
        signal,
      );
    }
    return session;
  }

  private dropSession(session: Session): void {
    if (this.sessions.get(session.key) === session) this.sessions.delete(session.key);
    void this.closeSession(session);
  }

  private async closeSession(session: Session): Promise<void> {
    if (session.closed) return;
    session.closed = true;
    if (session.timer) clearTimeout(session.timer);
    await session.context.close().catch(() => undefined);
    const b = session.browser;
    if (this.retiring.has(b) && ![...this.sessions.values()].some((x) => x.browser === b)) {
      this.retiring.delete(b);
      await b.close().catch(() => undefined);
    }
  }

  /** After a page: keep the context a little longer for the target's next page; replace a browser that served too much. */
  private pageDone(session: Session): void {
    session.busy--;
    if (session.busy === 0 && !session.closed) {
      if (session.timer) clearTimeout(session.timer);
      session.timer = setTimeout(() => this.dropSession(session), this.idleMs);
      session.timer.unref();
    }
    this.served++;
    if (this.served >= this.restartAfterPages || (this.served % 100 === 0 && chromiumBytes() > this.maxBytes)) this.retire();
  }

  /** The next page starts a new browser; this one closes when its last context does. */
  private retire(): void {
    const current = this.browser;
    this.browser = null;
    this.served = 0;
    void current?.then((b) => {
      this.retiring.add(b);
      for (const x of [...this.sessions.values()]) if (x.browser === b && x.busy === 0) this.dropSession(x);
      if (![...this.sessions.values()].some((x) => x.browser === b)) {
        this.retiring.delete(b);
        void b.close().catch(() => undefined);
      }
    }, () => undefined);
  }

  private async load(url: string, target: Target, ctx: FetchContext): Promise<FetchedPage> {
    if (this.closed || ctx.signal?.aborted) throw new FetchFailure({ class: 'network', message: 'the browser was closed (run cancelled)', url });
    const f = target.fetch;
    const browser = await this.launch(url);
    this.busy++;
    let session: Session | null = null;
    let page: Page | null = null;
    let reusable = false;
    const cancel = () => void (page ? page.close() : session?.context.close())?.catch(() => undefined);
    ctx.signal?.addEventListener('abort', cancel, { once: true });
    try {
      session = await this.session(browser, url, target, ctx.signal);
      session.busy++;
      if (session.timer) clearTimeout(session.timer);
      session.timer = null;
      page = session.idle.pop() ?? null;
      // newPage() never settles on a context closed under it: every setup step races the abort.
      if (!page) {
        page = await untilAborted(session.context.newPage(), ctx.signal);
        this.pagesOpened++;
      }
      if (ctx.signal?.aborted) cancel(); // aborted while the page was being made: the event is gone
      page.setDefaultTimeout(f.timeout_ms);
      let status = 200;
      let responseHeaders: Record<string, string> = {};
      try {
        const res = await page.goto(url, { waitUntil: 'domcontentloaded', timeout: f.timeout_ms });
        if (res) {
          status = res.status();
          responseHeaders = await res.allHeaders();
        }
      } catch (err) {
        throw classifyBrowserError(err, url, f.timeout_ms);
      }
      let notReady: FetchedPage['notReady'];
      if (status < 400 && !(await sentToLogin(page, url, status))) notReady = await this.prepare(page, target);
      const text = await page.content();
      const bytes = Buffer.byteLength(text);
      if (bytes > f.max_bytes) throw new FetchFailure({ class: 'too_large', message: `page of ${bytes} bytes exceeds max_bytes ${f.max_bytes}`, url, httpStatus: status });
      reusable = !notReady;
      return { requestedUrl: url, url: page.url(), status, headers: responseHeaders, text, charset: 'utf-8', bytes, ...(notReady ? { notReady } : {}) };
    } catch (err) {
      if (exiting) await new Promise(() => undefined); // the process is going; record nothing
      if (ctx.signal?.aborted) throw new FetchFailure({ class: 'network', message: 'run cancelled: the page was closed', url }, err);
      if (err instanceof FetchFailure) throw err;
      throw classifyBrowserError(err, url, f.timeout_ms);
    } finally {
      ctx.signal?.removeEventListener('abort', cancel);
      this.busy--;
      if (session) {
        // A page that loaded cleanly is reused for the target's next URL; anything else is closed.
        const uses = page ? (session.uses.get(page) ?? 0) + 1 : 0;
        if (page) session.uses.set(page, uses);
        if (page && reusable && uses < this.pageUses && !session.closed && !ctx.signal?.aborted && session.idle.length < this.pool.concurrency) {
          if (++session.sinceGc >= this.gcEvery) {
            session.sinceGc = 0;
            await collectGarbage(session.context, page);
          }
          session.idle.push(page);
        } else if (page) await page.close().catch(() => undefined);
        this.pageDone(session);
      }
    }
  }

  /** Waits for the page to be ready and runs the target's steps; says what went wrong, if anything. */
  private async prepare(page: Page, target: Target): Promise<FetchedPage['notReady']> {
    const f = target.fetch;
    if (f.wait_for) {
      try {
        await page.waitForSelector(f.wait_for, { state: 'attached', timeout: f.wait_timeout_ms });
      } catch {
        return { class: 'timeout', message: `"${f.wait_for}" did not appear within ${f.wait_timeout_ms} ms (fetch.wait_for)` };
      }
    } else if (target.items?.each) {
      // No wait_for: the items themselves, read as soon as they are drawn. Network idle comes too
      // early for a list drawn by a timer and too late on a page that keeps polling; a page that
      // never shows an item is read after wait_timeout_ms and judged (empty, layout_changed).
      // A first step on an element (a city pop-up to close) may be what makes the items come: the
      // wait ends as soon as that element shows, instead of waiting out the timeout first.
      await untilItemsOrFirstStep(page, target.items.each, f.steps, f.wait_timeout_ms);
    } else {
      // Nothing to wait for (a product page read from structured data): the load event, then a short quiet spell.
      await page.waitForLoadState('load', { timeout: f.timeout_ms }).catch(() => undefined);
      await page.waitForLoadState('networkidle', { timeout: Math.min(3000, f.timeout_ms) }).catch(() => undefined);
    }
    const each = target.items?.each ?? null;
    try {
      for (const [i, step] of f.steps.entries()) await runStep(page, step, i + 1, each, target, f.wait_timeout_ms);
    } catch (e) {
      // A step not done leaves a page the run must not read as good (the wrong city's prices).
      if (e instanceof StepFailure) return { class: e.failure.class as StepFailureClass, message: e.failure.message };
      throw e;
    }
    // Items the steps made come (a city chosen) are drawn by the page's script a moment later.
    if (f.steps.length && !f.wait_for && each) await page.waitForSelector(each, { state: 'attached', timeout: f.wait_timeout_ms }).catch(() => undefined);
    return undefined;
  }
}

/**
 * A full garbage collection in the page's renderer (all of the target's pages: one process).
 * Nothing presses a renderer to collect, so V8 let each page's garbage pile up: on the bench
 * catalog one renderer grew by ~1.5 MB a page, 270 MB after 60 pages, ~140 MB with this every 10
 * pages; every 5 its anonymous memory peaks 10-15 MB lower again, for no CPU the bench can see.
 */
async function collectGarbage(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page).catch(() => null);
  if (!cdp) return;
  await cdp.send('HeapProfiler.collectGarbage').catch(() => undefined);
  await cdp.detach().catch(() => undefined);
}

/**
 * Driving a browser, this process makes garbage fast: Playwright's objects for every request a
 * page makes live as long as the page, so they reach V8's old generation and die there. V8 then
 * lets that generation grow up to 4× its live size between full collections (on the bench
 * catalog: 74 MB live, 219 MB held). Optimising for size caps the growth at ~1.3×: Node's peak
 * 259 -> 107 MB over 150 pages for no measurable cost in pages/s. A V8 flag Node only takes on
 * its command line, set here once a browser is started (V8 reads it at every collection).
 */
let favoured = false;
function favourMemory(): void {
  if (favoured || process.env.RADAR_BROWSER_V8_DEFAULTS) return;
  favoured = true;
  setFlagsFromString('--optimize-for-size');
}

function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(new Error('run cancelled'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('run cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e: unknown) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}

/** A redirect to a login page: nothing to wait for there (the scrape reports the login wall). */
async function sentToLogin(page: Page, url: string, status: number): Promise<boolean> {
  if (page.url() === url) return false;
  const text = await page.content().catch(() => '');
  return detectLoginWall({ status, text, url: page.url(), requestedUrl: url }, 0) !== null;
}

/** Until an item is on the page, or the element the first step works on is visible. */
async function untilItemsOrFirstStep(page: Page, each: string, steps: readonly BrowserStep[], timeoutMs: number): Promise<void> {
  // The first step's element, and past optional ones (a cookie banner that may not come) the first required one's.
  const upTo = steps.findIndex((s) => !('optional' in s && s.optional));
  const stepOn = steps
    .slice(0, upTo < 0 ? steps.length : upTo + 1)
    .map(stepSelector)
    .filter((x): x is string => x !== null);
  if (!stepOn.length) {
    await page.waitForSelector(each, { state: 'attached', timeout: timeoutMs }).catch(() => undefined);
    return;
  }
  await page
    .waitForFunction(
      ([items, els]) => {
        try {
          if (document.querySelector(items)) return true;
          return els.some((el) => {
            const e = document.querySelector(el);
            return !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
          });
        } catch {
          return true; // not CSS the page's engine reads: the step itself will say so
        }
      },
      [each, stepOn] as const,
      { timeout: timeoutMs, polling: 100 },
    )
    .catch(() => undefined);
}

function classifyBrowserError(err: unknown, url: string, timeoutMs: number): FetchFailure {
  if (err instanceof FetchFailure) return err;
  const msg = err instanceof Error ? err.message : String(err);
  const net = /net::(ERR_[A-Z_]+)/.exec(msg)?.[1];
  let failure: Failure;
  if (net === 'ERR_TOO_MANY_REDIRECTS') failure = { class: 'redirect_loop', message: 'redirect loop', url };
  else if (net === 'ERR_TIMED_OUT' || (err instanceof Error && err.name === 'TimeoutError') || /Timeout \d+ms exceeded/.test(msg)) {
    failure = { class: 'timeout', message: `no complete response within ${timeoutMs} ms`, url };
  } else if (net) failure = { class: 'network', message: `network error: ${net}`, url };
  else if (/has been closed|Target closed|browser has disconnected/i.test(msg)) failure = { class: 'network', message: 'the browser page was closed (run cancelled or browser crashed)', url };
  else failure = { class: 'network', message: `browser error: ${msg.split('\n')[0]!.slice(0, 200)}`, url };
  return new FetchFailure(failure, err);
}

/** Resident memory of the Chromium processes under this one (Linux; 0 elsewhere), for replacing a browser that leaks. */
function chromiumBytes(): number {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return 0;
  }
  const parent = new Map<number, number>();
  const rss = new Map<number, number>();
  for (const e of entries) {
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      parent.set(Number(e), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      rss.set(Number(e), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[21]) * 4096);
    } catch {
      /* gone */
    }
  }
  let total = 0;
  for (const pid of parent.keys()) {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) {
      if (p === process.pid) {
        total += rss.get(pid) ?? 0;
        break;
      }
    }
  }
  return total;
}

// --- signals: close every browser before the process goes ---------------------------------

const live = new Set<BrowserFetcher>();
let exiting = false;
const SIGNALS = { SIGTERM: 15, SIGINT: 2, SIGHUP: 1 } as const;
type Sig = keyof typeof SIGNALS;
const handlers = new Map<Sig, () => void>();

function watchSignals(): void {
  if (handlers.size) return;
  for (const sig of Object.keys(SIGNALS) as Sig[]) {
    const handler = () => {
      // With a daemon listening too, shutting down is its call: it aborts the run (which closes the
      // pages) and the run's end closes the browser. Alone with the signal, we do what it would have
      // done, once the browsers are gone.
      if (process.listenerCount(sig) > 1) return;
      exiting = true;
      void Promise.all([...live].map((f) => f.close())).finally(() => process.exit(128 + SIGNALS[sig]));
    };
    handlers.set(sig, handler);
    process.on(sig, handler);
  }
}

function unwatchSignals(): void {
  for (const [sig, handler] of handlers) process.off(sig, handler);
  handlers.clear();
}

/**
 * Pages in flight in one browser: RADAR_BROWSER_PAGES when set; else what `jobs` targets at once
 * can use, each as many pages as per-host politeness lets one host have (RADAR_HOST_CONCURRENCY,
 * default 2): a worker with --concurrency 4 renders up to 8 pages. More pages than that would sit
 * idle in the host queues; fewer left jobs waiting for a page while their host allowed one.
 */
export function browserPages(jobs = DEFAULT_JOBS, perHost = defaultPoliteness.perHostConcurrency, env: NodeJS.ProcessEnv = process.env): number {
  const own = Number(env.RADAR_BROWSER_PAGES);
  if (Number.isInteger(own) && own > 0) return own;
  return Math.max(1, jobs) * perHost;
}

/** Targets a run reads at once unless told (pipeline/run.ts's default). */
const DEFAULT_JOBS = 4;

export function makeBrowserFetcher(opts: FetcherOptions = {}): Fetcher {
  return new BrowserFetcher(opts.jobs ? { jobs: opts.jobs } : {});
}
