/**
 * The daily follow-up reminder in WeCom: each rep's own robot chat gets a task card (the count of
 * overdue items, one row per item opening it in the CRM, the card opening the console), instead of
 * the email; a rep without a chat of their own is emailed. Against the fake WeCom robot service
 * (test/helpers/chat-services.ts), through the real CLI and outbox. The CRM export
 * (test/helpers/followup-exports.ts) and its hand-worked items are those of followup.test.ts
 * (张三 10001: O4 idle, K4 second touch, K2 feedback overdue, K3 feedback due; 王五 10003: O2
 * entered 意向 without its criteria, and idle).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startWecom, type FakeService } from '../helpers/chat-services.js';
import { FOLLOWUP_NOW, FOLLOWUP_RULES, writeFollowupExports } from '../helpers/followup-exports.js';
import { DEFAULT_OWNERS, makeWorkspace, REPO, runCli, type Workspace } from '../helpers/workspace.js';

vi.setConfig({ testTimeout: 180_000 });

const NOW = FOLLOWUP_NOW;
const RULES = FOLLOWUP_RULES;
const LINKS = `links:
  customer: https://crm.example.com/customer/{customer}
  opportunity: https://crm.example.com/opportunity/{opportunity}
`;
const KEY_A = 'aaaaaaaa-1111-4bc4-97a0-zhangsan0001';
const KEY_B = 'bbbbbbbb-2222-4bc4-97a0-wangwu000003';

interface Card {
  msgtype: string;
  template_card: {
    card_type: string;
    main_title: { title: string; desc: string };
    emphasis_content: { title: string; desc: string };
    sub_title_text: string;
    horizontal_content_list: { keyname: string; value: string; type?: number; url?: string }[];
    jump_list?: { type: number; title: string; url: string }[];
    card_action: { type: number; url: string };
  };
}

function workspace(rules: string, delivery?: string): Workspace {
  const w = makeWorkspace();
  writeFollowupExports(w, rules);
  if (delivery) w.writeRule('delivery.yaml', delivery);
  // 张三 and 王五 each read their own robot chat; 李四 has nothing due; nobody else has a chat.
  w.writeRule(
    'owners.yaml',
    `${DEFAULT_OWNERS}channels:\n  zhangsan-wecom: { type: wecom, url_env: RADAR_WECOM_ZHANGSAN }\n  wangwu-wecom: { type: wecom, url_env: RADAR_WECOM_WANGWU }\npeople:\n  s1@example.com: { channels: [zhangsan-wecom] }\n  s3@example.com: { channels: [wangwu-wecom] }\n`,
  );
  return w;
}

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });

describe('a rep who reads WeCom gets their reminder as a task card there', () => {
  let a: FakeService;
  let b: FakeService;
  let w: Workspace;
  let env: Record<string, string>;
  const remind = () => runCli(['--home', w.home, '--state', w.state, 'followup', 'remind', '--now', NOW, '--inputs', join(w.home, 'inputs')], env);

  beforeAll(async () => {
    a = await startWecom({ key: KEY_A });
    b = await startWecom({ key: KEY_B });
    w = workspace(RULES + LINKS, 'links:\n  console: https://radar.example.com\n');
    env = { RADAR_OUTBOX_DIR: w.outbox, RADAR_TEMPLATES_DIR: join(REPO, 'templates'), RADAR_WECOM_ZHANGSAN: a.url, RADAR_WECOM_WANGWU: b.url };
    const r = await remind();
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(async () => {
    w.cleanup();
    await a.stop();
    await b.stop();
  });

  it("shows 张三 his overdue items first, each opening in the CRM, and the card opening the console", () => {
    expect(a.accepted).toHaveLength(1);
    const card = a.accepted[0]!.body as unknown as Card;
    expect(card.msgtype).toBe('template_card');
    const c = card.template_card;
    expect(c.card_type).toBe('text_notice');
    expect(c.main_title).toEqual({ title: '客户跟进提醒 · 张三', desc: '截至 2026-03-16 09:00' });
    expect(c.emphasis_content).toEqual({ title: '3', desc: '项跟进已逾期' });
    // Overdue by deadline (O4 idle since 01-31, K4 second touch 03-09, K2 feedback 03-15), then K3 due today.
    expect(c.horizontal_content_list).toEqual([
      { keyname: '商机停滞', value: 'O4 张三老项目 · 「线索」64 天', type: 1, url: 'https://crm.example.com/opportunity/O4' },
      { keyname: '二次跟进', value: 'K4 · 截止 03-09 09:00', type: 1, url: 'https://crm.example.com/customer/K4' },
      { keyname: '拜访反馈', value: 'K2 · 截止 03-15 15:00', type: 1, url: 'https://crm.example.com/customer/K2' },
      { keyname: '拜访反馈', value: 'K3 · 截止 03-16 14:00', type: 1, url: 'https://crm.example.com/customer/K3' },
    ]);
    expect(c.sub_title_text).toBe('3 项已逾期，1 项一天内到期\n来源：radar followup explain 10001');
    expect(c.card_action.url).toBe('https://radar.example.com/alerts/followup%3A' + c.card_action.url.split('followup%3A')[1]);
    expect(decodeURIComponent(c.card_action.url)).toMatch(/\/alerts\/followup:[^/]+:2026-03-16$/);
    expect(c.jump_list).toEqual([{ type: 1, title: '在控制台打开', url: c.card_action.url }]);
  });

  it("gives 王五 his own card and nothing of 张三's, and 张三 nothing of 王五's", () => {
    expect(b.accepted).toHaveLength(1);
    const mine = b.accepted[0]!.raw;
    const c = (b.accepted[0]!.body as unknown as Card).template_card;
    expect(c.main_title.title).toBe('客户跟进提醒 · 王五');
    expect(c.horizontal_content_list.map((r) => [r.keyname, r.value])).toEqual([
      ['阶段条件', 'O2 王五项目 · 缺 产品演示、需求确认单：已签'],
      ['商机停滞', 'O2 王五项目 · 「意向」54 天'],
    ]);
    for (const other of ['张三', 'K2', 'K4', 'O4', '10001']) expect(mine).not.toContain(other);
    for (const other of ['王五', 'O2', 'K7', '10003']) expect(a.accepted[0]!.raw).not.toContain(other);
  });

  it('sends the card instead of the email: nobody with a chat of their own is emailed the reminder', async () => {
    expect(await w.emails()).toEqual([]);
  });

  it('sends each card once: the same day run again posts nothing new', async () => {
    const r = await remind();
    expect(r.code, r.stderr).toBe(0);
    expect(a.accepted).toHaveLength(1);
    expect(b.accepted).toHaveLength(1);
  });

  it("keeps the robots' keys out of every stored file", () => {
    const files = filesUnder(w.home);
    // The stored cards are there (what a resend would post), without the keys the URLs carry.
    expect(files.some((f) => readFileSync(f, 'utf8').includes('客户跟进提醒 · 张三'))).toBe(true);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect(text, f).not.toContain(KEY_A);
      expect(text, f).not.toContain(KEY_B);
    }
  });
});

it('without a console or CRM links (nothing a card could open) the reminder goes as a markdown post', async () => {
  const a = await startWecom({ key: KEY_A });
  const w = workspace(RULES);
  try {
    const env = { RADAR_OUTBOX_DIR: w.outbox, RADAR_TEMPLATES_DIR: join(REPO, 'templates'), RADAR_WECOM_ZHANGSAN: a.url, RADAR_WECOM_WANGWU: 'http://127.0.0.1:9/unused' };
    const r = await runCli(['--home', w.home, '--state', w.state, 'followup', 'remind', '--now', NOW, '--inputs', join(w.home, 'inputs'), '--to', 's1@example.com'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(a.accepted).toHaveLength(1);
    const post = a.accepted[0]!.body as { msgtype: string; markdown: { content: string } };
    expect(post.msgtype).toBe('markdown');
    expect(post.markdown.content).toContain('K2：2026-03-13 15:00 首次拜访，请录入拜访反馈（48 小时内，截止 2026-03-15 15:00）');
    expect(post.markdown.content).not.toContain('王五');
  } finally {
    w.cleanup();
    await a.stop();
  }
});

it('a rep without a chat of their own is emailed the reminder', async () => {
  const w = workspace(RULES + LINKS);
  // 张三 no longer has a chat: only 王五 does.
  w.writeRule('owners.yaml', `${DEFAULT_OWNERS}channels:\n  wangwu-wecom: { type: wecom, url_env: RADAR_WECOM_WANGWU }\npeople:\n  s3@example.com: { channels: [wangwu-wecom] }\n`);
  const b = await startWecom({ key: KEY_B });
  try {
    const env = { RADAR_OUTBOX_DIR: w.outbox, RADAR_TEMPLATES_DIR: join(REPO, 'templates'), RADAR_WECOM_WANGWU: b.url };
    const r = await runCli(['--home', w.home, '--state', w.state, 'followup', 'remind', '--now', NOW, '--inputs', join(w.home, 'inputs')], env);
    expect(r.code, r.stderr).toBe(0);
    const mails = await w.emails();
    expect(mails.map((m) => (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address)).toEqual(['s1@example.com']);
    expect(mails[0]!.text).toContain('K2：2026-03-13 15:00 首次拜访');
    expect(b.accepted).toHaveLength(1);
    expect((b.accepted[0]!.body as unknown as Card).msgtype).toBe('template_card');
  } finally {
    w.cleanup();
    await b.stop();
  }
});
