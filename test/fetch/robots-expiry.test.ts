/**
 * robots.txt in a long-running process: a real fixture server on 127.0.0.1 whose robots.txt
 * changes, read through the real HTTP client, and a clock the test moves. A copy is kept for at
 * most 24 h, less when Cache-Control max-age says so; an unreadable robots.txt holds the origin
 * back and is asked again a minute later (an earlier good copy stands in); the cache keeps the
 * origins used last.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest } from '../../src/fetch/http.js';
import { RobotsCache, type RobotsFetch } from '../../src/fetch/robots.js';
import { startServer, type FixtureServer } from '../helpers/server.js';

const HOUR = 3_600_000;
let site: FixtureServer;
let other: FixtureServer;
let third: FixtureServer;
/** What the site answers for /robots.txt now. */
let answer: { status: number; text: string; cacheControl?: string } = { status: 200, text: 'User-agent: *\nAllow: /\n' };
const fetchRobots: RobotsFetch = (url) => httpRequest({ url, timeoutMs: 5000, maxBytes: 512 * 1024, maxRedirects: 5 });

beforeAll(async () => {
  const robots = () => (_q: unknown, res: import('node:http').ServerResponse) => {
    res.writeHead(answer.status, { 'content-type': 'text/plain', ...(answer.cacheControl ? { 'cache-control': answer.cacheControl } : {}) });
    res.end(answer.text);
  };
  site = await startServer({ '/robots.txt': robots() });
  other = await startServer({ '/robots.txt': robots() });
  third = await startServer({ '/robots.txt': robots() });
});
afterAll(async () => {
  await site?.close();
  await other?.close();
  await third?.close();
});

const robotsHits = (s: FixtureServer) => s.hits.filter((h) => h.path === '/robots.txt').length;

describe('RobotsCache over time', () => {
  it('reads a changed robots.txt after 24 hours, not before', async () => {
    let t = Date.parse('2026-03-05T00:00:00Z');
    const c = new RobotsCache({ now: () => t });
    const start = robotsHits(site);
    answer = { status: 200, text: 'User-agent: *\nAllow: /\n' };
    expect(await c.check(`${site.url}/list`, fetchRobots)).toBeNull();
    answer = { status: 200, text: 'User-agent: *\nDisallow: /list\n' };
    t += 23 * HOUR;
    expect(await c.check(`${site.url}/list`, fetchRobots)).toBeNull();
    expect(robotsHits(site) - start).toBe(1);
    t += 2 * HOUR;
    expect(await c.check(`${site.url}/list`, fetchRobots)).toMatchObject({ class: 'robots', message: expect.stringContaining('line 2: "Disallow: /list"') });
    expect(robotsHits(site) - start).toBe(2);
  });

  it('honours a shorter Cache-Control max-age, but reads no more than once a minute', async () => {
    let t = 0;
    const c = new RobotsCache({ now: () => t });
    const start = robotsHits(site);
    answer = { status: 200, text: 'User-agent: *\nAllow: /\n', cacheControl: 'public, max-age=600' };
    expect(await c.check(`${site.url}/a`, fetchRobots)).toBeNull();
    answer = { status: 200, text: 'User-agent: *\nDisallow: /\n', cacheControl: 'no-cache' };
    t += 9 * 60_000;
    expect(await c.check(`${site.url}/a`, fetchRobots)).toBeNull();
    t += 2 * 60_000;
    expect(await c.check(`${site.url}/a`, fetchRobots)).toMatchObject({ class: 'robots' });
    expect(robotsHits(site) - start).toBe(2);
    // no-cache: read again after the one-minute floor, not on every page.
    answer = { status: 200, text: 'User-agent: *\nAllow: /\n' };
    t += 30_000;
    expect(await c.check(`${site.url}/a`, fetchRobots)).toMatchObject({ class: 'robots' });
    t += 31_000;
    expect(await c.check(`${site.url}/a`, fetchRobots)).toBeNull();
    expect(robotsHits(site) - start).toBe(3);
  });

  it('a 5xx robots.txt holds the origin back and is asked again a minute later; a 404 allows', async () => {
    let t = 0;
    const c = new RobotsCache({ now: () => t });
    const start = robotsHits(other);
    answer = { status: 503, text: 'maintenance' };
    expect(await c.check(`${other.url}/a`, fetchRobots)).toMatchObject({ class: 'http_503', message: expect.stringContaining('robots.txt of 127.0.0.1:') });
    answer = { status: 404, text: 'not found' };
    t += 30_000;
    expect(await c.check(`${other.url}/a`, fetchRobots)).toMatchObject({ class: 'http_503' });
    t += 31_000;
    expect(await c.check(`${other.url}/a`, fetchRobots)).toBeNull();
    expect(robotsHits(other) - start).toBe(2);
  });

  it('while robots.txt cannot be read, the last good copy stands in', async () => {
    let t = 0;
    const c = new RobotsCache({ now: () => t });
    answer = { status: 200, text: 'User-agent: *\nDisallow: /private/\n' };
    expect(await c.check(`${other.url}/list`, fetchRobots)).toBeNull();
    answer = { status: 500, text: 'oops' };
    t += 25 * HOUR;
    expect(await c.check(`${other.url}/list`, fetchRobots)).toBeNull();
    expect(await c.check(`${other.url}/private/x`, fetchRobots)).toMatchObject({ class: 'robots' });
  });

  it('a robots.txt nobody answers (the port is closed) holds the origin back as a network failure', async () => {
    const gone = await startServer({});
    const url = gone.url;
    await gone.close();
    expect(await new RobotsCache().check(`${url}/list`, fetchRobots)).toMatchObject({ class: 'network', message: expect.stringMatching(/^network error: .*(refused|ECONNREFUSED)/i) });
  });

  it('keeps the origins used last: the least recently used one is read again', async () => {
    const c = new RobotsCache({ maxOrigins: 2 });
    answer = { status: 200, text: 'User-agent: *\nAllow: /\n' };
    const [a, b, d] = [site, other, third].map((s) => robotsHits(s));
    await c.check(`${site.url}/x`, fetchRobots);
    await c.check(`${other.url}/x`, fetchRobots);
    await c.check(`${site.url}/y`, fetchRobots); // the first one used again
    await c.check(`${third.url}/x`, fetchRobots); // the second one goes
    expect(c.size).toBe(2);
    await c.check(`${site.url}/z`, fetchRobots);
    await c.check(`${other.url}/z`, fetchRobots);
    expect([robotsHits(site) - a!, robotsHits(other) - b!, robotsHits(third) - d!]).toEqual([1, 2, 1]);
  });
});
