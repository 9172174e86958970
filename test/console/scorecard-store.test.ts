/**
 * A scorecard stays in the console after the outbox forgot it: the outbox keeps sent mail and its
 * alerts for delivery.retention_days only, the cards have a store of their own. Through the real
 * API over HTTP, after the real prune; the same privacy as always (own card for a salesperson,
 * a manager their team's people, HR refused). And an installation upgraded with cards only in its
 * outbox: they show at once, and are kept before the prune can drop them.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadRules, resolvePaths, type Paths } from '../../src/config/load.js';
import { deliverOutbox } from '../../src/deliver/deliver.js';
import { buildApp, type App } from '../../src/server/app.js';
import { localPrincipal } from '../../src/service/access.js';
import type { ServiceContext } from '../../src/service/context.js';
import { localOwner } from '../../src/service/owner.js';
import { createUser } from '../../src/service/users.js';
import { Outbox } from '../../src/store/outbox.js';
import { scorecardStore } from '../../src/store/scorecards.js';
import { SCORECARD_NOW, writeScorecardExports } from '../helpers/scorecard-exports.js';
import { makeWorkspace, REPO, type Workspace } from '../helpers/workspace.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const PASS = 'a-long-password-1';
const USERS = {
  zhangsan: { role: 'sales', email: 's1@example.com', teams: [] },
  amgr: { role: 'manager', email: 'a-mgr@example.com', teams: [] },
  hr: { role: 'hr', teams: [] },
} as const;
type User = keyof typeof USERS;
const DAY = 86_400_000;

interface Install {
  ws: Workspace;
  paths: Paths;
  app: App;
  base: string;
  get(user: User, path: string): Promise<{ status: number; json: any }>;
}

async function install(): Promise<Install> {
  const ws = makeWorkspace();
  const dir = writeScorecardExports(ws);
  const paths = resolvePaths({ home: ws.home, stateDir: ws.state, outboxDir: ws.outbox, templatesDir: join(REPO, 'templates') });
  const r = await ws.radar('scorecard', 'run', '--now', SCORECARD_NOW, '--inputs', dir);
  expect(r.stdout).toContain('2026-02: 4 people scored; 4 cards, 2 team views');
  const ctx: ServiceContext = { paths, now: () => new Date(), runner: localOwner(paths), outbox: localOwner(paths) };
  for (const [name, u] of Object.entries(USERS)) await createUser(ctx, localPrincipal('test'), { name, password: PASS, ...u, teams: [...u.teams] });
  const app = await buildApp({ ctx, console: false, loginRate: 1000 });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const cookies = new Map<User, string>();
  const get = async (user: User, path: string) => {
    if (!cookies.has(user)) {
      const s = await fetch(base + '/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, password: PASS }) });
      expect(s.status, user).toBe(200);
      cookies.set(user, s.headers.get('set-cookie')!.split(';')[0]!);
    }
    const res = await fetch(base + path, { headers: { cookie: cookies.get(user)! } });
    return { status: res.status, json: await res.json() };
  };
  return { ws, paths, app, base, get };
}

const scorecardAlertsInOutbox = (paths: Paths) => Object.values(new Outbox(paths.stateDir).data.alerts).filter((a) => a.topic.startsWith('scorecard'));

/** What each role sees, as the console's pages and the API show it. */
async function expectCardsAsAlways(i: Install): Promise<void> {
  const own = await i.get('zhangsan', '/api/scorecards');
  expect(own.status).toBe(200);
  expect(own.json.month).toBe('2026-02');
  expect(own.json.people.map((p: { employeeId: string }) => p.employeeId)).toEqual(['10001']);
  const card = await i.get('zhangsan', '/api/scorecards/10001');
  expect(card.status).toBe(200);
  expect(card.json).toMatchObject({ name: '张三', month: '2026-02', score: 88.9, band: 'green', rank: 1, peers: 4 });
  expect((await i.get('zhangsan', '/api/scorecards/10002')).status).toBe(404);
  const team = await i.get('amgr', '/api/scorecards');
  expect(team.json.people.map((p: { name: string; score: number }) => [p.name, p.score])).toEqual([
    ['张三', 88.9],
    ['李四', 55.6],
  ]);
  expect((await i.get('amgr', '/api/scorecards/10002')).json).toMatchObject({ name: '李四', gapToGreen: 4.4 });
  expect((await i.get('amgr', '/api/scorecards/10003')).status).toBe(404);
  expect((await i.get('hr', '/api/scorecards')).status).toBe(403);
}

describe('scorecards outlive the outbox', () => {
  let i: Install;
  beforeAll(async () => {
    i = await install();
  });
  afterAll(async () => {
    await i?.app.close();
    i?.ws.cleanup();
  });

  it('shows a card after the outbox pruned it and its email (retention_days later)', async () => {
    expect(scorecardAlertsInOutbox(i.paths).length).toBe(6);
    const mails = await i.ws.emails();
    expect(mails.map((m) => m.to && 'text' in m.to && m.to.text)).toContain('s1@example.com');
    // The outbox alone: its prune, as deliverOutbox runs it, a day past the 30-day retention.
    const outbox = new Outbox(i.paths.stateDir);
    const pruned = outbox.prune(new Date(Date.now() + 31 * DAY), 30 * DAY);
    expect(pruned.alerts).toBeGreaterThanOrEqual(6);
    expect(scorecardAlertsInOutbox(i.paths)).toEqual([]);
    expect(readFileSync(join(i.paths.stateDir, 'outbox.json'), 'utf8')).not.toContain('张三');
    await expectCardsAsAlways(i);
  });

  it('keeps one card per person and month (the latest when the month is scored again), and no team view', async () => {
    const kept = JSON.parse(readFileSync(scorecardStore.file(i.paths.stateDir), 'utf8')) as { cards: Record<string, { topic: string }> };
    expect(Object.values(kept.cards).map((c) => c.topic)).toEqual(['scorecard', 'scorecard', 'scorecard', 'scorecard']);
    const again = await i.ws.radar('scorecard', 'run', '--now', SCORECARD_NOW, '--inputs', join(i.ws.home, 'inputs'), '--no-send');
    expect(again.code).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(scorecardStore.file(i.paths.stateDir), 'utf8')).cards)).toHaveLength(4);
    await expectCardsAsAlways(i);
  });
});

describe('an installation upgraded with its scorecards only in the outbox', () => {
  let i: Install;
  beforeAll(async () => {
    i = await install();
    // As an older version left it: the cards in the outbox and nowhere else.
    rmSync(scorecardStore.file(i.paths.stateDir));
  });
  afterAll(async () => {
    await i?.app.close();
    i?.ws.cleanup();
  });

  it('shows them at once, and still after the delivery run that prunes the outbox', async () => {
    await expectCardsAsAlways(i);
    const rules = loadRules(i.paths.rulesDir);
    const later = new Date(Date.now() + 31 * DAY);
    await deliverOutbox(new Outbox(i.paths.stateDir), { rules, paths: i.paths, now: () => later, window: 'all' });
    expect(scorecardAlertsInOutbox(i.paths)).toEqual([]);
    expect(existsSync(scorecardStore.file(i.paths.stateDir))).toBe(true);
    await expectCardsAsAlways(i);
  });
});
