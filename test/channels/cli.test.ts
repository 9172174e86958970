import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/model.js';
import { alertRef } from '../../src/alerts/ref.js';
import { loadRules, resolvePaths } from '../../src/config/load.js';
import { deliverOutbox } from '../../src/deliver/deliver.js';
import { DEFAULT_DELIVERY, recordPolicy } from '../../src/deliver/policy.js';
import { ackAlert, listAlerts } from '../../src/service/alerts.js';
import { Outbox } from '../../src/store/outbox.js';
import { startDingtalk, startWecom, type FakeService } from '../helpers/chat-services.js';
import { makeWorkspace, REPO, runCli, type Workspace } from '../helpers/workspace.js';
import { attritionAlert, priceAlert } from './fixtures.js';

describe('radar channels list | test', () => {
  let ws: Workspace;
  let wecom: FakeService;
  let dingtalk: FakeService;
  beforeEach(async () => {
    ws = makeWorkspace();
    wecom = await startWecom();
    dingtalk = await startDingtalk();
    ws.writeRule(
      'owners.yaml',
      `channels:\n  east-wecom: { type: wecom, url_env: T_WECOM }\n  ops-ding: { type: dingtalk, url_env: T_DING, secret_env: T_DING_SECRET }\n` +
        `regions:\n  east: { owners: [east-head@example.com], channels: [{ channel: east-wecom, topics: [comparison], urgent_only: true }] }\nops: [ops@example.com]\nops_channels: [ops-ding]\n`,
    );
  });
  afterEach(async () => {
    await wecom.stop();
    await dingtalk.stop();
    ws.cleanup();
  });
  const radar = (env: Record<string, string | undefined>, ...args: string[]) => runCli(['--home', ws.home, '--state', ws.state, ...args], { RADAR_TEMPLATES_DIR: join(REPO, 'templates'), RADAR_OUTBOX_DIR: ws.outbox, ...env });

  it('lists each channel with its environment variables (set or not) and who it serves, never a secret', async () => {
    const r = await radar({ T_WECOM: wecom.url, T_DING: undefined, T_DING_SECRET: undefined }, 'channels', 'list');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/east-wecom\s+wecom\s+-\s+T_WECOM\s+region east \(urgent only: comparison\)/);
    expect(r.stdout).toMatch(/ops-ding\s+dingtalk\s+-\s+T_DING \(not set\), T_DING_SECRET \(not set\)\s+ops/);
    expect(r.stdout).not.toContain(wecom.url);
  });

  it('sends a test message and prints the service answer; a wrong key prints the refusal and exits 1', async () => {
    const ok = await radar({ T_WECOM: wecom.url }, 'channels', 'test', 'east-wecom');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('east-wecom (wecom): accepted: {"errcode":0,"errmsg":"ok"}');
    expect(JSON.stringify(wecom.accepted[0]!.body)).toContain('sales-radar 测试消息：频道 east-wecom 已接通');

    const signed = await radar({ T_DING: dingtalk.url, T_DING_SECRET: dingtalk.secret }, 'channels', 'test', 'ops-ding', '--text', 'hello from ops');
    expect(signed.stdout).toContain('ops-ding (dingtalk): accepted: {"errcode":0,"errmsg":"ok"}');

    const wrongKey = wecom.url.replace(/key=.*/, 'key=not-the-key');
    const bad = await radar({ T_WECOM: wrongKey }, 'channels', 'test', 'east-wecom');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('east-wecom: refused: WeCom refused the message: errcode 93000, invalid webhook url');
    expect(bad.stdout).toContain('the service answered: {"errcode":93000');
    expect(bad.stdout).not.toContain('not-the-key');

    const badSign = await radar({ T_DING: dingtalk.url, T_DING_SECRET: 'SECnot-the-secret' }, 'channels', 'test', 'ops-ding');
    expect(badSign.stdout).toContain('errcode 310000, sign not match');
    expect(badSign.stdout).not.toContain('SECnot-the-secret');

    const unset = await radar({ T_WECOM: undefined }, 'channels', 'test', 'east-wecom');
    expect(unset.stdout).toContain('environment variable T_WECOM (the WeCom robot webhook URL) is not set');
    expect((await radar({}, 'channels', 'test', 'nope')).code).toBe(2);
  });
});

describe('radar alerts list | ack | mute | unmute (what chat cards point to)', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = makeWorkspace();
    ws.writeRule('owners.yaml', 'regions:\n  east: { owners: [east-head@example.com] }\nops: [ops@example.com]\nhr: [hr-partner@example.com]\n');
    ws.writeRule('delivery.yaml', 'digest: { charts: 0 }\n');
  });
  afterEach(() => ws.cleanup());
  const radar = (...args: string[]) => runCli(['--home', ws.home, '--state', ws.state, ...args], { RADAR_TEMPLATES_DIR: join(REPO, 'templates'), RADAR_OUTBOX_DIR: ws.outbox });
  const paths = () => resolvePaths({ home: ws.home, stateDir: ws.state, outboxDir: ws.outbox, templatesDir: join(REPO, 'templates') });
  const deliver = async (alerts: Alert[]) => {
    const outbox = new Outbox(ws.state);
    outbox.policy = recordPolicy(DEFAULT_DELIVERY);
    const added = outbox.record(alerts, new Date());
    await deliverOutbox(outbox, { rules: loadRules(paths().rulesDir), paths: paths(), now: () => new Date(), window: 'all' });
    return added;
  };

  it('lists alerts by ref with where they went, acknowledges one, and mutes its item so the next change is kept but not sent', async () => {
    const first = priceAlert('east', 'A1', 3000, 2700, new Date().toISOString());
    await deliver([first, attritionAlert(1) as Alert]);
    const ref = alertRef(first.id);
    const list = await radar('alerts', 'list');
    expect(list.stdout).toMatch(new RegExp(`${ref}\\s+\\S+ \\S+\\s+price\\s+Acme 空调 A1\\s+east-head@example.com\\s+sent`));
    expect(list.stdout).not.toContain('attrition');

    expect((await radar('alerts', 'ack', ref.slice(0, 6), '--note', 'called the shop')).stdout).toContain(`acknowledged ${ref} (price: Acme 空调 A1)`);
    expect((await radar('alerts', 'list')).stdout).toMatch(/acked \d{4}-\d\d-\d\d/);
    // The console sees the same ack, and will not take a second one.
    const ctx = { paths: resolvePaths({ home: ws.home, stateDir: ws.state }), now: () => new Date(), runner: null as never, outbox: null as never };
    const ops = { user: 'olga', role: 'ops' as const, regions: [], teams: [], email: null, via: 'session' as const };
    const view = listAlerts(ctx, ops).alerts.find((v) => v.id === first.id)!;
    expect(view.ack).toMatchObject({ note: 'called the shop' });
    expect(() => ackAlert(ctx, ops, first.id, 'again')).toThrow(/already acknowledged/);
    // And an ack given in the console shows in the CLI's list.
    const other = priceAlert('east', 'B1', 500, 450, new Date().toISOString());
    await deliver([other]);
    ackAlert(ctx, ops, other.id, 'seen in the console');
    expect((await radar('alerts', 'list')).stdout.match(/acked \d{4}-\d\d-\d\d/g)).toHaveLength(2);

    const muted = await radar('alerts', 'mute', ref, '--days', '7');
    expect(muted.stdout).toContain(`muted east-shop/A1 until`);
    // One mute store for the CLI, the chat cards and the console.
    const mutes = JSON.parse(readFileSync(join(ws.state, 'mutes.json'), 'utf8')) as { mutes: { targetId: string; key: string | null }[] };
    expect(mutes.mutes.map((m) => `${m.targetId}/${m.key}`)).toEqual(['east-shop/A1']);
    const again = await deliver([priceAlert('east', 'A1', 2700, 2400, new Date().toISOString())]);
    expect(again).toEqual([]);
    expect((await radar('alerts', 'list')).stdout).toMatch(/muted/);
    const emailsBefore = (await ws.emails()).length;

    expect((await radar('alerts', 'unmute', ref)).stdout).toContain('unmuted east-shop/A1');
    await deliver([priceAlert('east', 'A1', 2400, 2100, new Date().toISOString())]);
    expect((await ws.emails()).length).toBe(emailsBefore + 1);

    // HR alerts are HR's to review, with radar signals.
    const hr = await radar('alerts', 'ack', alertRef(attritionAlert(1).id));
    expect(hr.code).toBe(2);
    expect(hr.stderr).toContain('is an HR alert: HR reviews it with radar signals ack');
  }, 30_000);
});
