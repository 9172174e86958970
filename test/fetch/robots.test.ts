import { describe, expect, it } from 'vitest';
import { RobotsCache } from '../../src/fetch/robots.js';

const serve = (map: Record<string, { status: number; text: string } | Error>) => {
  const asked: string[] = [];
  const fetchRobots = async (url: string) => {
    asked.push(url);
    await new Promise((r) => setTimeout(r, 5));
    const a = map[url];
    if (!a) return { status: 404, text: '' };
    if (a instanceof Error) throw a;
    return a;
  };
  return { fetchRobots, asked };
};

const ROBOTS = `# shop robots
User-agent: *
Disallow: /cart

User-agent: sales-radar
Disallow: /private/
Allow: /private/prices
`;

describe('RobotsCache', () => {
  it('names the rule that forbids a URL, honouring our own user-agent group', async () => {
    const s = serve({ 'https://shop.example/robots.txt': { status: 200, text: ROBOTS } });
    const c = new RobotsCache();
    const f = await c.check('https://shop.example/private/list?p=2', s.fetchRobots);
    expect(f).toMatchObject({ class: 'robots', url: 'https://shop.example/private/list?p=2' });
    expect(f!.message).toContain('robots.txt of shop.example disallows /private/list?p=2 for sales-radar (line 6: "Disallow: /private/")');
    expect(await c.check('https://shop.example/private/prices', s.fetchRobots)).toBeNull();
    // Our group replaces the * group: /cart is not ours to avoid.
    expect(await c.check('https://shop.example/cart', s.fetchRobots)).toBeNull();
  });

  it('reads robots.txt once per origin, even when asked concurrently', async () => {
    const s = serve({ 'https://shop.example/robots.txt': { status: 200, text: ROBOTS } });
    const c = new RobotsCache();
    await Promise.all(['/a', '/b', '/private/x', '/c'].map((p) => c.check(`https://shop.example${p}`, s.fetchRobots)));
    await c.check('https://shop.example:8443/a', s.fetchRobots);
    await c.check('http://shop.example/a', s.fetchRobots);
    expect(s.asked).toEqual(['https://shop.example/robots.txt', 'https://shop.example:8443/robots.txt', 'http://shop.example/robots.txt']);
    expect(c.fetches).toBe(3);
  });

  it('no robots.txt (4xx) lets the request go ahead; an unreadable one (5xx, 429, network) holds the origin back, with the class of what happened', async () => {
    const s = serve({
      'https://b.example/robots.txt': { status: 503, text: 'down' },
      'https://c.example/robots.txt': new Error('ECONNREFUSED'),
      'https://d.example/robots.txt': { status: 429, text: 'slow down' },
    });
    const c = new RobotsCache();
    expect(await c.check('https://a.example/x', s.fetchRobots)).toBeNull();
    const b = await c.check('https://b.example/x', s.fetchRobots);
    expect(b).toMatchObject({ class: 'http_503', url: 'https://b.example/x' });
    expect(b!.message).toBe('robots.txt of b.example answered HTTP 503: its pages wait until it can be read (RFC 9309), asked again in 60 s');
    // A network error in the words the page would get: that is what to fix.
    expect(await c.check('https://c.example/x', s.fetchRobots)).toMatchObject({ class: 'network', message: 'network error: ECONNREFUSED' });
    expect(await c.check('https://d.example/x', s.fetchRobots)).toMatchObject({ class: 'http_429' });
  });

  it('Disallow: / for everyone forbids everything', async () => {
    const s = serve({ 'https://d.example/robots.txt': { status: 200, text: 'User-agent: *\nDisallow: /\n' } });
    expect((await new RobotsCache().check('https://d.example/', s.fetchRobots))?.message).toContain('line 2: "Disallow: /"');
  });
});
