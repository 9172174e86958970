/**
 * A manager's team heat map and coaching prompts stay in the console after the outbox forgot them:
 * the outbox keeps sent mail and its alerts for delivery.retention_days only, the weekly health
 * job's digests and prompts have a store of their own. After the real prune, through the real API
 * over HTTP and the /team page in headless Chromium; the same access as always (a manager their
 * own teams, another team's manager not them, HR and ops refused, attrition nowhere). And an
 * installation upgraded with them only in its outbox: they show at once, and are kept before the
 * delivery run's prune can drop them.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadRules } from '../../src/config/load.js';
import { deliverOutbox } from '../../src/deliver/deliver.js';
import { findBrowser } from '../../src/fetch/browser.js';
import { localPrincipal } from '../../src/service/access.js';
import { createUser } from '../../src/service/users.js';
import { Outbox } from '../../src/store/outbox.js';
import { teamHealthStore } from '../../src/store/team-health.js';
import { makeConsoleFixture, openConsole, PASSWORDS, signIn, type ConsoleFixture, type OpenConsole } from '../helpers/console-fixture.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 240_000 });

const found = findBrowser();
const browserPath = 'path' in found ? found.path : null;
const DAY = 86_400_000;
/** The manager of the other team in the sample org export. */
const OTHER = { user: 'manager2', password: 'mgr2-pass-12' };

type Who = keyof typeof PASSWORDS | 'manager2';

interface Install {
  fx: ConsoleFixture;
  con: OpenConsole;
  get(user: Who, path: string): Promise<{ status: number; json: any }>;
}

async function install(): Promise<Install> {
  const fx = await makeConsoleFixture();
  await createUser(fx.ctx, localPrincipal('test'), { name: OTHER.user, role: 'manager', password: OTHER.password, teams: ['华东二组'], email: null }, { knownRegions: ['east', 'south', 'north'] });
  const con = await openConsole(fx);
  const cookies = new Map<Who, string>();
  const get = async (user: Who, path: string) => {
    if (!cookies.has(user)) {
      const password = user === 'manager2' ? OTHER.password : PASSWORDS[user];
      const s = await fetch(con.base + '/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password }) });
      expect(s.status, user).toBe(200);
      cookies.set(user, s.headers.get('set-cookie')!.split(';')[0]!);
    }
    const res = await fetch(con.base + path, { headers: { cookie: cookies.get(user)! } });
    return { status: res.status, json: await res.json() };
  };
  return { fx, con, get };
}

const teamAlertsInOutbox = (fx: ConsoleFixture) => Object.values(new Outbox(fx.paths.stateDir).data.alerts).filter((a) => a.topic === 'team' || a.topic === 'coaching');

interface Seen {
  teams: any;
  coaching: any;
}

/** What the manager of 华东一组 sees through the API, checked for what it must hold. */
async function managerView(i: Install): Promise<Seen> {
  const teams = await i.get('manager', '/api/teams');
  expect(teams.status).toBe(200);
  expect(teams.json.week).toBe('2026-W47');
  expect(teams.json.teams.map((t: { team: string }) => t.team)).toEqual(['华东一组']);
  expect(teams.json.teams[0].people.length).toBeGreaterThan(0);
  const coaching = await i.get('manager', '/api/coaching');
  expect(coaching.status).toBe(200);
  expect(coaching.json.length).toBeGreaterThan(0);
  for (const c of coaching.json) expect(c.team).toBe('华东一组');
  return { teams: teams.json, coaching: coaching.json };
}

/** Nobody else sees 华东一组's figures: the other team's manager sees their own, HR and ops are refused. */
async function othersAsAlways(i: Install): Promise<void> {
  const other = await i.get('manager2', '/api/teams');
  expect(other.status).toBe(200);
  expect(other.json.teams.map((t: { team: string }) => t.team)).toEqual(['华东二组']);
  const otherPrompts = await i.get('manager2', '/api/coaching');
  for (const c of otherPrompts.json) expect(c.team).toBe('华东二组');
  expect(JSON.stringify([other.json, otherPrompts.json])).not.toContain('华东一组');
  for (const role of ['hr', 'ops', 'admin', 'head'] as const) {
    for (const path of ['/api/teams', '/api/coaching']) expect((await i.get(role, path)).status, `${role} ${path}`).toBe(403);
  }
}

describe.skipIf(!browserPath)('team heat maps and coaching prompts outlive the outbox', () => {
  let i: Install;
  let before: Seen;
  beforeAll(async () => {
    i = await install();
    before = await managerView(i);
  });
  afterAll(async () => {
    await i?.con.close();
  });

  it('shows them after the outbox pruned them and their email (retention_days later)', async () => {
    expect(teamAlertsInOutbox(i.fx).length).toBeGreaterThan(0);
    // The outbox alone: its prune, as deliverOutbox runs it, a day past the 30-day retention.
    const pruned = new Outbox(i.fx.paths.stateDir).prune(new Date(Date.now() + 31 * DAY), 30 * DAY);
    expect(pruned.messages).toBeGreaterThan(0);
    expect(teamAlertsInOutbox(i.fx)).toEqual([]);
    expect(await managerView(i)).toEqual(before);
    await othersAsAlways(i);
  });

  it('the /team page still draws the heat map and the prompts; HR and ops are still refused it', async () => {
    const page = await signIn(i.con.browser, i.con.base, 'manager');
    expect(new URL(page.url()).pathname).toBe('/team');
    expect(await page.locator('table.heat').count()).toBe(1);
    const main = (await page.locator('main').textContent())!;
    expect(main).toContain('华东一组');
    expect(main).not.toContain('华东二组');
    expect(main).toContain(before.teams.teams[0].people[0].name);
    expect(await page.locator('article.card').count()).toBe(before.coaching.length);
    for (const c of before.coaching) expect(main).toContain(c.name);
    expect(await page.content()).not.toMatch(/attrition|离职/);
    await page.context().close();
    for (const role of ['hr', 'ops'] as const) {
      const p = await signIn(i.con.browser, i.con.base, role);
      expect((await p.goto(`${i.con.base}/team`))!.status(), role).toBe(403);
      expect(await p.content()).not.toContain('华东一组');
      await p.context().close();
    }
  });

  it('keeps only the managers\' digests and prompts, nothing of HR', async () => {
    const text = readFileSync(teamHealthStore.file(i.fx.paths.stateDir), 'utf8');
    const kept = Object.values((JSON.parse(text) as { alerts: Record<string, { topic: string; audience: { kind: string } }> }).alerts);
    expect(new Set(kept.map((a) => `${a.topic}/${a.audience.kind}`))).toEqual(new Set(['team/manager', 'coaching/manager']));
    expect(text).not.toMatch(/attrition/);
  });
});

describe.skipIf(!browserPath)('an installation upgraded with its team digests only in the outbox', () => {
  let i: Install;
  beforeAll(async () => {
    i = await install();
    // As an older version left it: the digests and prompts in the outbox and nowhere else.
    rmSync(teamHealthStore.file(i.fx.paths.stateDir));
  });
  afterAll(async () => {
    await i?.con.close();
  });

  it('shows them at once, and still after the delivery run that prunes the outbox', async () => {
    const before = await managerView(i);
    const later = new Date(Date.now() + 31 * DAY);
    await deliverOutbox(new Outbox(i.fx.paths.stateDir), { rules: loadRules(i.fx.paths.rulesDir), paths: i.fx.paths, now: () => later, window: 'all' });
    expect(teamAlertsInOutbox(i.fx)).toEqual([]);
    expect(existsSync(teamHealthStore.file(i.fx.paths.stateDir))).toBe(true);
    expect(await managerView(i)).toEqual(before);
    await othersAsAlways(i);
  });
});
