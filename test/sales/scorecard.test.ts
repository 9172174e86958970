/**
 * The monthly scorecard on small exports whose every number is worked out by hand, through the
 * real CLI and outbox: percentiles among peers, weights renormalised over the dimensions a person
 * has, improvement on last month, courses for weak dimensions (a long collection cycle suggesting
 * negotiation), and who gets what.
 *
 * February 2026, four 客户经理 (peers), no CRM activity export (compliance is nobody's: the other
 * weights count, 90 or 80). Percentile = 100 × (below + ½ × equal others) / (peers − 1):
 *            collections   margin       new cust.   satisfaction        score
 *   张三     100k → 100    30k → 100    1 → 33.3    5   → 100 (of 3)    (4000 + 2500 + 499.5 + 1000) / 90 = 88.9
 *   李四      80k → 66.7   10k → 33.3   3 → 100     3.5 →   0          (2668 + 832.5 + 1500 + 0) / 90  = 55.6
 *   王五      60k → 33.3   20k → 66.7   2 → 66.7    none               (1332 + 1667.5 + 1000.5) / 80   = 50.0
 *   赵六      40k → 0       5k → 0      0 → 0       4   →  50          500 / 90                        =  5.6
 * January: collections 40k/100k/60k/80k, margin 5k/30k/10k/20k, nobody new (all 50), no survey:
 *   张三 9.4, 李四 90.6, 王五 36.4, 赵六 63.6 → changes +79.5, −35.0, +13.6, −58.0.
 * Collection cycles (invoice → receipt): 10, 20, 30, 70 days; peers' median 25; 赵六 is more than
 * 20 % above it → the negotiation course instead of the collections one; 王五 (30, not above 30) gets the latter.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { percentile, scoreAll } from '../../src/sales/scorecard/score.js';
import { SCORECARD_NOW, writeScorecardExports } from '../helpers/scorecard-exports.js';
import { makeWorkspace, type Workspace } from '../helpers/workspace.js';

// Hooks that spawn the CLI and render charts: on a loaded two-core machine they take longer than one test.
const SLOW = 180_000;
vi.setConfig({ testTimeout: SLOW });

const NOW = SCORECARD_NOW;

describe('scorecard maths', () => {
  it('is a percentile among peers: lowest 0, highest 100, ties share the middle', () => {
    expect(percentile(30, [10, 20, 30, 40, 50])).toBe(50);
    expect(percentile(50, [10, 20, 30, 40, 50])).toBe(100);
    expect(percentile(10, [10, 20, 30, 40, 50])).toBe(0);
    // 20 among 10, 20, 20, 40: one below, one equal other → (1 + 0.5) / 3.
    expect(percentile(20, [10, 20, 20, 40])).toBe(50);
    expect(percentile(7, [7, 7, 7])).toBe(50);
  });

  it('weighs the dimensions a person has, and leaves out one with too few peers', () => {
    const people = new Map([
      ['a', { group: 'g', values: { collections: 3, satisfaction: 5 } }],
      ['b', { group: 'g', values: { collections: 2, satisfaction: 4 } }],
      ['c', { group: 'g', values: { collections: 1, satisfaction: null } }],
    ]);
    const dims = [
      { id: 'collections' as const, weight: 60 },
      { id: 'satisfaction' as const, weight: 40 },
    ];
    const s = scoreAll(people, { dimensions: dims, min_peers: 3, bands: { green: 60, yellow: 40 } });
    // satisfaction has 2 peers with a value (< 3): not scored; the score is collections alone.
    expect(s.get('a')!.dims[1]!.score).toBeNull();
    expect(s.get('a')!.score).toBe(100);
    expect(s.get('b')!.score).toBe(50);
    expect(s.get('c')).toMatchObject({ score: 0, band: 'red' });
    const s2 = scoreAll(people, { dimensions: dims, min_peers: 2, bands: { green: 60, yellow: 40 } });
    // Now satisfaction counts: a = (60 × 100 + 40 × 100) / 100; b = (60 × 50 + 40 × 0) / 100; c = collections only.
    expect([s2.get('a')!.score, s2.get('b')!.score, s2.get('c')!.score]).toEqual([100, 30, 0]);
  });
});

describe('radar scorecard on hand-worked exports', () => {
  let ws: Workspace;
  let dir: string;

  beforeAll(() => {
    ws = makeWorkspace();
    dir = writeScorecardExports(ws);
  });
  afterAll(() => ws.cleanup());

  it('scores the last complete month: percentiles, weights, bands', async () => {
    const r = await ws.radar('scorecard', 'show', '--now', NOW, '--json', '--inputs', dir);
    expect(r.code, r.stderr).toBe(0);
    const shown = JSON.parse(r.stdout) as { month: string; people: { employeeId: string; score: number; band: string; dims: { id: string; value: number | null; score: number | null }[] }[] };
    expect(shown.month).toBe('2026-02');
    const by = Object.fromEntries(shown.people.map((p) => [p.employeeId, p]));
    expect([by['10001']!.score, by['10002']!.score, by['10003']!.score, by['10004']!.score]).toEqual([88.9, 55.6, 50, 5.6]);
    expect([by['10001']!.band, by['10002']!.band, by['10003']!.band, by['10004']!.band]).toEqual(['green', 'yellow', 'yellow', 'red']);
    expect(by['10002']!.dims.map((d) => [d.id, d.value, d.score])).toEqual([
      ['collections', 80000, 66.7],
      ['margin', 10000, 33.3],
      ['new_customers', 3, 100],
      ['satisfaction', 3.5, 0],
      ['compliance', null, null],
    ]);
    expect(r.stderr).toBe('');
    const t = await ws.radar('scorecard', 'show', '--now', NOW, '--inputs', dir);
    expect(t.stderr).toContain('sat.csv:6: not a score: "很满意" in 满意度');
  });

  describe('radar scorecard run', () => {
    let emails: Awaited<ReturnType<Workspace['emails']>>;
    const to = (m: (typeof emails)[number]): string => (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address ?? '';
    const mail = (a: string) => emails.find((m) => to(m) === a)!;

    beforeAll(async () => {
      const r = await ws.radar('scorecard', 'run', '--now', NOW, '--inputs', dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('2026-02: 4 people scored; 4 cards, 2 team views');
      emails = await ws.emails();
    }, SLOW);

    it('gives each person their own breakdown, standing and courses, and nobody else\'s', async () => {
      expect(emails.map(to).sort()).toEqual(['a-mgr@example.com', 'b-mgr@example.com', 's1@example.com', 's2@example.com', 's3@example.com', 's4@example.com']);
      const s2 = mail('s2@example.com').text!;
      expect(s2).toContain('李四，2026-02：综合得分 55.6');
      expect(s2).toContain('同组第 2 / 4 名（客户经理）；同组中位数 52.8；上月 90.6');
      expect(s2).toContain('毛利贡献 (25%): 1.0 万 (同组中位数 1.5 万) → 33.3');
      expect(s2).toContain('毛利贡献: 价值销售与报价策略');
      expect(s2).toContain('客户服务与回访');
      for (const n of ['张三', '王五', '赵六']) expect(s2).not.toContain(n);
      expect(mail('s4@example.com').text).toContain('回款周期偏长: 商务谈判与回款条款');
      expect(mail('s4@example.com').text).toContain('开票到回款平均 70 天（同组中位数 25 天）');
      expect(mail('s4@example.com').text).not.toContain('回款管理与催收实务');
      expect(mail('s3@example.com').text).toContain('回款: 回款管理与催收实务');
      const m = await simpleParser(readFileSync(join(ws.outbox, mail('s1@example.com').file)), { keepCidLinks: true });
      const png = m.attachments.find((x) => x.contentType === 'image/png')!;
      expect(String(m.html)).toContain(`src="cid:${png.cid}"`);
    });

    it('gives each manager their own team\'s heat map and rankings', async () => {
      const a = mail('a-mgr@example.com').text!;
      expect(a).toContain('1. 张三 88.9 (+79.5)');
      expect(a).toContain('2. 李四 55.6 (-35.0)');
      expect(a).toContain('进步最快： 张三 +79.5');
      expect(a).toContain('毛利贡献前列： 张三 3.0 万、李四 1.0 万');
      for (const n of ['王五', '赵六']) expect(a).not.toContain(n);
      expect(mail('b-mgr@example.com').text).toContain('1. 王五 50.0 (+13.6)');
      const m = await simpleParser(readFileSync(join(ws.outbox, mail('a-mgr@example.com').file)), { keepCidLinks: true });
      expect(m.attachments.filter((x) => x.contentType === 'image/png')).toHaveLength(1);
    });
  });

  it('radar scorecard explain traces a person\'s numbers to the rows', async () => {
    const r = await ws.radar('scorecard', 'explain', '赵六', '--now', NOW, '--inputs', dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('score = 40% × 0.0 + 25% × 0.0 + 15% × 0.0 + 10% × 50.0 (over 90%) = 5.6');
    expect(r.stdout).toMatch(/erp\.csv:10 +2026-02-10 +R8 +客户8 +4\.0 万 +毛利 0\.5 万/);
    expect(r.stdout).toMatch(/sat\.csv:5 +2026-02-14 +C9 +4/);
    expect(r.stdout).toContain('new customers (0):');
  });
});
