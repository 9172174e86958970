/**
 * Sample exports of the sales analysers, for the people of the org.csv and hr-roster.csv already
 * in the folder (written by src/signals/samples.ts): run through scripts/gen-samples.ts.
 *
 *   erp-collections.csv       回款明细, GBK with a title line that declares its period (2025-01-01 至
 *                             the Sunday before "now"): one row per receipt, with 开票日期 and 毛利
 *   crm-activity-log.csv      CRM activities: 首次拜访, 拜访反馈, calls, WeChat, visits, 产品演示
 *   crm-opportunity-log.csv   opportunity stage history 线索 → 意向 → 方案 → 谈判 → 成交 / 输单, with
 *                             the criteria columns 需求确认单, 方案评审, 报价单 on the rows that enter a stage
 *   customer-satisfaction.csv 回访 answers (1-5) about each salesperson
 *
 * Planted (known answers for the demo and tests):
 * - regions differ in size (华东 > 华南 > 华北 > 西南); months at a quarter's end carry a push
 *   (×1.35) and the month after gives some back (×0.9); 华南 has one exceptional receipt of
 *   3,000,000 元 in 2026-05; 西南 loses 40 % of its collections from 2026-03 on (a competitor);
 * - employee 10001 has, as of Monday 2026-11-23 09:00: a first visit on 11-20 without feedback
 *   (overdue), a first visit on 11-13 with no second touch (overdue), a first visit on 11-21 14:00
 *   whose feedback is due within the day, an opportunity in 方案 since 10-05 (past the 30-day
 *   limit) and one that entered 意向 on 11-16 without a signed 需求确认单;
 * - two broken ERP rows (an amount 待确认 and the date 2026-02-30).
 * Deterministic: seeded, and the same bytes on every run.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { dayNumber, dayToIso, weekday } from '../signals/dates.js';
import { Rng } from '../signals/random.js';
import { addMonths, daysIn, firstDay, isQuarterEnd, type Month, monthRange } from './months.js';

export interface SalesSampleOptions {
  outDir: string;
  seed?: number;
  /** ISO date of "now" (a Monday): the last day written is the day before. */
  now?: string;
}

interface Person {
  id: string;
  name: string;
  region: string;
  team: string;
  role: string;
  hired: number;
  lastDay: number | null;
}

const BOM = '\uFEFF';
const cell = (v: string | number): string => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csv = (header: string[], rows: (string | number)[][]): string => [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
const stamp = (t: number): string => {
  const d = Math.floor(t / 1440);
  const m = Math.round(t - d * 1440);
  return `${dayToIso(d)} ${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};
const yuan = (x: number): string => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** A stable per-person seed: one person's stream does not depend on who else is generated. */
function seedOf(seed: number, key: string): number {
  let h = (seed ^ 0x85ebca6b) >>> 0;
  for (const ch of key) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

async function readCsv(file: string): Promise<Record<string, string>[]> {
  const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  const [head, ...lines] = text.split(/\r?\n/).filter((l) => l !== '');
  const cols = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
}

async function people(dir: string): Promise<Person[]> {
  const org = await readCsv(join(dir, 'org.csv'));
  const roster = new Map((await readCsv(join(dir, 'hr-roster.csv'))).map((r) => [r['工号']!, r]));
  const day = (s: string | undefined): number | null => (s && /^\d{4}-\d{2}-\d{2}$/.test(s) ? dayNumber(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10))) : null);
  return org.map((o) => {
    const r = roster.get(o['工号']!);
    return {
      id: o['工号']!,
      name: o['姓名']!,
      region: o['区域']!,
      team: o['团队']!,
      role: o['岗位']!,
      hired: day(r?.['入职日期']) ?? dayNumber(2020, 1, 1),
      lastDay: r?.['员工状态'] === '已离职' ? day(r['最后工作日']) : null,
    };
  });
}

const REGION_SCALE: Record<string, number> = { 华东: 1.25, 华南: 1.0, 华北: 0.95, 西南: 0.72 };
const ROLE_SCALE: Record<string, number> = { 大客户经理: 1.6, 客户经理: 1.0, 销售代表: 0.7 };
const CO = ['华信', '恒通', '瑞丰', '嘉禾', '中科', '金桥', '东方', '鼎盛', '博远', '新创', '天成', '汇众', '宏达', '远航', '星辰', '凯越', '安泰', '盛世', '同和', '致远'];
const TRADE = ['贸易', '科技', '制造', '物流', '医疗器械', '食品', '建材', '电子', '化工', '信息技术'];

export async function generateSalesSamples(o: SalesSampleOptions): Promise<string[]> {
  const seed = o.seed ?? 20261123;
  const nowDay = (() => {
    const s = o.now ?? '2026-11-23';
    return dayNumber(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10)));
  })();
  const lastDay = nowDay - 1;
  const staff = await people(o.outDir);
  const files: string[] = [];
  const put = async (name: string, text: string, gbk = false): Promise<void> => {
    await writeFile(join(o.outDir, name), gbk ? iconv.encode(text, 'gbk') : Buffer.from(BOM + text, 'utf8'));
    files.push(name);
  };
  await put('erp-collections.csv', collections(staff, seed, lastDay), true);
  const crm = followups(staff, seed, nowDay);
  await put('crm-activity-log.csv', crm.activities);
  await put('crm-opportunity-log.csv', crm.opportunities);
  await put('customer-satisfaction.csv', satisfaction(staff, seed, lastDay));
  return files;
}

const workdayIn = (rng: Rng, from: number, to: number): number => {
  for (let k = 0; k < 20; k++) {
    const d = rng.int(from, to);
    if (weekday(d) < 5) return d;
  }
  return from;
};

function collections(staff: Person[], seed: number, lastDay: number): string {
  const first: Month = '2025-01';
  const months = monthRange(first, dayToIso(lastDay).slice(0, 7));
  const rows: { t: number; r: (string | number)[] }[] = [];
  let receiptNo = 0;
  for (const p of staff) {
    const rng = new Rng(seedOf(seed, `erp:${p.id}`));
    const level = 180_000 * (REGION_SCALE[p.region] ?? 1) * (ROLE_SCALE[p.role] ?? 1) * (0.75 + 0.5 * rng.float());
    const marginShare = 0.18 + 0.14 * rng.float();
    const cycle = 20 + 55 * rng.float();
    const book = Array.from({ length: rng.int(6, 12) }, () => `${p.region.slice(0, 1)}${rng.pick(CO)}${rng.pick(TRADE)}有限公司`);
    // A new hire starts small; someone who left stops.
    const start = Math.max(firstDay(first), p.hired + 30);
    const end = Math.min(lastDay, p.lastDay ?? lastDay);
    months.forEach((m, i) => {
      const mFirst = firstDay(m);
      const mLast = Math.min(mFirst + daysIn(m) - 1, end);
      if (mLast < start || mFirst > end) return;
      let amount = level * (1 + 0.008 * i) * (0.85 + 0.3 * rng.float());
      if (isQuarterEnd(m, 1)) amount *= 1.35;
      else if (isQuarterEnd(addMonths(m, -1), 1)) amount *= 0.9;
      if (p.region === '西南' && m >= '2026-03') amount *= 0.6;
      if (p.hired > dayNumber(2026, 6, 1)) amount *= 0.5;
      // The current month so far: only the days up to the export's end.
      const from = Math.max(mFirst, start);
      amount *= (mLast - from + 1) / daysIn(m);
      const n = Math.max(1, rng.poisson(6 * ((mLast - from + 1) / daysIn(m))));
      const parts = Array.from({ length: n }, () => 0.3 + rng.float());
      const total = parts.reduce((a, b) => a + b, 0);
      for (const w of parts) {
        const day = workdayIn(rng, from, mLast);
        const amt = Math.round((amount * w) / total);
        const inv = day - Math.max(0, Math.round(rng.normal(cycle, 8)));
        rows.push({ t: day * 1440 + rng.int(540, 1080), r: [dayToIso(day), '', rng.pick(book), p.region, p.id, p.name, dayToIso(inv), yuan(amt), yuan(Math.round(amt * (marginShare + rng.normal(0, 0.02))))] });
      }
    });
  }
  // The exceptional receipt: a one-off that must not carry into the forecast.
  const south = staff.find((p) => p.region === '华南' && p.lastDay === null);
  if (south) rows.push({ t: dayNumber(2026, 5, 20) * 1440 + 600, r: ['2026-05-20', '', '华南海运集团有限公司', '华南', south.id, south.name, '2026-03-02', yuan(3_000_000), yuan(420_000)] });
  rows.sort((a, b) => a.t - b.t || String(a.r[4]).localeCompare(String(b.r[4])));
  for (const x of rows) x.r[1] = `HK${String(++receiptNo).padStart(6, '0')}`;
  // Real exports are messy: an amount not confirmed yet, and a date that does not exist.
  if (rows.length > 200) {
    rows[120]!.r[7] = '待确认';
    rows[180]!.r[0] = '2026-02-30';
  }
  const title = `回款明细表 统计日期：2025-01-01 至 ${dayToIso(lastDay)}`;
  return title + '\r\n' + csv(['回款日期', '回款单号', '客户名称', '区域', '业务员工号', '业务员', '开票日期', '回款金额(元)', '毛利(元)'], rows.map((x) => x.r));
}

const STAGES = ['线索', '意向', '方案', '谈判', '成交'] as const;

function followups(staff: Person[], seed: number, nowDay: number): { activities: string; opportunities: string } {
  const from = dayNumber(2026, 7, 27);
  const end = (nowDay - 1) * 1440 + 1439;
  const acts: { t: number; r: (string | number)[] }[] = [];
  const opps: { t: number; r: (string | number)[] }[] = [];
  // People enter CRM records between 08:30 and 21:30; a later one is entered the next morning.
  const office = (t: number): number => {
    const m = t - Math.floor(t / 1440) * 1440;
    return m < 510 ? t - m + 510 : m > 1290 ? t - m + 1440 + 510 : t;
  };
  const act = (t0: number, p: Person, customer: string, opp: string, type: string, text: string): void => {
    const t = office(t0);
    if (t <= end) acts.push({ t, r: [stamp(t), p.id, customer, opp, type, text] });
  };
  const stage = (t0: number, opp: string, title: string, customer: string, p: Person, fromS: string, toS: string, amount: number, criteria: [string, string, string]): void => {
    const t = office(t0);
    if (t <= end) opps.push({ t, r: [stamp(t), opp, title, customer, p.id, fromS, toS, amount.toFixed(1), ...criteria] });
  };
  for (const p of staff) {
    if (p.lastDay !== null && p.lastDay < from) continue;
    const rng = new Rng(seedOf(seed, `crm:${p.id}`));
    const feedback = 0.72 + 0.26 * rng.float();
    const second = 0.7 + 0.27 * rng.float();
    const criteria = 0.8 + 0.19 * rng.float();
    const stop = p.lastDay !== null ? p.lastDay * 1440 : end;
    let seq = 0;
    let oppSeq = 0;
    for (let week = from; week + 7 <= nowDay; week += 7) {
      const n = rng.poisson(1.3);
      for (let k = 0; k < n; k++) {
        const day = week + rng.int(0, 4);
        const t = day * 1440 + rng.int(570, 1050);
        if (t > stop) continue;
        const customer = `K${p.id}${String(++seq).padStart(3, '0')}`;
        act(t, p, customer, '', '首次拜访', '初次上门了解需求');
        const fbAt = rng.chance(feedback) ? t + rng.int(120, 2400) : rng.chance(0.6) ? t + rng.int(3000, 8400) : null;
        if (fbAt !== null) act(fbAt, p, customer, '', '拜访反馈', '客户关注交付周期与价格');
        const stAt = rng.chance(second) ? t + rng.int(1440, 9360) : rng.chance(0.5) ? t + rng.int(11_600, 20_000) : null;
        if (stAt !== null) act(stAt, p, customer, '', rng.pick(['电话', '微信', '拜访']), '二次沟通');
        if (!rng.chance(0.45)) continue;
        const opp = `SJ${p.id}${String(++oppSeq).padStart(3, '0')}`;
        const title = `${customer} 采购项目`;
        const amount = 10 + 190 * rng.float();
        let at = t + rng.int(1440, 7200);
        stage(at, opp, title, customer, p, '', '线索', amount, ['', '', '']);
        for (let s = 1; s < STAGES.length; s++) {
          const idle = rng.chance(0.12) ? rng.int(33, 50) : rng.int(4, 24);
          at += idle * 1440 + rng.int(-200, 200);
          if (rng.chance(0.22)) {
            stage(at, opp, title, customer, p, STAGES[s - 1]!, '输单', amount, ['', '', '']);
            break;
          }
          const ok = rng.chance(criteria);
          at = office(at);
          if (s === 1 && (ok || rng.chance(0.5))) act(at - rng.int(1440, 4000), p, customer, opp, '产品演示', '线上演示');
          const crit: [string, string, string] = s === 1 ? [ok ? '已签' : '', '', ''] : s === 2 ? ['', ok ? '通过' : '', ''] : s === 3 ? ['', '', ok ? '已发' : ''] : ['', '', ''];
          stage(at, opp, title, customer, p, STAGES[s - 1]!, STAGES[s]!, amount, crit);
        }
      }
    }
  }
  // 10001's planted cases (see the header).
  const p = staff.find((x) => x.id === '10001');
  if (p) {
    const at = (iso: string, hh: number, mm = 0): number => dayNumber(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10))) * 1440 + hh * 60 + mm;
    act(at('2026-11-20', 10), p, 'K10001901', '', '首次拜访', '初次上门，客户有扩产计划');
    act(at('2026-11-13', 15), p, 'K10001902', '', '首次拜访', '展会后上门');
    act(at('2026-11-14', 9), p, 'K10001902', '', '拜访反馈', '客户要求报价');
    act(at('2026-11-21', 14), p, 'K10001903', '', '首次拜访', '老客户转介绍');
    act(at('2026-11-22', 10), p, 'K10001903', '', '电话', '确认拜访安排');
    stage(at('2026-09-01', 10), 'SJ10001901', '华信科技 产线改造', 'K10001904', p, '', '线索', 120, ['', '', '']);
    act(at('2026-09-10', 10), p, 'K10001904', 'SJ10001901', '产品演示', '现场演示');
    stage(at('2026-09-12', 16), 'SJ10001901', '华信科技 产线改造', 'K10001904', p, '线索', '意向', 120, ['已签', '', '']);
    stage(at('2026-10-05', 11), 'SJ10001901', '华信科技 产线改造', 'K10001904', p, '意向', '方案', 120, ['', '通过', '']);
    stage(at('2026-11-02', 9), 'SJ10001902', '恒通物流 仓储系统', 'K10001905', p, '', '线索', 60, ['', '', '']);
    act(at('2026-11-12', 14), p, 'K10001905', 'SJ10001902', '产品演示', '线上演示');
    stage(at('2026-11-16', 10), 'SJ10001902', '恒通物流 仓储系统', 'K10001905', p, '线索', '意向', 60, ['', '', '']);
  }
  acts.sort((a, b) => a.t - b.t || String(a.r[1]).localeCompare(String(b.r[1])));
  opps.sort((a, b) => a.t - b.t || String(a.r[1]).localeCompare(String(b.r[1])));
  return {
    activities: csv(['活动时间', '负责人工号', '客户编号', '商机编号', '活动类型', '内容'], acts.map((x) => x.r)),
    opportunities: csv(['变更时间', '商机编号', '商机名称', '客户编号', '负责人工号', '原阶段', '新阶段', '商机金额(万元)', '需求确认单', '方案评审', '报价单'], opps.map((x) => x.r)),
  };
}

function satisfaction(staff: Person[], seed: number, lastDay: number): string {
  const rows: { t: number; r: (string | number)[] }[] = [];
  for (const p of staff) {
    const rng = new Rng(seedOf(seed, `csat:${p.id}`));
    const mean = 3.6 + 1.2 * rng.float();
    for (const m of monthRange('2026-05', dayToIso(lastDay).slice(0, 7))) {
      const n = rng.poisson(2.5);
      for (let k = 0; k < n; k++) {
        const day = workdayIn(rng, firstDay(m), Math.min(firstDay(m) + daysIn(m) - 1, lastDay));
        if (day < p.hired || (p.lastDay !== null && day > p.lastDay)) continue;
        const score = Math.max(1, Math.min(5, Math.round(rng.normal(mean, 0.7))));
        rows.push({ t: day, r: [dayToIso(day), `K${p.id}${String(rng.int(100, 999))}`, p.id, score] });
      }
    }
  }
  rows.sort((a, b) => a.t - b.t || String(a.r[2]).localeCompare(String(b.r[2])));
  return csv(['回访日期', '客户编号', '负责人工号', '满意度'], rows.map((x) => x.r));
}
