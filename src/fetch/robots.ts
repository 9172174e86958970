/**
 * robots.txt, read once per origin and asked before every page; kept for a while, so a
 * long-running process (the daemon, a worker, the console) reads it again now and then.
 *
 * Following RFC 9309: a 4xx robots.txt (none there) allows everything; redirects are followed; a
 * robots.txt that cannot be read (5xx, 429, network error) disallows the origin for now and is
 * asked again soon; while an earlier good copy is at hand, that one is used meanwhile. Such a
 * page fails with the class of what happened to its robots.txt (`http_503`, `network` ...), and a
 * network error in the words the page itself would get (a proxy refusing our credentials, DNS):
 * a site that is down still reads as down, not as a robots problem. A copy is kept for at most
 * 24 hours (Google's practice; RFC 9309 §2.4 asks for no more), less when the server's
 * Cache-Control max-age says so. The cache holds a bounded number of origins (least recently used go).
 */
import robotsParserModule from 'robots-parser';
import { FetchFailure, type Failure, type FailureClass } from '../core/verdict.js';

interface Robot {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getMatchingLineNumber(url: string, ua?: string): number;
  getCrawlDelay(ua?: string): number | undefined;
}
// A CommonJS function export; its typings describe it as an ES default export.
const robotsParser = robotsParserModule as unknown as (url: string, contents: string) => Robot;

export const ROBOTS_AGENT = 'sales-radar';

export type RobotsFetch = (robotsUrl: string) => Promise<{ status: number; text: string; headers?: Record<string, string> }>;

export interface RobotsCacheOptions {
  agent?: string;
  /** Milliseconds since the epoch; tests pass a clock they move. */
  now?: () => number;
  /** Longest a copy is kept (default 24 h). */
  maxAgeMs?: number;
  /** Shortest, whatever the server's max-age says (default 1 min): a max-age of 0 does not mean a request per page. */
  minAgeMs?: number;
  /** How soon an unreadable robots.txt is asked again (default 1 min). */
  retryMs?: number;
  /** Origins kept at most (default 2,000). */
  maxOrigins?: number;
}

const HOUR = 3_600_000;

/** What robots.txt says for an origin: rules, none (allow all), or "cannot read it yet" (disallow for now). */
type RobotsRules =
  | { kind: 'rules'; robot: Robot; lines: string[] }
  | { kind: 'none' }
  /** `message`: what the page itself gets, with no robots wording when the cause is the network (a proxy refusing us, DNS): that is what to fix. */
  | { kind: 'unreadable'; failure: { class: FailureClass; message: string } };

interface Entry {
  rules: Promise<RobotsRules>;
  /** Until then the answer stands (Infinity while it is being read). */
  expiresAt: number;
  /** The last copy that was read (kept through an outage of robots.txt). */
  lastGood: RobotsRules | null;
}

export class RobotsCache {
  private readonly byOrigin = new Map<string, Entry>();
  private readonly agent: string;
  private readonly now: () => number;
  private readonly maxAgeMs: number;
  private readonly minAgeMs: number;
  private readonly retryMs: number;
  private readonly maxOrigins: number;
  /** How many robots.txt files were actually requested. */
  fetches = 0;

  constructor(opts: RobotsCacheOptions | string = {}) {
    const o = typeof opts === 'string' ? { agent: opts } : opts;
    this.agent = o.agent ?? ROBOTS_AGENT;
    this.now = o.now ?? Date.now;
    this.maxAgeMs = o.maxAgeMs ?? 24 * HOUR;
    this.minAgeMs = Math.min(o.minAgeMs ?? 60_000, this.maxAgeMs);
    this.retryMs = o.retryMs ?? 60_000;
    this.maxOrigins = Math.max(1, o.maxOrigins ?? 2000);
  }

  /** Origins held now. */
  get size(): number {
    return this.byOrigin.size;
  }

  /** The Crawl-delay (ms) robots.txt of `url`'s origin asks of our agent (or of `*`); null for none. Call after `check`. */
  async crawlDelayMs(url: string): Promise<number | null> {
    const origin = originOf(url);
    const entry = origin === null ? undefined : this.byOrigin.get(origin);
    if (!entry) return null;
    const rules = await entry.rules;
    const seconds = rules.kind === 'rules' ? rules.robot.getCrawlDelay(this.agent) : undefined;
    return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : null;
  }

  /** null when `url` may be fetched; otherwise a failure: `robots` naming the rule, or why robots.txt could not be read. */
  async check(url: string, fetchRobots: RobotsFetch): Promise<Failure | null> {
    const origin = originOf(url);
    if (origin === null) return null;
    const rules = await this.entry(origin, fetchRobots).rules;
    const u = new URL(url);
    if (rules.kind === 'none') return null;
    if (rules.kind === 'unreadable') return { class: rules.failure.class, message: rules.failure.message, url };
    const { robot, lines } = rules;
    if (robot.isAllowed(url, this.agent) !== false) return null;
    const n = robot.getMatchingLineNumber(url, this.agent);
    const rule = n > 0 ? lines[n - 1]?.trim() : undefined;
    return {
      class: 'robots',
      message: `robots.txt of ${u.host} disallows ${u.pathname}${u.search} for ${this.agent}${rule ? ` (line ${n}: "${rule}")` : ''}; set fetch.ignore_robots: true only if you may fetch it anyway`,
      url,
    };
  }

  /** The origin's entry, read again when it has expired; the most recently used origins stay. */
  private entry(origin: string, fetchRobots: RobotsFetch): Entry {
    let e = this.byOrigin.get(origin);
    if (e) this.byOrigin.delete(origin);
    if (!e || e.expiresAt <= this.now()) {
      const lastGood = e?.lastGood ?? null;
      const fresh: Entry = { rules: Promise.resolve({ kind: 'none' }), expiresAt: Infinity, lastGood };
      fresh.rules = this.load(origin, fetchRobots).then(({ rules, ttlMs }) => {
        if (rules.kind === 'unreadable') {
          fresh.expiresAt = this.now() + this.retryMs;
          // An earlier copy stands in while robots.txt cannot be read (RFC 9309 §2.4).
          return lastGood ?? rules;
        }
        fresh.expiresAt = this.now() + ttlMs;
        fresh.lastGood = rules;
        return rules;
      });
      e = fresh;
    }
    this.byOrigin.set(origin, e);
    while (this.byOrigin.size > this.maxOrigins) this.byOrigin.delete(this.byOrigin.keys().next().value!);
    return e;
  }

  private async load(origin: string, fetchRobots: RobotsFetch): Promise<{ rules: RobotsRules; ttlMs: number }> {
    const robotsUrl = `${origin}/robots.txt`;
    this.fetches++;
    let res: Awaited<ReturnType<RobotsFetch>>;
    try {
      res = await fetchRobots(robotsUrl);
    } catch (e) {
      // The page would fail the same way (same host, same proxy): its own words, not a robots story.
      const f = e instanceof FetchFailure ? e.failure : null;
      return { rules: { kind: 'unreadable', failure: { class: f?.class ?? 'network', message: f?.message ?? `network error: ${e instanceof Error ? e.message : String(e)}` } }, ttlMs: 0 };
    }
    const ttlMs = this.ttl(res.headers);
    if (res.status >= 200 && res.status < 300) {
      const text = res.text; // an HTTP page decodes on each read
      return { rules: { kind: 'rules', robot: robotsParser(robotsUrl, text), lines: text.split(/\r\n|\r|\n/) }, ttlMs };
    }
    // 429 is the server asking us to wait: unreadable, not "no robots.txt".
    if (res.status >= 500 || res.status === 429) {
      const host = new URL(origin).host;
      const message = `robots.txt of ${host} answered HTTP ${res.status}: its pages wait until it can be read (RFC 9309), asked again in ${Math.round(this.retryMs / 1000)} s`;
      return { rules: { kind: 'unreadable', failure: { class: `http_${res.status}`, message } }, ttlMs: 0 };
    }
    return { rules: { kind: 'none' }, ttlMs };
  }

  /** How long a copy is kept: the server's max-age when shorter than a day, never under minAgeMs. */
  private ttl(headers: Record<string, string> | undefined): number {
    const cc = headers?.['cache-control'] ?? '';
    const m = /(?:^|[,\s])max-age\s*=\s*"?(\d+)"?/i.exec(cc);
    const noStore = /(?:^|[,\s])(?:no-store|no-cache)(?:$|[,\s])/i.test(cc);
    const serverMs = noStore ? 0 : m ? Number(m[1]) * 1000 : Infinity;
    return Math.max(this.minAgeMs, Math.min(this.maxAgeMs, serverMs));
  }
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
