/**
 * Follow-up SOP reminders on a small CRM export whose every item is worked out by hand, through
 * the real CLI and a real outbox: who is reminded of what, who gets which summary, and the rows
 * behind each item.
 *
 * Hand working (now 2026-03-16 09:00; 48 h feedback, 7-day second touch, window 28 days from
 * 02-16 09:00, chase first visits from 02-14 09:00 on, due soon = within 24 h):
 *   张三 K1 first visit 03-10 10:00: feedback 03-11 09:00 (on time); second-touch deadline 03-17 is still ahead.
 *        K2 03-13 15:00: no feedback by now (the one on 03-20 is after now) → feedback overdue since 03-15 15:00.
 *        K3 03-14 14:00: feedback due 03-16 14:00, five hours away → due soon; 微信 03-15 is its second touch.
 *        K4 03-02 09:00: feedback 03-05 10:00 (late: due 03-04 09:00, done, so no reminder); no second
 *           touch by 03-09 09:00 → overdue.
 *        O4 in 线索 since 01-10 10:00: 64 full days > 21 → idle.  O1 entered 方案 with 方案评审 通过: fine.
 *        Ranking: feedback deadlines in the window K1 ✓, K4 ✗, K2 ✗ → 1/3; second touch K4 ✗ → 0/1; 1/4 = 25 %.
 *   李四 K5 03-01 10:00: feedback 18:00 ✓, 拜访 03-06 ✓ → 2/2 = 100 %. K6 (01-10) is before both windows.
 *   王五 O2 entered 意向 01-20 10:00 with no 产品演示 and no signed 需求确认单 → criteria; 54 days > 30 → idle.
 *   Funnel of 甲经理's team (张三, 李四) over 90 days: 线索 3 (O1 on, O3 lost, O4 open) → 33 %; 意向 1 → 1; 方案 1 → 0.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FOLLOWUP_NOW, writeFollowupExports } from '../helpers/followup-exports.js';
import { makeWorkspace, type Workspace } from '../helpers/workspace.js';

// Hooks that spawn the CLI and render charts: on a loaded two-core machine they take longer than one test.
const SLOW = 180_000;
vi.setConfig({ testTimeout: SLOW });

const NOW = FOLLOWUP_NOW;

let ws: Workspace;
let dir: string;

beforeAll(() => {
  ws = makeWorkspace();
  dir = writeFollowupExports(ws);
});
afterAll(() => ws.cleanup());

interface ShownItem {
  rule: string;
  status: string;
  employeeId: string;
  customer: string;
  opportunity?: string;
  due: string;
  days?: number;
  missing?: string[];
  rows: { file: string; line: number }[];
}

describe('radar followup show: what each rep owes now', () => {
  let items: ShownItem[];
  let stderr: string;
  beforeAll(async () => {
    const r = await ws.radar('followup', 'show', '--now', NOW, '--json', '--inputs', dir);
    expect(r.code, r.stderr).toBe(0);
    items = JSON.parse(r.stdout).items;
    stderr = (await ws.radar('followup', 'show', '--now', NOW, '--inputs', dir)).stderr;
  }, SLOW);

  it('finds every overdue and due-soon item and nothing else', () => {
    // Per rep (in pseudonymous-id order, so sorted here by 工号): overdue by deadline, then due soon.
    const got = items.map((i) => [i.employeeId, i.rule, i.status, i.customer, i.opportunity ?? '', i.due]).sort((a, b) => a[0]!.localeCompare(b[0]!));
    expect(got).toEqual([
      ['10001', 'idle', 'overdue', 'K8', 'O4', '2026-01-31 10:00'],
      ['10001', 'second_touch', 'overdue', 'K4', '', '2026-03-09 09:00'],
      ['10001', 'feedback', 'overdue', 'K2', '', '2026-03-15 15:00'],
      ['10001', 'feedback', 'due', 'K3', '', '2026-03-16 14:00'],
      ['10003', 'criteria', 'overdue', 'K7', 'O2', '2026-01-20 10:00'],
      ['10003', 'idle', 'overdue', 'K7', 'O2', '2026-02-19 10:00'],
    ].sort((a, b) => a[0]!.localeCompare(b[0]!) || Number(a[2] === 'due') - Number(b[2] === 'due') || a[5]!.localeCompare(b[5]!)));
    const o4 = items.find((i) => i.opportunity === 'O4')!;
    expect(o4.days).toBe(64);
    expect(items.find((i) => i.rule === 'idle' && i.opportunity === 'O2')!.days).toBe(54);
    expect(items.find((i) => i.rule === 'criteria')!.missing).toEqual(['产品演示', '需求确认单：已签']);
  });

  it('names the row behind each item and the rows it could not read', () => {
    expect(items.find((i) => i.customer === 'K2')!.rows).toEqual([{ file: 'acts.csv', line: 11 }]);
    expect(items.find((i) => i.rule === 'criteria')!.rows).toEqual([{ file: 'opps.csv', line: 4 }]);
    expect(stderr).toContain('acts.csv:15: unreadable time "2026-13-01 10:00" in 活动时间');
  });
});

describe('radar followup remind and summary: to the person and their manager only', () => {
  let emails: Awaited<ReturnType<Workspace['emails']>>;
  const to = (m: (typeof emails)[number]): string => (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address ?? '';

  beforeAll(async () => {
    const r = await ws.radar('followup', 'remind', '--now', NOW, '--inputs', dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('2 reps with something to do, 2 reminders');
    const s = await ws.radar('followup', 'summary', '--now', NOW, '--inputs', dir);
    expect(s.code, s.stderr).toBe(0);
    emails = await ws.emails();
  }, SLOW);

  it('reminds each rep of their own items, overdue first, and nobody else of them', () => {
    const s1 = emails.filter((m) => to(m) === 's1@example.com');
    expect(s1).toHaveLength(1);
    const text = s1[0]!.text!;
    expect(text).toContain('K2：2026-03-13 15:00 首次拜访，请录入拜访反馈（48 小时内，截止 2026-03-15 15:00）');
    expect(text).toContain('K4：2026-03-02 09:00 首次拜访，请完成二次跟进（7 天内，截止 2026-03-09 09:00）');
    expect(text).toContain('O4 张三老项目：自 2026-01-10 停留在「线索」64 天（上限 21 天）');
    expect(text.indexOf('已逾期')).toBeLessThan(text.indexOf('一天内到期'));
    expect(text.indexOf('K2')).toBeLessThan(text.indexOf('一天内到期'));
    expect(text.indexOf('K3')).toBeGreaterThan(text.indexOf('一天内到期'));
    for (const other of ['王五', 'O2', 'K5']) expect(text).not.toContain(other);
    const s3 = emails.find((m) => to(m) === 's3@example.com')!.text!;
    expect(s3).toContain('O2 王五项目：2026-01-20 进入「意向」，但缺少 产品演示、需求确认单：已签');
    expect(emails.some((m) => to(m) === 's2@example.com')).toBe(false);
  });

  it('gives each manager their own team\'s ranking and funnel', () => {
    const a = emails.find((m) => to(m) === 'a-mgr@example.com')!.text!;
    expect(a).toContain('1. 李四: 48小时反馈 1/1, 7天二次跟进 1/1, 100%, 当前逾期 0');
    expect(a).toContain('2. 张三: 48小时反馈 1/3, 7天二次跟进 0/1, 25%, 当前逾期 3');
    expect(a).toContain('线索: 3 → 1 (33%), 输单 1, 仍在跟进 1');
    expect(a).toContain('意向: 1 → 1 (100%)');
    expect(a).toContain('方案: 1 → 0 (0%)');
    expect(a).not.toContain('王五');
    const b = emails.find((m) => to(m) === 'b-mgr@example.com')!.text!;
    expect(b).toContain('王五');
    for (const n of ['张三', '李四']) expect(b).not.toContain(n);
    expect(b).toContain('线索: 1 → 1 (100%)');
  });
});

it('radar followup explain traces a rep\'s items and timeliness to the rows', async () => {
  const r = await ws.radar('followup', 'explain', '张三', '--now', NOW, '--inputs', dir);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain('feedback within 48 h: 1/3; second touch within 7 days: 0/1; on time 25.0%');
  expect(r.stdout).toMatch(/overdue +K2: first visit 2026-03-13 15:00, feedback due 2026-03-15 15:00 +\[acts\.csv:11\]/);
  expect(r.stdout).toMatch(/2026-03-02 09:00 +K4 +acts\.csv:6 +2026-03-05 10:00 late \(acts\.csv:7\) +none by 2026-03-09 09:00/);
  expect(r.stdout).toMatch(/2026-03-10 10:00 +K1 +acts\.csv:9 +2026-03-11 09:00 on time \(acts\.csv:10\)/);
});
