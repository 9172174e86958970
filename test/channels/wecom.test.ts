import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRules, resolvePaths } from '../../src/config/load.js';
import { deliverOutbox } from '../../src/deliver/deliver.js';
import { Outbox } from '../../src/store/outbox.js';
import { startWecom, type FakeService } from '../helpers/chat-services.js';
import { makeWorkspace, REPO, type Workspace } from '../helpers/workspace.js';
import { priceAlert } from './fixtures.js';

describe('WeCom group robot', () => {
  let ws: Workspace;
  let wecom: FakeService;
  beforeEach(async () => {
    ws = makeWorkspace();
    wecom = await startWecom();
  });
  afterEach(async () => {
    await wecom.stop();
    ws.cleanup();
  });

  const deliver = async (alerts: ReturnType<typeof priceAlert>[], env: Record<string, string> = {}) => {
    const paths = resolvePaths({ home: ws.home, stateDir: ws.state, outboxDir: ws.outbox, templatesDir: join(REPO, 'templates') });
    const outbox = new Outbox(paths.stateDir);
    outbox.record(alerts, new Date());
    return deliverOutbox(outbox, { rules: loadRules(paths.rulesDir), paths, now: () => new Date(), window: 'all', env: { RADAR_WECOM_EAST: wecom.url, ...env } });
  };

  it('sends a few alerts as cards and a chart image, a long digest as markdown posts within 4,096 bytes', async () => {
    ws.writeRule('owners.yaml', `channels:\n  east-wecom: { type: wecom, url_env: RADAR_WECOM_EAST }\nregions:\n  east: { name: 华东, owners: [east-head@example.com], channels: [east-wecom] }\nops: [ops@example.com]\n`);
    const r = await deliver([priceAlert('east', 'A1', 3000, 2700), priceAlert('east', 'A2', 5200, 4900)]);
    expect(r.delivery.failed).toEqual([]);
    console.log(JSON.stringify(wecom.accepted.map((a) => a.body), null, 1).slice(0, 3000));
    const many = Array.from({ length: 120 }, (_, i) => priceAlert('east', `B${i}`, 1000 + i, 900 + i));
    const r2 = await deliver(many);
    expect(r2.delivery.failed).toEqual([]);
    console.log(wecom.accepted.slice(-3).map((a) => JSON.stringify(a.body).slice(0, 1500)));
  }, 60_000);
});
