/**
 * End to end on the bundled sample exports: `radar health run` (the real CLI, in process) scores
 * the week of 2026-11-23, records coaching prompts and team digests in the outbox next to the
 * attrition job's HR alerts, and writes every email as .eml. Then we read the emails as a manager
 * and as HR would.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownersSchema } from '../../src/config/rules-schema.js';
import { composeDigests } from '../../src/deliver/deliver.js';
import { DEFAULT_DELIVERY } from '../../src/deliver/policy.js';
import { runAttritionJob } from '../../src/signals/job.js';
import type { AttritionPayload } from '../../src/signals/alerts.js';
import { Outbox } from '../../src/store/outbox.js';
import { makeWorkspace, REPO, type Workspace } from '../helpers/workspace.js';

const SAMPLES = join(REPO, 'data', 'samples');
const NOW = '2026-11-23T01:00:00Z';
const MANAGERS = ['sales-east-head@example.com', 'sales-north-head@example.com', 'sales-south-head@example.com', 'sales-southwest-head@example.com'];

let ws: Workspace;
let run: { code: number; stdout: string; stderr: string };
let emails: (ParsedMail & { file: string })[];
let hrDrivers: string[];
const to = (m: ParsedMail): string => (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address ?? '';

beforeAll(async () => {
  ws = makeWorkspace();
  for (const f of ['health.yaml', 'signals.yaml', 'attrition.yaml']) copyFileSync(join(REPO, 'rules', f), join(ws.home, 'rules', f));
  // The HR job runs on the same exports and the same state, as in the demo and the daemon.
  const hr = await runAttritionJob({ rulesDir: join(ws.home, 'rules'), stateDir: ws.state, now: new Date(NOW), samplesDir: SAMPLES });
  expect(hr.alerts.length).toBeGreaterThan(0);
  hrDrivers = hr.alerts.flatMap((a) => (a.payload as AttritionPayload).drivers.flatMap((d) => [d.text_zh, d.text_en]));
  const outbox = new Outbox(ws.state);
  outbox.record(hr.alerts, new Date());
  run = await ws.radar('health', 'run', '--now', NOW, '--inputs', SAMPLES);
  emails = await ws.emails();
}, 120_000);

afterAll(() => ws.cleanup());

describe('radar health run on the sample exports', () => {
  it('scores the week before now and sends one digest per manager, with coaching prompts', () => {
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^week 2026-W47: \d+ people scored, \d+ coaching prompts, 8 teams/m);
    const managers = emails.filter((m) => MANAGERS.includes(to(m)));
    expect(managers.map(to).sort()).toEqual(MANAGERS);
    const withPrompts = managers.filter((m) => m.subject?.includes('辅导提示'));
    expect(withPrompts.length).toBeGreaterThanOrEqual(1);
    // The planted slip in the sample: replies slowed and visit notes stopped (employee 10015, north).
    const north = managers.find((m) => to(m) === 'sales-north-head@example.com')!;
    const html = String(north.html);
    expect(html).toContain('客户消息平均首次回复时长');
    expect(html).toContain('拜访纪要上传率');
    expect(html).toContain('客户沟通响应时效');
    expect(north.text).toMatch(/客户消息平均首次回复时长: \d+ 分钟 \| 本人常态 \d+ 分钟 \| 目标 40 分钟/);
  });

  it('each manager digest carries a heat map per team as an inline PNG the HTML points to', async () => {
    for (const e of emails.filter((x) => MANAGERS.includes(to(x)))) {
      const m = await simpleParser(readFileSync(join(ws.outbox, e.file)), { keepCidLinks: true });
      const pngs = m.attachments.filter((a) => a.contentType === 'image/png');
      expect(pngs.length).toBe(2); // two teams per region in the sample org
      for (const a of pngs) {
        expect(a.contentDisposition).toBe('inline');
        expect(String(m.html)).toContain(`src="cid:${a.cid}"`);
        const png = PNG.sync.read(a.content);
        expect(png.width).toBeGreaterThan(600);
        expect(png.height).toBeGreaterThan(200);
      }
      expect(String(m.html)).toMatch(/健康指数/);
    }
  });

  it('never puts attrition data in a manager email, and never health data in the HR email', () => {
    expect(hrDrivers.length).toBeGreaterThan(0);
    const hr = emails.filter((m) => to(m) === 'hr-partner@example.com');
    expect(hr.length).toBe(1);
    for (const m of emails.filter((e) => MANAGERS.includes(to(e)))) {
      const body = `${m.subject}\n${m.text}\n${String(m.html)}`;
      for (const d of hrDrivers) expect(body).not.toContain(d);
      expect(body).not.toMatch(/离职|attrition|流失风险/i);
    }
    const outbox = JSON.parse(readFileSync(join(ws.state, 'outbox.json'), 'utf8')) as { alerts: Record<string, { topic: string }>; messages: Record<string, { to: string; alertIds: string[] }> };
    for (const msg of Object.values(outbox.messages)) {
      const topics = new Set(msg.alertIds.map((id) => outbox.alerts[id]?.topic));
      if (MANAGERS.includes(msg.to)) expect([...topics].every((t) => t === 'coaching' || t === 'team')).toBe(true);
      if (msg.to === 'hr-partner@example.com') expect([...topics]).toEqual(['attrition']);
    }
    const hrBody = `${hr[0]!.subject}\n${hr[0]!.text}`;
    expect(hrBody).not.toMatch(/辅导提示|健康指数/);
  });

  it('gives HR and manager digests their own footer: why they get it, whom to ask; never the competitor-data one', () => {
    const hr = emails.find((m) => to(m) === 'hr-partner@example.com')!;
    expect(hr.text).toContain('只发给 HR 名单');
    expect(hr.text).toContain('请勿转发此邮件');
    for (const m of [hr, ...emails.filter((e) => MANAGERS.includes(to(e)))]) {
      expect(`${m.text}\n${String(m.html)}`).not.toMatch(/竞品|公开页面/);
    }
    const manager = emails.find((e) => MANAGERS.includes(to(e)))!;
    expect(manager.text).toContain('你是这些团队的经理');
    expect(manager.text).toMatch(/请联系销售运营（[^）]+@[^）]+）/);
  });

  it('running the same week again sends nothing new', async () => {
    const again = await ws.radar('health', 'run', '--now', NOW, '--inputs', SAMPLES);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain('→');
    expect((await ws.emails()).length).toBe(emails.length);
  });

  it('falls back to an HTML table of the heat map when the digest has no images', async () => {
    const outbox = new Outbox(ws.state);
    const team = Object.values(outbox.data.alerts).find((a) => a.topic === 'team' && a.audience.kind === 'manager' && a.audience.email === 'sales-east-head@example.com')!;
    // A copy of the east digest for another reader, composed with charts turned off.
    const copy = { ...team, id: `${team.id}:copy`, audience: { kind: 'manager' as const, email: 'deputy@example.com' } };
    outbox.record([copy], new Date());
    const owners = ownersSchema.parse({ regions: {}, hr: ['hr-partner@example.com'] });
    const [msg] = await composeDigests(outbox, { owners, templatesDir: join(REPO, 'templates'), now: new Date(NOW), limits: { ...DEFAULT_DELIVERY.digest, charts: 0 } });
    expect(msg?.charts).toBe(0);
    const html = readFileSync(outbox.bodyFile(msg!.id, 'html'), 'utf8');
    expect(html).not.toContain('<img');
    expect(html).toMatch(/<th[^>]*title="登录天数（每 5 个工作日）"[^>]*>登录天数<\/th>/);
    // Cells are coloured by band: at least one green cell.
    expect(html).toContain('background:#cdeed6');
  });
});
