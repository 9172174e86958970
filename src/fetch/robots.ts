/**
 * robots.txt, read once per origin per run and asked before every page.
 *
 * Following RFC 9309 where it is clear: a 4xx robots.txt (none there) allows everything;
 * redirects are followed. Where it would cry wolf we do not: an unreachable robots.txt
 * (network error, 5xx) lets the page request go ahead, so a site that is down fails as
 * `network`/`http_503` rather than as a robots problem.
 */
import robotsParserModule from 'robots-parser';
import type { Failure } from '../core/verdict.js';

interface Robot {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getMatchingLineNumber(url: string, ua?: string): number;
  getCrawlDelay(ua?: string): number | undefined;
}
// A CommonJS function export; its typings describe it as an ES default export.
const robotsParser = robotsParserModule as unknown as (url: string, contents: string) => Robot;

export const ROBOTS_AGENT = 'sales-radar';

export type RobotsFetch = (robotsUrl: string) => Promise<{ status: number; text: string }>;

interface RobotsRules {
  robot: Robot | null;
  lines: string[];
}

export class RobotsCache {
  private readonly byOrigin = new Map<string, Promise<RobotsRules>>();
  /** How many robots.txt files were actually requested (one per origin per run). */
  fetches = 0;

  constructor(private readonly agent = ROBOTS_AGENT) {}

  /** The Crawl-delay (ms) robots.txt of `url`'s origin asks of our agent (or of `*`); null for none. Call after `check`. */
  async crawlDelayMs(url: string): Promise<number | null> {
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      return null;
    }
    const rules = await this.byOrigin.get(origin);
    const seconds = rules?.robot?.getCrawlDelay(this.agent);
    return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : null;
  }

  /** null when `url` may be fetched; otherwise a `robots` failure naming the rule. */
  async check(url: string, fetchRobots: RobotsFetch): Promise<Failure | null> {
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      return null;
    }
    let rules = this.byOrigin.get(origin);
    if (!rules) {
      rules = this.load(origin, fetchRobots);
      this.byOrigin.set(origin, rules);
    }
    const { robot, lines } = await rules;
    if (!robot || robot.isAllowed(url, this.agent) !== false) return null;
    const n = robot.getMatchingLineNumber(url, this.agent);
    const rule = n > 0 ? lines[n - 1]?.trim() : undefined;
    const u = new URL(url);
    return {
      class: 'robots',
      message: `robots.txt of ${u.host} disallows ${u.pathname}${u.search} for ${this.agent}${rule ? ` (line ${n}: "${rule}")` : ''}; set fetch.ignore_robots: true only if you may fetch it anyway`,
      url,
    };
  }

  private async load(origin: string, fetchRobots: RobotsFetch): Promise<RobotsRules> {
    const robotsUrl = `${origin}/robots.txt`;
    this.fetches++;
    try {
      const res = await fetchRobots(robotsUrl);
      if (res.status >= 200 && res.status < 300) {
        const text = res.text; // an HTTP page decodes on each read
        return { robot: robotsParser(robotsUrl, text), lines: text.split(/\r\n|\r|\n/) };
      }
    } catch {
      // Unreachable: see the module comment.
    }
    return { robot: null, lines: [] };
  }
}
