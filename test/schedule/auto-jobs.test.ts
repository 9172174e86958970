import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolvePaths } from '../../src/config/load.js';
import { createLogger } from '../../src/core/log.js';
import { Daemon } from '../../src/schedule/daemon.js';
import { makeWorkspace, REPO, type Workspace } from '../helpers/workspace.js';

describe('the HR attrition and health jobs turn on in the daemon when their exports are configured', () => {
  let ws: Workspace;
  beforeEach(() => (ws = makeWorkspace()));
  afterEach(() => ws.cleanup());

  const planned = async (): Promise<{ jobs: Record<string, string | null>; log: string }> => {
    let log = '';
    const stream = new PassThrough();
    stream.on('data', (c: Buffer) => (log += c.toString()));
    const daemon = new Daemon({ paths: resolvePaths({ home: ws.home, stateDir: ws.state, outboxDir: ws.outbox }), log: createLogger({ format: 'json', destination: stream }), watch: false });
    await daemon.start();
    try {
      const jobs = Object.fromEntries(daemon.upcoming().filter((u) => u.id.startsWith('job:')).map((u) => [u.id, u.slot?.toISOString() ?? null]));
      return { jobs, log };
    } finally {
      await daemon.stop('test');
    }
  };

  it('none without rules/signals.yaml and rules/health.yaml', async () => {
    expect((await planned()).jobs).toEqual({});
  });

  it('Mondays 07:00 (attrition) and 08:00 (health), Shanghai time, once the rule files list exports; the log says why', async () => {
    for (const f of ['signals.yaml', 'health.yaml']) cpSync(join(REPO, 'rules', f), join(ws.home, 'rules', f));
    const { jobs, log } = await planned();
    expect(Object.keys(jobs).sort()).toEqual(['job:attrition', 'job:health']);
    const local = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000);
    const a = local(jobs['job:attrition']!);
    expect([a.getUTCDay(), a.getUTCHours(), a.getUTCMinutes()]).toEqual([1, 7, 0]);
    const h = local(jobs['job:health']!);
    expect([h.getUTCDay(), h.getUTCHours()]).toEqual([1, 8]);
    expect(log).toMatch(/"job":"attrition","cron":"0 7 \* \* 1","why":"rules\/signals\.yaml lists exports \(daemon\.jobs\.attrition sets another time, or \\"off\\"\)".*"msg":"scheduled job on"/);
  });

  it('daemon.jobs can move one or turn it off', async () => {
    for (const f of ['signals.yaml', 'health.yaml']) cpSync(join(REPO, 'rules', f), join(ws.home, 'rules', f));
    ws.writeRule('delivery.yaml', 'daemon:\n  jobs:\n    attrition: "0 6 * * 2"\n    health: "off"\n');
    const { jobs } = await planned();
    expect(Object.keys(jobs)).toEqual(['job:attrition']);
    const a = new Date(Date.parse(jobs['job:attrition']!) + 8 * 3600_000);
    expect([a.getUTCDay(), a.getUTCHours()]).toEqual([2, 6]);
  });
});
