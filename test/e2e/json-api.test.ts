import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type FixtureServer } from '../helpers/server.js';
import { makeWorkspace, type Workspace } from '../helpers/workspace.js';
import { readSnapshot } from '../../src/store/snapshot.js';

interface ApiItem {
  id: number;
  title: string;
  price: { current: number; currency: string };
  link: string;
}

interface RunJson {
  exitCode: number;
  targets: { id: string; verdict: string; failure: { class: string; message: string } | null; items: number; pages: number; alerts: string[] }[];
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((r) => {
    let b = '';
    req.on('data', (c: Buffer) => (b += c.toString()));
    req.on('end', () => r(b));
  });

const json = (res: ServerResponse, data: unknown, status = 200) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(data));
};

describe('JSON API targets: GET/POST, items and fields by path, page/offset pagination', () => {
  let api: FixtureServer;
  let ws: Workspace;
  let catalog: ApiItem[];
  let failPage: number | null;
  const posted: { body: unknown; headers: IncomingMessage['headers'] }[] = [];

  beforeEach(async () => {
    catalog = Array.from({ length: 12 }, (_v, i) => ({ id: 100 + i, title: `商用空调 ${i + 1}`, price: { current: 5000 + i * 100, currency: 'CNY' }, link: `/item/${100 + i}` }));
    failPage = null;
    posted.length = 0;
    api = await startServer({
      // GET ?page=N&size=5, 1-based, an empty list past the end.
      '/api/products': (_req, res, url) => {
        const page = Number(url.searchParams.get('page'));
        const size = Number(url.searchParams.get('size'));
        if (page === failPage) return json(res, { code: 500, msg: 'internal error' }, 500);
        json(res, { code: 0, data: { list: catalog.slice((page - 1) * size, page * size), total: catalog.length } });
      },
      // POST {query, paging: {offset, limit}}
      '/api/search': async (req, res) => {
        const body = JSON.parse(await readBody(req)) as { query: string; paging: { offset: number; limit: number } };
        posted.push({ body, headers: req.headers });
        if (req.headers['x-api-key'] !== 'k-123456') return json(res, { code: 401, msg: 'bad key' }, 401);
        const { offset, limit } = body.paging;
        json(res, { result: { items: catalog.filter((c) => c.title.includes(body.query)).slice(offset, offset + limit) } });
      },
      '/api/html': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body><h1>系统维护中</h1><p>请稍后再试</p></body></html>');
      },
    });
    ws = makeWorkspace();
  });

  afterEach(async () => {
    await api.close();
    ws.cleanup();
  });

  const getTarget = (extra = '') => `
id: api-shop
kind: price
competitor: API
region: east
fetch:
  mode: json
  url: ${api.url}/api/products?size=5
  min_interval_ms: 0
  retries: 0
  paginate: { param: page, start: 1 }
${extra}items:
  each: "data.list[*]"
  key: "id"
  fields:
    name: "title"
    price: "price.current"
    url: "link"
`;

  const run = async (...args: string[]): Promise<RunJson> => JSON.parse((await ws.radar('run', '--json', ...args)).stdout) as RunJson;

  it('GET: follows ?page= until an empty page, reads nested fields, makes links absolute, and alerts a price move', async () => {
    ws.writeTarget('api.yaml', getTarget());
    const first = await run();
    expect(first.targets[0]).toMatchObject({ verdict: 'good', items: 12, pages: 4 });
    expect(api.hits.map((h) => h.path)).toEqual(['/robots.txt', ...[1, 2, 3, 4].map((p) => `/api/products?size=5&page=${p}`)]);
    expect(api.hits.find((h) => h.path.startsWith('/api/'))!.headers.accept).toMatch(/^application\/json/);

    const snap = readSnapshot(ws.state, 'api-shop')!;
    expect(snap.items.get('105')!.data).toMatchObject({ name: '商用空调 6', amount: 5500, currency: 'CNY', url: `${api.url}/item/105` });

    catalog[5]!.price.current = 4800; // -12.7 %
    const second = await run();
    expect(second.targets[0]!.alerts).toEqual([expect.stringMatching(/^price:api-shop:105:5500->4800@/)]);
  });

  it('stops at max_pages without failing', async () => {
    ws.writeTarget('api.yaml', getTarget().replace('  retries: 0\n', '  retries: 0\n  max_pages: 2\n'));
    const r = await run();
    expect(r.targets[0]).toMatchObject({ verdict: 'good', items: 10, pages: 2 });
  });

  it('a failed page in the middle fails the whole run and leaves the snapshot as it was', async () => {
    ws.writeTarget('api.yaml', getTarget());
    await run();
    const file = join(ws.state, 'targets', 'api-shop.snapshot.json');
    const before = readFileSync(file);
    failPage = 2;
    const r = await run();
    expect(r.targets[0]!.verdict).toBe('failed');
    expect(r.targets[0]!.failure!.class).toBe('http_500');
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(r.targets[0]!.alerts).toEqual([]);
  });

  it('POST: a JSON body from YAML with the offset inside it, headers with secrets from the environment', async () => {
    ws.writeTarget(
      'search.yaml',
      `
id: api-search
kind: price
competitor: API
region: east
fetch:
  mode: json
  url: ${api.url}/api/search
  method: POST
  headers: { x-api-key: "\${SHOP_API_KEY}" }
  body:
    query: 空调
    paging: { offset: 0, limit: 5 }
  paginate: { param: paging.offset, start: 0, step: 5 }
  min_interval_ms: 0
items:
  each: "result.items"
  key: "id"
  fields: { name: "title", price: "price.current" }
`,
    );
    const saved = process.env.SHOP_API_KEY;
    process.env.SHOP_API_KEY = 'k-123456';
    try {
      const r = await run();
      expect(r.targets[0]).toMatchObject({ verdict: 'good', items: 12, pages: 4 });
      expect(posted.map((p) => (p.body as { paging: { offset: number } }).paging.offset)).toEqual([0, 5, 10, 15]);
      expect(posted[0]!.body).toEqual({ query: '空调', paging: { offset: 0, limit: 5 } });
      expect(posted[0]!.headers['content-type']).toBe('application/json');

      process.env.SHOP_API_KEY = 'k-wrong-key';
      const bad = await run();
      expect(bad.targets[0]!.failure!.class).toBe('http_401');
      const stored = ['outbox.json', 'targets/api-search.runs.json'].map((f) => join(ws.state, f)).filter(existsSync).map((f) => readFileSync(f, 'utf8'));
      for (const text of stored) expect(text).not.toContain('k-wrong-key');
    } finally {
      if (saved === undefined) delete process.env.SHOP_API_KEY;
      else process.env.SHOP_API_KEY = saved;
    }
  });

  it('an API that answers HTML is a parse_error with a sample of what came back', async () => {
    ws.writeTarget('api.yaml', getTarget().replace('/api/products?size=5', '/api/html').replace('  paginate: { param: page, start: 1 }\n', ''));
    const r = await run();
    expect(r.targets[0]!.failure!.class).toBe('parse_error');
    const log = JSON.parse(readFileSync(join(ws.state, 'targets', 'api-shop.runs.json'), 'utf8')) as { lastFailure: { sample: string } };
    expect(log.lastFailure.sample).toContain('系统维护中');
  });

  it('radar validate explains a json target without items, a paginate next to pages, browser options on an http target', async () => {
    ws.writeTarget('bad.yaml', `id: bad\nkind: price\ncompetitor: X\nregion: east\nfetch:\n  mode: json\n  url: ${api.url}/api\n`);
    ws.writeTarget('bad2.yaml', `id: bad2\nkind: price\ncompetitor: X\nregion: east\nfetch:\n  url: ${api.url}/x?p={page}\n  pages: 1..3\n  paginate: { param: p }\nitems: { each: ".a", fields: { name: ".n" } }\n`);
    ws.writeTarget('bad3.yaml', `id: bad3\nkind: price\ncompetitor: X\nregion: east\nfetch:\n  url: ${api.url}/x\n  wait_for: ".price"\nitems: { each: ".a", fields: { name: ".n" } }\n`);
    const r = await ws.radar('validate');
    expect(r.code).toBe(2);
    expect(r.stderr + r.stdout).toMatch(/bad\.yaml:\d+: items: required with fetch\.mode: json/);
    expect(r.stderr + r.stdout).toMatch(/bad2\.yaml:8: fetch\.paginate: use one of pages, next or paginate/);
    expect(r.stderr + r.stdout).toMatch(/bad3\.yaml:7: fetch\.wait_for: only used with mode: browser/);
  });
});
