import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/server/app.js';
import { makeConsoleFixture, PASSWORDS, type ConsoleFixture, type RoleUser } from '../helpers/console-fixture.js';
import { pagedGridRoute } from '../helpers/fixture-shops.js';

let fx: ConsoleFixture;
let app: App;
let base: string;

async function session(user: RoleUser): Promise<{ cookie: string; csrf: string }> {
  const r = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password: PASSWORDS[user] }) });
  return { cookie: r.headers.get('set-cookie')!.split(';')[0]!, csrf: ((await r.json()) as { csrf: string }).csrf };
}

async function suggest(s: { cookie: string; csrf: string } | null, body: unknown): Promise<{ status: number; json: any }> {
  const r = await fetch(`${base}/api/targets/suggest`, { method: 'POST', headers: { 'content-type': 'application/json', ...(s ? { cookie: s.cookie, 'x-csrf-token': s.csrf } : {}) }, body: JSON.stringify(body) });
  return { status: r.status, json: await r.json() };
}

beforeAll(async () => {
  fx = await makeConsoleFixture({ jobs: false });
  fx.shop.routes.set('/paged', pagedGridRoute());
  fx.shop.routes.set('/robots.txt', (_q, res) => void res.end('User-agent: *\nDisallow: /private\n'));
  fx.shop.routes.set('/private', pagedGridRoute());
  app = await buildApp({ ctx: fx.ctx, console: false, loginRate: 1000 });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await fx?.cleanup();
});

describe('POST /api/targets/suggest', () => {
  it('proposes items and the next link for ops, with page 2 counted and the YAML to paste', async () => {
    const r = await suggest(await session('ops'), { url: `${fx.shop.url}/paged` });
    expect(r.status).toBe(200);
    expect(r.json.proposal.each).toBe('.goods-card');
    expect(r.json.proposal.count).toBe(4);
    expect(r.json.proposal.rows[0]).toMatchObject({ key: 'AC-101', price: 1299, from: true });
    expect(r.json.pagination).toMatchObject({ next: 'a.next@href', nextUrl: `${fx.shop.url}/paged?page=2`, page2: { status: 200, items: 4 } });
    expect(r.json.yaml).toContain('next: a.next@href');
  });

  it('is for ops and admins with a CSRF token; robots.txt is respected; documented in the OpenAPI', async () => {
    expect((await suggest(await session('hr'), { url: `${fx.shop.url}/paged` })).status).toBe(403);
    expect((await suggest(await session('head'), { url: `${fx.shop.url}/paged` })).status).toBe(403);
    expect((await suggest(null, { url: `${fx.shop.url}/paged` })).status).toBe(401);
    const admin = await session('admin');
    expect((await suggest({ cookie: admin.cookie, csrf: 'x'.repeat(32) }, { url: `${fx.shop.url}/paged` })).status).toBe(403);
    const hits = fx.shop.hits.length;
    const denied = await suggest(admin, { url: `${fx.shop.url}/private` });
    expect(denied.status).toBe(502);
    expect(denied.json.error.message).toMatch(/robots\.txt/);
    expect(fx.shop.hits.slice(hits).map((h) => h.path)).not.toContain('/private');
    const bad = await suggest(admin, { url: 'not a url' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.field).toBe('url');
    const doc = (await (await fetch(`${base}/api/openapi.json`)).json()) as { paths: Record<string, { post?: { summary?: string } }> };
    expect(doc.paths['/api/targets/suggest']?.post?.summary).toContain('fetch.next');
  });
});
