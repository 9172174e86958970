import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolvePaths } from '../../src/config/load.js';
import { runAll } from '../../src/pipeline/run.js';
import { html, startServer, type FixtureServer } from '../helpers/server.js';
import { makeWorkspace, REPO, type Workspace } from '../helpers/workspace.js';

interface Notice {
  id: string;
  title: string;
  date: string;
  area: string;
  number: string;
  budget: string;
  deadline: string;
  buyer: string;
}

const T1: Notice = {
  id: '1001',
  title: '深圳市第二人民医院中央空调改造采购项目公开招标公告',
  date: '2026-11-19',
  area: '广东省深圳市',
  number: 'SZ-2026-0417',
  budget: '385.5',
  deadline: '2026年12月01日 09:30（北京时间）',
  buyer: '深圳市第二人民医院',
};
const T2: Notice = { id: '1002', title: '上海市某中学食堂物业服务采购公告', date: '2026-11-18', area: '上海市', number: 'SH-2026-77', budget: '80', deadline: '2026-12-05 09:00', buyer: '上海市某中学' };
const T3: Notice = { id: '1003', title: '杭州市某区政府办公楼多联机空调采购', date: '2026-11-18', area: '浙江省杭州市', number: 'ZJ-2026-31', budget: '12', deadline: '2026-12-08 09:00', buyer: '某区机关事务局' };
const T4: Notice = { id: '1004', title: '苏州工业园区某学校新风系统采购项目', date: '2026-11-20', area: '', number: 'JS-2026-88', budget: '68', deadline: '2026年12月10日 14:00', buyer: '苏州工业园区某学校' };

/** A government procurement site: a listing without budgets, and free-text notices behind it. */
function listPage(notices: Notice[]): string {
  return `<html><body><ul class="notices">${notices
    .map((n) => `<li><a href="/gp/notice/${n.id}.html?from=list">${n.title}</a> <span class="date">${n.date}</span> <span class="area">${n.area}</span></li>`)
    .join('')}</ul></body></html>`;
}

function noticePage(n: Notice): string {
  return `<html><body><h1>${n.title}</h1>
<div class="content">
<p>一、项目基本情况</p>
<p>项目编号：${n.number}</p>
<p>项目名称：${n.title.replace(/公开招标公告$/, '')}</p>
<p>预算金额（万元）：${n.budget}</p>
<p>采购需求：详见招标文件。</p>
<p>二、获取招标文件</p>
<p>三、提交投标文件截止时间、开标时间和地点</p>
<p>提交投标文件截止时间：${n.deadline}</p>
<p>四、联系方式</p>
<table><tr><td>采购人</td><td>${n.buyer}</td></tr><tr><td>采购代理机构</td><td>某招标代理有限公司</td></tr></table>
</div></body></html>`;
}

/** A second site listing the same tender under its own link and wording, number in the list. */
function otherSite(notices: Notice[]): string {
  return `<html><body><table>${notices
    .map((n) => `<tr class="row"><td class="no">${n.number}</td><td><a href="/bid/${n.id}">${n.title.replace('公开招标公告', '招标公告')}</a></td><td class="budget">${n.budget}万元</td><td class="end">${n.deadline}</td><td class="buyer">${n.buyer}</td></tr>`)
    .join('')}</table></body></html>`;
}

const RULES = `
regions:
  east: [上海, 江苏, 浙江]
  south: [广东, 广西]
include: [空调, 新风, 多联机]
exclude: [物业, 维修]
min_budget: 300000
min_days_left: 2
remind_days_before: 3
`;

describe('tenders end to end: listing + detail pages → rules → one alert per tender to its region', () => {
  let site: FixtureServer;
  let ws: Workspace;
  let gov: Notice[];
  let other: Notice[];

  beforeEach(async () => {
    gov = [T1, T2, T3];
    other = [T1];
    site = await startServer({
      '/gp/list': (_q, res) => html(listPage(gov))(_q, res, new URL('http://x')),
      '/bid/list': (_q, res) => html(otherSite(other))(_q, res, new URL('http://x')),
    });
    for (const n of [T1, T2, T3, T4]) site.routes.set(`/gp/notice/${n.id}.html`, html(noticePage(n)));
    ws = makeWorkspace();
    ws.writeRule('tenders.yaml', RULES);
    ws.writeTarget(
      'gov.yaml',
      `
id: gov-tenders
kind: tender
competitor: 政府采购网
region: north
fetch:
  url: ${site.url}/gp/list
  min_interval_ms: 0
items:
  each: "ul.notices li"
  fields:
    title: "a"
    url: "a@href"
    date: ".date"
    region: ".area"
detail:
  fields:
    budget: "label:预算金额"
`,
    );
    ws.writeTarget(
      'other.yaml',
      `
id: other-tenders
kind: tender
competitor: 招标平台
region: north
fetch:
  url: ${site.url}/bid/list
  min_interval_ms: 0
items:
  each: "tr.row"
  fields:
    number: ".no"
    title: "a"
    url: "a@href"
    budget: ".budget"
    deadline: ".end"
    buyer: ".buyer"
`,
    );
  });

  afterEach(async () => {
    await site.close();
    ws.cleanup();
  });

  const run = (iso: string) =>
    runAll({
      paths: resolvePaths({ home: ws.home, stateDir: ws.state, outboxDir: ws.outbox, templatesDir: join(REPO, 'templates') }),
      now: () => new Date(iso),
    });
  const to = (m: { to?: unknown }) => (m.to as { text: string }).text;
  const tenderAlertIds = () => Object.keys((JSON.parse(readFileSync(join(ws.state, 'outbox.json'), 'utf8')) as { alerts: Record<string, unknown> }).alerts).filter((id) => id.startsWith('tender:'));

  it('alerts a matching new tender once to the owners of its region, never again, and reminds before the deadline', async () => {
    // Run 1: T1 matches (深圳 → south) and is listed on both sites; T2 is excluded, T3 below budget.
    const first = await run('2026-11-20T02:00:00Z');
    expect(first.exitCode).toBe(0);
    expect(tenderAlertIds()).toEqual(['tender:no:SZ20260417:new']);
    let mails = await ws.emails();
    expect(mails.map(to)).toEqual(['south-head@example.com']);
    const south = mails[0]!;
    // Either site may be read first; whichever it is, the tender is one alert.
    expect(south.subject).toMatch(/^\[South China\] New tender: 深圳市第二人民医院中央空调改造采购项目/);
    expect(south.text).toContain('Budget: ¥3,855,000 | Deadline: 1 Dec 2026, 09:30 (11 days left)');
    expect(south.text).toContain('Buyer: 深圳市第二人民医院');
    expect(south.text).toContain('No. SZ-2026-0417');
    expect(south.html).toMatch(new RegExp(`href="${site.url}/(gp/notice/1001.html|bid/1001)"`));
    expect(south.text).not.toMatch(/物业|杭州/);

    // Run 2 a day later: T1 seen again on both sites → nothing; T4 new (苏州 → 江苏 → east, in Chinese).
    gov = [T4, T1, T2, T3];
    await run('2026-11-21T01:00:00Z');
    mails = await ws.emails();
    expect(mails.map(to).sort()).toEqual(['east-head@example.com', 'south-head@example.com']);
    const east = mails.find((m) => to(m) === 'east-head@example.com')!;
    expect(east.subject).toBe('[华东] 新招标：苏州工业园区某学校新风系统采购项目');
    expect(east.text).toContain('预算: ¥68万 | 截止: 12月10日 14:00 (还剩 19 天)');
    // Detail pages are followed for new items only.
    expect(site.hits.filter((h) => h.path.startsWith('/gp/notice/1001')).length).toBe(1);
    expect(site.hits.filter((h) => h.path.startsWith('/gp/notice/1004')).length).toBe(1);
    // A notice the list already rules out (物业 in its title) is not worth its page.
    expect(site.hits.some((h) => h.path.startsWith('/gp/notice/1002'))).toBe(false);

    // Run 3: 2.7 days before T1's deadline and still listed → one reminder; T4 is not due yet.
    await run('2026-11-28T10:00:00Z');
    mails = await ws.emails();
    expect(mails).toHaveLength(3);
    const reminder = mails.find((m) => m.subject?.includes('closing soon'))!;
    expect(to(reminder)).toBe('south-head@example.com');
    expect(reminder.subject).toMatch(/^\[South China\] Tender closing soon: 深圳市第二人民医院中央空调改造采.*… \(3 days left\)$/);
    expect(reminder.text).toContain('Deadline 1 Dec 2026, 09:30 (3 days left)');

    // Run 4: the reminder is not repeated.
    await run('2026-11-29T10:00:00Z');
    expect(await ws.emails()).toHaveLength(3);
    expect(tenderAlertIds().sort()).toEqual(['tender:no:JS202688:new', 'tender:no:SZ20260417:new', 'tender:no:SZ20260417:reminder']);

    // radar history lists the stored notices by what they are, not by a price they do not have.
    const h = await ws.radar('history', 'gov-tenders');
    expect(h.stdout).toMatch(/key +title +budget +deadlineText +first seen/);
    expect(h.stdout).toMatch(/苏州工业园区某学校新风系统采购项目 +680000 +2026年12月10日 14:00/);
  });

  it('radar try shows the detail fields and what the rules would do with each notice, storing nothing', async () => {
    // try judges against the real clock: give the notices dates that stay current.
    const today = new Date().toISOString().slice(0, 10);
    gov = [T1, T2, T3].map((n) => ({ ...n, date: today, deadline: '2099-12-01 09:30' }));
    for (const n of gov) site.routes.set(`/gp/notice/${n.id}.html`, html(noticePage(n)));
    const r = await ws.radar('try', 'gov-tenders');
    expect(r.code).toBe(0);
    const line = (title: string) => r.stdout.split('\n').find((l) => l.includes(title.slice(0, 12))) ?? '';
    expect(line(T1.title)).toMatch(/3855000 .*深圳市第二人民医院 .*SZ-2026-0417 .*alert → south \(深圳\): 空调/);
    expect(line(T2.title)).toContain('skip: excluded by 物业');
    expect(line(T3.title)).toContain('skip: budget 120000 below 300000');
    expect(r.stdout).toContain('Nothing was stored.');
    expect(await ws.emails()).toHaveLength(0);
  });

  it('a failing detail page fails the run without touching the snapshot; the tender alerts once the page is back', async () => {
    await run('2026-11-20T02:00:00Z');
    const snap = join(ws.state, 'targets', 'gov-tenders.snapshot.json');
    const before = readFileSync(snap);
    gov = [T4, T1, T2, T3];
    site.routes.set('/gp/notice/1004.html', html('<h1>busy</h1>', 503));
    const failed = await run('2026-11-21T01:00:00Z');
    const gv = failed.results.find((r) => r.target.id === 'gov-tenders')!;
    expect(gv.verdict).toBe('failed');
    expect(gv.failure?.class).toBe('http_503');
    expect(gv.failure?.message).toContain('detail pages: 1 of 1 failed');
    expect(readFileSync(snap).equals(before)).toBe(true);
    expect(tenderAlertIds()).toEqual(['tender:no:SZ20260417:new']);

    site.routes.set('/gp/notice/1004.html', html(noticePage(T4)));
    const ok = await run('2026-11-21T02:00:00Z');
    expect(ok.results.find((r) => r.target.id === 'gov-tenders')!.verdict).toBe('good');
    expect(tenderAlertIds().sort()).toEqual(['tender:no:JS202688:new', 'tender:no:SZ20260417:new']);
  });
});
