import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePaths } from '../../src/config/load.js';
import { mountMentions } from '../../src/demo/mentions.js';
import { DemoSite } from '../../src/demo/site.js';
import { runAll } from '../../src/pipeline/run.js';
import { REPO } from '../helpers/workspace.js';

/** The demo's news site, portal and social feed, read by the bundled targets and rules as `npm start` does. */
describe('demo: news and social sources end in a mentions section of the east digest', () => {
  let site: DemoSite;
  let dir: string;
  const saved = process.env.RADAR_DEMO_URL;

  beforeAll(async () => {
    site = new DemoSite(join(REPO, 'data', 'demo', 'catalog.json'));
    mountMentions(site, join(REPO, 'data', 'demo'));
    process.env.RADAR_DEMO_URL = await site.start(0);
    dir = mkdtempSync(join(tmpdir(), 'radar-demo-mentions-'));
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.RADAR_DEMO_URL;
    else process.env.RADAR_DEMO_URL = saved;
    await site.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('run 1 sets the usual level quietly; run 2 shows one spike and one negative story from three sources', async () => {
    const paths = resolvePaths({ home: REPO, stateDir: join(dir, 'state'), outboxDir: join(dir, 'outbox') });
    const only = ['finance-news', 'portal-search', 'social-weibo'];
    const first = await runAll({ paths, only });
    expect(first.results.map((r) => [r.target.id, r.verdict])).toEqual(only.map((id) => [id, 'good']));
    expect(first.alerts.filter((a) => a.topic === 'mention')).toEqual([]);

    site.applyChanges();
    const second = await runAll({ paths, only });
    const mentions = second.alerts.filter((a) => a.topic === 'mention');
    expect(mentions.map((a) => [(a.payload as { signal: string }).signal, a.audience])).toEqual([
      ['story', { kind: 'region', region: 'east' }],
      ['spike', { kind: 'region', region: 'east' }],
    ]);

    const outbox = join(dir, 'outbox');
    const mails = await Promise.all(readdirSync(outbox).filter((f) => f.endsWith('.eml')).map((f) => simpleParser(readFileSync(join(outbox, f)))));
    const east = mails.filter((m) => m.text?.includes('舆情'));
    expect(east).toHaveLength(1);
    expect(east[0]!.to).toMatchObject({ text: 'east-head@example.com' });
    // 14 days of one item a day, day 3 on two sites: 15 / 14 = 1.07 a day; today the story ×3 + 4 posts.
    expect(east[0]!.text).toMatch(/\* Acme: \d{1,2}月\d{1,2}日 共 7 条（此前 14 天日均 1\.1 条）/);
    expect(east[0]!.text).toContain('* Acme空调被曝大面积漏水 消费者投诉无人处理');
    expect(east[0]!.text).toContain('3 个来源: 示范财经网, 示范资讯, 微博');
    expect(east[0]!.subject).toContain('Acme 声量激增');
  });
});
