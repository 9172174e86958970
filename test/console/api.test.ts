import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { buildApp, type App } from '../../src/server/app.js';
import { FORMULA_NAME, makeConsoleFixture, MARKUP_NAME, PASSWORDS, targetYaml, type ConsoleFixture, type RoleUser } from '../helpers/console-fixture.js';

let fx: ConsoleFixture;
let app: App;
let base: string;

interface Client {
  cookie: string;
  csrf: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any; headers: Headers; raw: Buffer }>;
}

async function call(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; json: any; headers: Headers; raw: Buffer }> {
  const res = await fetch(base + path, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const raw = Buffer.from(await res.arrayBuffer());
  let json: any = null;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    /* not JSON */
  }
  return { status: res.status, json, headers: res.headers, raw };
}

const anon: Client = { cookie: '', csrf: '', call: (m, p, b, h = {}) => call(m, p, b, h) };

async function login(user: RoleUser): Promise<Client> {
  const r = await fetch(base + '/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password: PASSWORDS[user] }) });
  expect(r.status, user).toBe(200);
  const me = (await r.json()) as { csrf: string };
  const cookie = r.headers.get('set-cookie')!.split(';')[0]!;
  return { cookie, csrf: me.csrf, call: (m, p, b, h = {}) => call(m, p, b, { cookie, 'x-csrf-token': me.csrf, ...h }) };
}

const as: Partial<Record<RoleUser, Client>> = {};
const ROLES: RoleUser[] = ['admin', 'ops', 'hr', 'head', 'manager'];

beforeAll(async () => {
  fx = await makeConsoleFixture();
  app = await buildApp({ ctx: fx.ctx, console: false, loginRate: 1000 });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  for (const r of ROLES) as[r] = await login(r);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await fx?.cleanup();
});

describe('sessions, tokens and CSRF', () => {
  it('health and the OpenAPI document answer without login; everything else says 401 as JSON with code, message, field', async () => {
    const h = await anon.call('GET', '/api/health');
    expect(h.status).toBe(200);
    expect(h.json.ok).toBe(true);
    const doc = await anon.call('GET', '/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.json.openapi).toMatch(/^3\./);
    for (const p of ['/api/targets', '/api/targets/{id}', '/api/alerts', '/api/compare/export', '/api/outbox', '/api/attrition', '/api/attrition/{id}/ack', '/api/teams', '/api/coaching', '/api/scorecards', '/api/scorecards/{id}', '/api/audit', '/api/users', '/api/rules/{name}']) {
      expect(Object.keys(doc.json.paths), p).toContain(p);
    }
    const r = await anon.call('GET', '/api/targets');
    expect(r.status).toBe(401);
    expect(r.json.error).toEqual({ code: 'unauthorized', message: 'log in first', field: null });
  });

  it('a wrong password is refused without saying which half was wrong; the cookie is HTTP-only and SameSite', async () => {
    const bad = await anon.call('POST', '/api/session', { user: 'ops', password: 'nope-nope' });
    const unknown = await anon.call('POST', '/api/session', { user: 'nobody', password: 'nope-nope' });
    expect(bad.status).toBe(401);
    expect(unknown.json.error.message).toBe(bad.json.error.message);
    const ok = await fetch(base + '/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'ops', password: PASSWORDS.ops }) });
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    // The hash on disk is scrypt, never the password.
    const users = readFileSync(join(fx.paths.stateDir, 'console', 'users.json'), 'utf8');
    expect(users).not.toContain(PASSWORDS.ops);
    expect(users).toMatch(/"password": "scrypt\$32768\$8\$1\$/);
  });

  it('a change with the session but without its CSRF token, or from another origin, is refused', async () => {
    const ops = as.ops!;
    const noToken = await call('POST', '/api/targets/east-shop/pause', undefined, { cookie: ops.cookie });
    expect(noToken.status).toBe(403);
    expect(noToken.json.error.field).toBe('_csrf');
    const wrong = await call('POST', '/api/targets/east-shop/pause', undefined, { cookie: ops.cookie, 'x-csrf-token': 'x'.repeat(32) });
    expect(wrong.status).toBe(403);
    const cross = await ops.call('POST', '/api/targets/east-shop/pause', undefined, { origin: 'http://evil.example' });
    expect(cross.status).toBe(403);
    expect(cross.json.error.message).toMatch(/cross-origin/);
    // Nothing changed.
    expect(readFileSync(join(fx.ws.home, 'scrapers', 'east-shop.yaml'), 'utf8')).not.toContain('enabled: false');
  });

  it('logins are rate limited per address', async () => {
    const limited = await buildApp({ ctx: fx.ctx, console: false, loginRate: 3 });
    const url = await limited.listen({ port: 0, host: '127.0.0.1' });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await fetch(url + '/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'ops', password: 'guess-' + i }) });
        codes.push(r.status);
      }
      expect(codes).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await limited.close();
    }
  });

  it('an API token works without CSRF for scripts, and stops working once revoked', async () => {
    const t = await as.admin!.call('POST', '/api/users/ops/tokens', { label: 'nightly export' });
    expect(t.status).toBe(201);
    const bearer = { authorization: `Bearer ${t.json.token}` };
    expect((await call('GET', '/api/targets', undefined, bearer)).status).toBe(200);
    expect((await call('POST', '/api/targets/south-shop/try', undefined, bearer)).status).toBe(200);
    expect((await call('GET', '/api/attrition', undefined, bearer)).status).toBe(403);
    expect(readFileSync(join(fx.paths.stateDir, 'console', 'users.json'), 'utf8')).not.toContain(t.json.token);
    expect((await as.admin!.call('DELETE', `/api/users/ops/tokens/${t.json.id}`)).status).toBe(204);
    const after = await call('GET', '/api/targets', undefined, bearer);
    expect(after.status).toBe(401);
  });

  it('logging out ends the session', async () => {
    const c = await login('ops');
    expect((await c.call('DELETE', '/api/session')).status).toBe(204);
    expect((await c.call('GET', '/api/targets')).status).toBe(401);
  });
});

/** Every read route, and who may use it. */
const READS: [string, RoleUser[]][] = [
  ['/api/targets', ['admin', 'ops', 'head']],
  ['/api/targets/east-shop', ['admin', 'ops', 'head']],
  ['/api/targets/east-shop/runs', ['admin', 'ops', 'head']],
  ['/api/targets/east-shop/items/E1/history', ['admin', 'ops', 'head']],
  ['/api/alerts', ['admin', 'ops', 'head', 'manager']],
  ['/api/mutes', ['admin', 'ops', 'head', 'manager']],
  ['/api/compare', ['admin', 'ops', 'head']],
  ['/api/compare/export?format=csv', ['admin', 'ops', 'head']],
  ['/api/outbox', ['admin', 'ops']],
  ['/api/attrition', ['hr']],
  ['/api/attrition/audit', ['hr']],
  ['/api/teams', ['manager']],
  ['/api/coaching', ['manager']],
  ['/api/scorecards', ['manager']],
  ['/api/audit', ['admin']],
  ['/api/users', ['admin']],
  ['/api/users/ops', ['admin']],
  ['/api/rules/owners.yaml', ['admin']],
];

describe('every read route, every role', () => {
  for (const [path, allowed] of READS) {
    it(`GET ${path}: ${allowed.join(', ')} only`, async () => {
      expect((await anon.call('GET', path)).status).toBe(401);
      for (const r of ROLES) {
        const res = await as[r]!.call('GET', path);
        expect(res.status, `${r} GET ${path}: ${res.raw.toString().slice(0, 200)}`).toBe(allowed.includes(r) ? 200 : 403);
        if (!allowed.includes(r)) expect(res.json.error.code).toBe('forbidden');
      }
    });
  }
});

describe('scope: regions and teams are enforced on the server', () => {
  it('a head sees the targets, alerts and 比价 of their regions only; others are "not found"', async () => {
    const head = as.head!;
    const list = await head.call('GET', '/api/targets');
    expect(list.json.targets.map((t: { id: string }) => t.id)).toEqual(['east-shop']);
    expect(list.json.configErrors).toEqual([]);
    expect((await head.call('GET', '/api/targets/south-shop')).status).toBe(404);
    expect((await head.call('GET', '/api/targets/south-shop/runs')).status).toBe(404);
    const alerts = await head.call('GET', '/api/alerts');
    expect(alerts.json.alerts.length).toBeGreaterThan(0);
    expect(new Set(alerts.json.alerts.map((a: { region: string }) => a.region))).toEqual(new Set(['east']));
    const southAlert = (await as.ops!.call('GET', '/api/alerts?region=south')).json.alerts[0];
    expect(southAlert).toBeTruthy();
    expect((await head.call('GET', `/api/alerts/${encodeURIComponent(southAlert.id)}`)).status).toBe(404);
    expect((await head.call('POST', `/api/alerts/${encodeURIComponent(southAlert.id)}/ack`, { note: 'x' })).status).toBe(404);
    const cmp = await head.call('GET', '/api/compare');
    expect(new Set(cmp.json.rows.map((r: { region: string }) => r.region))).toEqual(new Set(['east']));
    const csv = (await head.call('GET', '/api/compare/export?format=csv')).raw.toString('utf8');
    expect(csv).toContain('east,R-1');
    expect(csv).not.toContain('south,');
    expect((await head.call('POST', '/api/mutes', { targetId: 'south-shop', days: 3 })).status).toBe(404);
  });

  it('a manager sees their own teams only, and never attrition', async () => {
    const m = as.manager!;
    const teams = await m.call('GET', '/api/teams');
    expect(teams.json.week).toBe('2026-W47');
    expect(teams.json.teams.map((t: { team: string }) => t.team)).toEqual(['华东一组']);
    expect(teams.json.teams[0].people.length).toBeGreaterThan(0);
    const coaching = await m.call('GET', '/api/coaching');
    for (const c of coaching.json) expect(c.team).toBe('华东一组');
    const alerts = await m.call('GET', '/api/alerts');
    const topics = new Set(alerts.json.alerts.map((a: { topic: string }) => a.topic));
    expect([...topics].every((t) => t === 'team' || t === 'coaching')).toBe(true);
    expect(JSON.stringify(alerts.json)).not.toMatch(/attrition/);
  });

  it("ops and admins do not see people's coaching or team figures in alerts", async () => {
    for (const r of ['ops', 'admin'] as const) {
      const all = await as[r]!.call('GET', '/api/alerts?limit=5000');
      const topics = new Set(all.json.alerts.map((a: { topic: string }) => a.topic));
      for (const t of ['attrition', 'coaching', 'team', 'card']) expect(topics.has(t), `${r} sees ${t}`).toBe(false);
      expect(topics.has('price')).toBe(true);
    }
  });
});

describe('HR data stays with HR', () => {
  it('HR lists open alerts with score, trend and drivers; each view is audited with who looked', async () => {
    const hr = as.hr!;
    const list = await hr.call('GET', '/api/attrition');
    expect(list.status).toBe(200);
    expect(list.json.length).toBeGreaterThan(0);
    const a = list.json[0];
    expect(a.payload.drivers.length).toBeGreaterThan(0);
    expect(a.payload.trend.length).toBeGreaterThan(0);
    const one = await hr.call('GET', `/api/attrition/${encodeURIComponent(a.alertId)}`);
    expect(one.status).toBe(200);
    const audit = await hr.call('GET', `/api/attrition/audit?alertId=${encodeURIComponent(a.alertId)}`);
    expect(audit.json.some((e: { event: string; by: string }) => e.event === 'viewed' && e.by === 'hr')).toBe(true);
    expect(audit.json.some((e: { event: string; by: string }) => e.event === 'listed' && e.by === 'hr')).toBe(true);
  });

  it('HR acknowledges with a note; a second ack is a conflict; an empty note is refused with its field', async () => {
    const hr = as.hr!;
    const [a] = (await hr.call('GET', '/api/attrition')).json;
    const empty = await hr.call('POST', `/api/attrition/${encodeURIComponent(a.alertId)}/ack`, { note: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.json.error.field).toBe('note');
    const ok = await hr.call('POST', `/api/attrition/${encodeURIComponent(a.alertId)}/ack`, { note: 'talked 1:1; workload' });
    expect(ok.status).toBe(200);
    expect(ok.json.status).toBe('acked');
    expect(ok.json.ack.by).toBe('hr');
    expect((await hr.call('POST', `/api/attrition/${encodeURIComponent(a.alertId)}/ack`, { note: 'again' })).status).toBe(409);
    const reviewed = await hr.call('GET', '/api/attrition?reviewed=1');
    expect(reviewed.json.some((r: { alertId: string; status: string }) => r.alertId === a.alertId && r.status === 'acked')).toBe(true);
  });

  it('no other role reaches HR data through any route: not by id, not by search, not in the outbox, not in errors', async () => {
    const [a] = (await as.hr!.call('GET', '/api/attrition?reviewed=1')).json;
    const name: string = a.payload.name;
    for (const r of ['admin', 'ops', 'head', 'manager'] as const) {
      const c = as[r]!;
      for (const [m, p, b] of [
        ['GET', `/api/attrition/${encodeURIComponent(a.alertId)}`],
        ['POST', `/api/attrition/${encodeURIComponent(a.alertId)}/ack`, { note: 'x' }],
        ['GET', `/api/alerts/${encodeURIComponent(a.alertId)}`],
        ['GET', `/api/alerts?q=${encodeURIComponent(name)}`],
        ['GET', `/api/alerts?topic=attrition`],
        ['GET', '/api/outbox?limit=5000'],
        ['GET', '/api/audit?limit=5000'],
        ['GET', '/api/compare/export?format=csv'],
      ] as [string, string, unknown?][]) {
        const res = await c.call(m, p, b);
        const text = res.raw.toString('utf8');
        expect(text, `${r} ${m} ${p}`).not.toContain(name);
        expect(text, `${r} ${m} ${p}`).not.toContain(a.personId);
        expect(text, `${r} ${m} ${p}`).not.toContain('hr-partner@example.com');
      }
    }
    // The outbox shows that an HR email exists, nothing more.
    const outbox = await as.ops!.call('GET', '/api/outbox?limit=5000');
    const hrMsg = outbox.json.messages.find((m: { hr: boolean }) => m.hr);
    expect(hrMsg).toMatchObject({ to: '(HR)', subject: '(HR email)' });
  });
});

describe('targets: create, validate, edit with versions, try, run, pause, delete', () => {
  it('a bad target is refused with the same file:line: field as radar validate', async () => {
    const ops = as.ops!;
    const yaml = targetYaml('new-shop', 'east', fx.shop.url, '/east') + '  colour: red\n';
    const r = await ops.call('POST', '/api/targets', { yaml });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('config');
    expect(r.json.error.field).toBe('items.colour');
    expect(r.json.error.line).toBe(17);
    expect(r.json.error.where).toMatch(/scrapers\/new-shop\.yaml:17$/);
    // The CLI says the same about the same text.
    fx.ws.writeTarget('new-shop.yaml', yaml);
    const cli = await fx.ws.radar('validate', join(fx.ws.home, 'scrapers', 'new-shop.yaml'));
    expect(cli.stderr).toContain(`:17: ${r.json.error.message}`);
    await import('node:fs').then((fs) => fs.unlinkSync(join(fx.ws.home, 'scrapers', 'new-shop.yaml')));
    const region = await ops.call('POST', '/api/targets', { yaml: targetYaml('new-shop', 'west', fx.shop.url, '/east') });
    expect(region.json.error).toMatchObject({ code: 'config', field: 'region' });
    const cron = await ops.call('POST', '/api/targets', { yaml: targetYaml('new-shop', 'east', fx.shop.url, '/east').replace('0 8 * * *', '0 25 * * *') });
    expect(cron.json.error).toMatchObject({ code: 'config', field: 'schedule' });
    const schema = await ops.call('POST', '/api/targets', { nonsense: 1 });
    expect(schema.status).toBe(400);
    expect(schema.json.error.code).toBe('invalid');
  });

  it('ops tries an unsaved target, creates it as JSON, and it is a YAML file the CLI reads', async () => {
    const ops = as.ops!;
    const tried = await ops.call('POST', '/api/targets/try', { yaml: targetYaml('fresh-shop', 'east', fx.shop.url, '/east') });
    expect(tried.status).toBe(200);
    expect(tried.json.verdict).toBe('good');
    expect(tried.json.items.map((i: { key: string }) => i.key)).toEqual(['E1', 'E2', 'E3']);
    const created = await ops.call('POST', '/api/targets', {
      target: { id: 'fresh-shop', kind: 'price', competitor: 'Fresh', region: 'east', fetch: { url: `${fx.shop.url}/east`, min_interval_ms: 0 }, items: { each: '.product', key: '@data-sku', fields: { name: '.title', price: '.price' } } },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe(created.json.etag);
    expect(readFileSync(join(fx.ws.home, 'scrapers', 'fresh-shop.yaml'), 'utf8')).toContain('competitor: Fresh');
    expect((await ops.call('POST', '/api/targets', { yaml: targetYaml('fresh-shop', 'east', fx.shop.url, '/east') })).status).toBe(409);
    const cli = await fx.ws.radar('validate');
    expect(cli.stdout).toContain('ok  fresh-shop');
  });

  it('two editors: the second save over a stale version is refused (412), a save without a version too (428)', async () => {
    const ops = as.ops!;
    const admin = as.admin!;
    const a = await ops.call('GET', '/api/targets/fresh-shop');
    const b = await admin.call('GET', '/api/targets/fresh-shop');
    const first = await ops.call('PUT', '/api/targets/fresh-shop', { yaml: a.json.yaml.replace('competitor: Fresh', 'competitor: Fresh Mart') }, { 'if-match': a.json.etag });
    expect(first.status).toBe(200);
    const second = await admin.call('PUT', '/api/targets/fresh-shop', { yaml: b.json.yaml.replace('competitor: Fresh', 'competitor: Fresh Co') }, { 'if-match': b.json.etag });
    expect(second.status).toBe(412);
    expect(second.json.error.field).toBe('etag');
    expect((await admin.call('PUT', '/api/targets/fresh-shop', { yaml: b.json.yaml })).status).toBe(428);
    expect(readFileSync(join(fx.ws.home, 'scrapers', 'fresh-shop.yaml'), 'utf8')).toContain('competitor: Fresh Mart');
    const rename = await ops.call('PUT', '/api/targets/fresh-shop', { yaml: first.json.yaml.replace('id: fresh-shop', 'id: other') }, { 'if-match': first.json.etag });
    expect(rename.json.error.field).toBe('id');
  });

  it('run now stores a good run with items; try changes nothing; pause and resume edit enabled:', async () => {
    const ops = as.ops!;
    const run = await ops.call('POST', '/api/targets/fresh-shop/run');
    expect(run.status).toBe(200);
    expect(run.json).toMatchObject({ status: 'done', targets: [{ id: 'fresh-shop', verdict: 'good', items: 3 }] });
    const d = await ops.call('GET', '/api/targets/fresh-shop');
    expect(d.json.target.health.status).toBe('healthy');
    expect(d.json.runs[0].verdict).toBe('good');
    expect(d.json.items.map((i: { key: string }) => i.key).sort()).toEqual(['E1', 'E2', 'E3']);
    const hist = await ops.call('GET', '/api/targets/east-shop/items/E1/history');
    expect(hist.json.history.map((p: { amount: number }) => p.amount)).toEqual([2999, 2499]);
    const before = readFileSync(join(fx.paths.stateDir, 'targets', 'east-shop.snapshot.json'));
    expect((await ops.call('POST', '/api/targets/east-shop/try')).json.verdict).toBe('good');
    expect(readFileSync(join(fx.paths.stateDir, 'targets', 'east-shop.snapshot.json')).equals(before)).toBe(true);
    const paused = await ops.call('POST', '/api/targets/fresh-shop/pause');
    expect(paused.json.target.enabled).toBe(false);
    expect((await ops.call('POST', '/api/targets/fresh-shop/run')).status).toBe(409);
    expect((await ops.call('POST', '/api/targets/fresh-shop/resume')).json.target.enabled).toBe(true);
    for (const r of ['hr', 'head', 'manager'] as const) {
      expect((await as[r]!.call('POST', '/api/targets/fresh-shop/run')).status, r).toBe(403);
      expect((await as[r]!.call('POST', '/api/targets/fresh-shop/pause')).status, r).toBe(403);
      expect((await as[r]!.call('POST', '/api/targets/try', { yaml: 'id: x' })).status, r).toBe(403);
      expect((await as[r]!.call('POST', '/api/targets', { yaml: 'id: x' })).status, r).toBe(403);
    }
  });

  it('delete needs the version; the history stays; changes are in the audit log with who made them', async () => {
    const ops = as.ops!;
    const d = await ops.call('GET', '/api/targets/fresh-shop');
    expect((await as.head!.call('DELETE', '/api/targets/fresh-shop', undefined, { 'if-match': d.json.etag })).status).toBe(403);
    expect((await ops.call('DELETE', '/api/targets/fresh-shop')).status).toBe(428);
    expect((await ops.call('DELETE', '/api/targets/fresh-shop', undefined, { 'if-match': d.json.etag })).status).toBe(204);
    expect((await ops.call('GET', '/api/targets/fresh-shop')).status).toBe(404);
    const audit = await as.admin!.call('GET', '/api/audit?subject=fresh-shop');
    expect(audit.json.map((e: { action: string }) => e.action)).toEqual(['target.delete', 'target.resume', 'target.pause', 'target.run', 'target.update', 'target.create']);
    expect(audit.json[0]).toMatchObject({ by: 'ops', role: 'ops', via: 'session' });
  });
});

describe('alerts, mutes, 比价 and outbox', () => {
  it('ops acknowledge an alert; a mute holds back the next alert for that item', async () => {
    const ops = as.ops!;
    const list = await ops.call('GET', '/api/alerts?topic=price&target=east-shop');
    const e1 = list.json.alerts.find((a: { key: string }) => a.key === 'E1');
    expect(e1.deliveries[0]).toMatchObject({ to: 'east-head@example.com', status: 'sent', channel: 'email' });
    const acked = await ops.call('POST', `/api/alerts/${encodeURIComponent(e1.id)}/ack`, { note: 'seen, matching promo' });
    expect(acked.json.ack).toMatchObject({ by: 'ops', note: 'seen, matching promo' });
    expect((await ops.call('GET', '/api/alerts?status=acked')).json.alerts.map((a: { id: string }) => a.id)).toContain(e1.id);
    const bad = await ops.call('POST', '/api/mutes', { targetId: 'east-shop', key: 'E1', days: 0 });
    expect(bad.status).toBe(400);
    expect(bad.json.error.field).toBe('days');
    const mute = await ops.call('POST', '/api/mutes', { targetId: 'east-shop', key: 'E1', days: 7 });
    expect(mute.status).toBe(201);
    fx.prices.E1 = 1999;
    fx.prices.E2 = 3999;
    const run = await ops.call('POST', '/api/targets/east-shop/run');
    expect(run.json.status).toBe('done');
    const after = (await ops.call('GET', '/api/alerts?topic=price&target=east-shop')).json.alerts;
    const e1New = after.find((a: { key: string; payload: { newAmount: number } }) => a.key === 'E1' && a.payload.newAmount === 1999);
    const e2New = after.find((a: { key: string; payload: { newAmount: number } }) => a.key === 'E2' && a.payload.newAmount === 3999);
    expect(e1New.suppressed).toMatch(/^muted until/);
    expect(e1New.deliveries).toEqual([]);
    expect(e2New.suppressed).toBeNull();
    expect(e2New.deliveries.length).toBe(1);
    expect((await ops.call('DELETE', `/api/mutes/${mute.json.id}`)).status).toBe(204);
  });

  it('the 比价 export defuses formulas and keeps markup as text, in CSV and XLSX', async () => {
    const csv = (await as.ops!.call('GET', '/api/compare/export?format=csv')).raw.toString('utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain(`"'${FORMULA_NAME.replace(/"/g, '""')}"`);
    expect(csv).not.toMatch(/,=HYPERLINK/);
    expect(csv).toContain(`"${MARKUP_NAME.replace(/"/g, '""')}"`);
    const x = await as.ops!.call('GET', '/api/compare/export?format=xlsx&region=south');
    expect(x.headers.get('content-disposition')).toMatch(/attachment; filename="price-index-south-.*\.xlsx"/);
    const ExcelJS = createRequire(import.meta.url)('exceljs') as typeof import('exceljs');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.raw as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const cells: unknown[] = [];
    ws.eachRow((row) => row.eachCell((c) => cells.push(c.value)));
    expect(cells).toContain(`'${FORMULA_NAME}`);
    expect(cells.some((c) => typeof c === 'object' && c !== null && 'formula' in c)).toBe(false);
    expect(cells).toContain(3299);
  });

  it('the outbox lists messages by status, and resend of a sent one is a conflict', async () => {
    const ops = as.ops!;
    const o = await ops.call('GET', '/api/outbox?status=sent');
    expect(o.json.messages.length).toBeGreaterThan(0);
    expect(o.json.counts.sent).toBe(o.json.messages.length);
    const r = await ops.call('POST', `/api/outbox/${o.json.messages[0].id}/resend`);
    expect(r.status).toBe(409);
    expect((await ops.call('POST', '/api/outbox/nope/resend')).status).toBe(404);
    expect((await as.head!.call('POST', `/api/outbox/${o.json.messages[0].id}/resend`)).status).toBe(403);
  });
});

describe('admin: users and rules', () => {
  it('admins create users with scope; a head needs a known region; the last admin cannot be demoted', async () => {
    const admin = as.admin!;
    const bad = await admin.call('POST', '/api/users', { name: 'west-head', role: 'head', password: 'long-enough', regions: ['west'] });
    expect(bad.status).toBe(400);
    expect(bad.json.error.field).toBe('regions');
    const short = await admin.call('POST', '/api/users', { name: 'x', role: 'ops', password: 'short' });
    expect(short.json.error.field).toBe('password');
    const made = await admin.call('POST', '/api/users', { name: 'south-head', role: 'head', password: 'long-enough', regions: ['south'] });
    expect(made.status).toBe(201);
    expect(JSON.stringify(made.json)).not.toMatch(/scrypt|long-enough/);
    const v = (await admin.call('GET', '/api/users')).headers.get('etag')!;
    const demote = await admin.call('PATCH', '/api/users/admin', { role: 'ops' }, { 'if-match': v });
    expect(demote.status).toBe(409);
    const stale = await admin.call('PATCH', '/api/users/south-head', { regions: ['east'] }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    for (const r of ['ops', 'hr', 'head', 'manager'] as const) expect((await as[r]!.call('POST', '/api/users', { name: 'sneaky', role: 'admin', password: 'long-enough' })).status, r).toBe(403);
    const sh = await login('ops').then(() => fetch(base + '/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'south-head', password: 'long-enough' }) }));
    expect(sh.status).toBe(200);
  });

  it('radar users adds a scoped user and a token from the command line, through the same checks', async () => {
    const bad = await fx.ws.radar('users', 'add', 'carol', '--role', 'head', '--regions', 'west', '--password', 'long-enough');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('radar: unknown region west (known: east, south, north)');
    const ok = await fx.ws.radar('users', 'add', 'carol', '--role', 'head', '--regions', 'east', '--password', 'long-enough');
    expect(ok.stdout).toContain('added carol (head, regions east)');
    const list = await fx.ws.radar('users', 'list', '--json');
    expect(JSON.parse(list.stdout).find((u: { name: string }) => u.name === 'carol')).toMatchObject({ role: 'head', regions: ['east'] });
    const tok = (await fx.ws.radar('users', 'token', 'carol')).stdout.trim();
    const r = await call('GET', '/api/targets', undefined, { authorization: `Bearer ${tok}` });
    expect(r.json.targets.map((t: { id: string }) => t.id)).toEqual(['east-shop']);
    const audit = await as.admin!.call('GET', '/api/audit?subject=carol');
    expect(audit.json.map((e: { action: string; via: string }) => `${e.action}/${e.via}`)).toEqual(['token.create/cli', 'user.create/cli']);
  });

  it('admins edit rules/owners.yaml with a version; a broken file is refused with its line', async () => {
    const admin = as.admin!;
    const r = await admin.call('GET', '/api/rules/owners.yaml');
    const bad = await admin.call('PUT', '/api/rules/owners.yaml', { yaml: r.json.yaml.replace('ops: [sales-ops@example.com]', 'ops: [not-an-email]') }, { 'if-match': r.json.etag });
    expect(bad.status).toBe(400);
    expect(bad.json.error.field).toBe('ops.0');
    const ok = await admin.call('PUT', '/api/rules/owners.yaml', { yaml: r.json.yaml.replace('ops: [sales-ops@example.com]', 'ops: [sales-ops@example.com, ops2@example.com]') }, { 'if-match': r.json.etag });
    expect(ok.status).toBe(200);
    expect(readFileSync(join(fx.ws.home, 'rules', 'owners.yaml'), 'utf8')).toContain('ops2@example.com');
    expect((await admin.call('PUT', '/api/rules/owners.yaml', { yaml: r.json.yaml }, { 'if-match': r.json.etag })).status).toBe(412);
    expect((await as.ops!.call('PUT', '/api/rules/owners.yaml', { yaml: r.json.yaml }, { 'if-match': ok.json.etag })).status).toBe(403);
    expect((await admin.call('GET', '/api/rules/secrets.yaml')).status).toBe(404);
  });
});
