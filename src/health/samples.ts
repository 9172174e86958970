/**
 * Sample CRM exports for the sales health index, written next to the attrition samples by
 * generateSamples() (src/signals/samples.ts) for the same people:
 *   crm-followups.csv         one row per customer follow-up (visit, call, WeChat, email)
 *   crm-leads.csv             one row per new lead
 *   crm-customers.csv         one row per customer record created, with its profile fields
 *   crm-opportunities.csv     one row per deal stage change (线索 → 意向 → 方案 → 谈判 → 赢单 / 输单)
 *   wecom-customer-stats.csv  per person and day: customer chats, chats replied, mean first reply time
 *
 * Every person has their own habits (how fast they follow up, how complete their records are ...)
 * and their own random stream, so planting a slip in one person's habits changes nothing for
 * anyone else and nothing before the slip starts: tests can compare a run with and without it.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dayNumber, dayToIso, weekday } from '../signals/dates.js';
import { Rng } from '../signals/random.js';

/** Habits a slip can move; probabilities and rates are per workday unless named per week. */
export interface HealthHabits {
  /** Routine touches per portfolio customer per week. */
  touchRate: number;
  visitsPerDay: number;
  firstVisitsPerWeek: number;
  /** Probability that a first visit gets a follow-up within 48 hours. */
  followup48: number;
  leadsPerDay: number;
  /** Probability that a new lead is touched twice within 7 days. */
  secondTouch7: number;
  /** Probability that a visit gets its notes uploaded. */
  notes: number;
  /** Probability that each profile field of a new customer record is filled. */
  completeness: number;
  /** Probability per week that an open deal moves one stage forward. */
  stageAdvance: number;
  /** Mean gross-margin share of won deals. */
  margin: number;
  chatsPerDay: number;
  /** Median minutes to the first reply to a customer chat. */
  replyMedian: number;
  replyRate: number;
}

export type HabitKey = keyof HealthHabits;

/** A planted change of habits from a day on: deltas are added to the person's habits. */
export interface HealthSlip {
  employeeId: string;
  /** ISO date the slip starts. */
  from: string;
  habits: Partial<Record<HabitKey, number>>;
}

/** What the health generator needs to know about a simulated person (a subset of the attrition simulation). */
export interface HealthSimPerson {
  employeeId: string;
  name: string;
  role: string;
  kind: string;
  customers: string[];
  /** Days the person worked (not on leave, not absent): no CRM activity on other days. */
  worked: Set<number>;
}

export interface HealthSampleOptions {
  outDir: string;
  seed: number;
  people: HealthSimPerson[];
  /** First and last day written (Monday ... Sunday). */
  firstDay: number;
  lastDay: number;
  /** 1 normally; below 1 while a leaver's activity slides (same curve as the attrition samples). */
  factor: (p: HealthSimPerson, day: number) => number;
  slips: HealthSlip[];
  /** Company holidays: no activity. */
  isHoliday: (day: number) => boolean;
}

export const STAGES = ['线索', '意向', '方案', '谈判', '赢单'] as const;
const LOST = '输单';
const METHODS = ['电话', '微信', '微信', '电话', '邮件'] as const;
const SOURCES = ['展会', '转介绍', '官网', '电话开发', '老客户'] as const;
const TRADES = ['贸易', '科技', '制造', '物流', '医疗器械', '食品', '建材', '电子', '化工', '信息技术'] as const;
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周'] as const;
const DISTRICTS = ['浦东新区', '天河区', '海淀区', '武侯区', '西湖区', '南山区', '江宁区', '历下区'] as const;

const BOM = '\uFEFF';

function cell(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv(header: string[], rows: (string | number)[][]): string {
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** Minutes since the epoch day 0, as "YYYY-MM-DD HH:MM". */
export function stamp(t: number): string {
  const day = Math.floor(t / 1440);
  const m = Math.round(t - day * 1440);
  return `${dayToIso(day)} ${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** A stable per-person seed: the same person gets the same stream whoever else is generated. */
function personSeed(seed: number, employeeId: string): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const ch of employeeId) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

export function baseHabits(rng: Rng, role: string): HealthHabits {
  const big = role === '大客户经理';
  const u = (): number => rng.float();
  return {
    touchRate: 0.12 + 0.08 * u(),
    visitsPerDay: (big ? 0.9 : 1.3) * (0.75 + 0.5 * u()),
    firstVisitsPerWeek: (big ? 3.5 : 5) * (0.75 + 0.5 * u()),
    followup48: 0.8 + 0.18 * u(),
    leadsPerDay: (big ? 0.9 : 1.4) * (0.75 + 0.5 * u()),
    secondTouch7: 0.76 + 0.2 * u(),
    notes: 0.84 + 0.15 * u(),
    completeness: 0.86 + 0.13 * u(),
    stageAdvance: 0.22 + 0.12 * u(),
    margin: 0.2 + 0.1 * u(),
    chatsPerDay: (big ? 2.5 : 3.5) * (0.75 + 0.5 * u()),
    replyMedian: 8 + 25 * u(),
    replyRate: 0.93 + 0.06 * u(),
  };
}

const clip01 = (x: number): number => Math.max(0, Math.min(1, x));

/**
 * The slips planted in the demo data: three people whose habits slide over the last weeks, so
 * the demo's manager digest has coaching prompts. Picked by position among the stable people.
 */
export function demoSlips(people: HealthSimPerson[], lastDay: number): HealthSlip[] {
  const stable = people.filter((p) => p.kind === 'stable' && p.name !== '张伟');
  const at = (i: number): string => stable[i % Math.max(1, stable.length)]?.employeeId ?? '';
  const weeksAgo = (n: number): string => dayToIso(lastDay + 1 - 7 * n);
  return [
    { employeeId: at(2), from: weeksAgo(4), habits: { followup48: -0.6, secondTouch7: -0.55 } },
    { employeeId: at(9), from: weeksAgo(3), habits: { replyMedian: 90, notes: -0.45 } },
    { employeeId: at(17), from: weeksAgo(5), habits: { stageAdvance: -0.15, margin: -0.15 } },
  ].filter((s) => s.employeeId !== '');
}

interface Deal {
  id: string;
  stage: number; // index into STAGES; -1 = lost
  amount: number;
}

/** Writes the five health exports; returns their file names. */
export async function generateHealthExports(o: HealthSampleOptions): Promise<string[]> {
  const followups: (string | number)[][] = [];
  const leads: (string | number)[][] = [];
  const customers: (string | number)[][] = [];
  const deals: (string | number)[][] = [];
  const chats: (string | number)[][] = [];
  // Deals and touches start four weeks before the first written day, so the pipeline and the
  // "active customers" of the first weeks are not empty; only deal rows are written for that time.
  const simFrom = o.firstDay - 28;

  for (const p of o.people) {
    const rng = new Rng(personSeed(o.seed, p.employeeId));
    const base = baseHabits(rng, p.role);
    const slips = o.slips.filter((s) => s.employeeId === p.employeeId).map((s) => ({ from: parseIso(s.from), habits: s.habits }));
    const habitsOn = (day: number): HealthHabits => {
      const h = { ...base };
      for (const s of slips) {
        if (day < s.from) continue;
        for (const [k, d] of Object.entries(s.habits) as [HabitKey, number][]) h[k] += d;
      }
      return h;
    };
    const portfolio = p.customers.map((_, i) => `C${p.employeeId}${String(i).padStart(3, '0')}`);
    let seq = portfolio.length;
    let leadSeq = 0;
    let dealSeq = 0;
    const open: Deal[] = [];
    const touch = (t: number, customer: string, method: string, type: string, notes: string): void => {
      if (t >= o.firstDay * 1440 && t < (o.lastDay + 1) * 1440) followups.push([stamp(t), p.employeeId, customer, method, type, notes]);
    };
    const dealRow = (t: number, d: Deal, from: string, to: string, margin: number | ''): void => {
      deals.push([stamp(t), d.id, p.employeeId, from, to, d.amount.toFixed(1), margin === '' ? '' : margin.toFixed(2)]);
    };
    // The pipeline a person already has when the simulation starts.
    for (let i = 0; i < 8; i++) {
      const d: Deal = { id: `D${p.employeeId}${String(dealSeq++).padStart(3, '0')}`, stage: rng.int(0, 3), amount: 5 + Math.round(rng.float() * 750) / 10 };
      open.push(d);
      dealRow(simFrom * 1440 + 9 * 60 + rng.int(0, 480), d, '', STAGES[d.stage] as string, '');
    }

    for (let day = simFrom; day <= o.lastDay; day++) {
      const wd = weekday(day);
      const workday = wd < 5 && !o.isHoliday(day);
      const worked = workday && p.worked.has(day);
      const h = habitsOn(day);
      const fc = o.factor(p, day);
      const written = day >= o.firstDay;
      if (workday && written) {
        // Customer chats are listed for every member on every workday, zeros included.
        const n = worked ? rng.poisson(h.chatsPerDay * fc) : 0;
        let replied = 0;
        let sum = 0;
        for (let i = 0; i < n; i++) {
          if (!rng.chance(clip01(h.replyRate))) continue;
          replied++;
          sum += Math.max(1, h.replyMedian) * Math.exp(rng.normal(0, 0.6));
        }
        chats.push([dayToIso(day), p.employeeId, p.name, n, replied, replied ? (sum / replied).toFixed(1) : '']);
      }
      // Deals move once a week, on Wednesday, whether or not the owner is in (the customer decides too).
      if (wd === 2) {
        for (const d of [...open]) {
          const t = day * 1440 + 9 * 60 + rng.int(0, 540);
          const r = rng.float();
          if (r < 0.04) {
            dealRow(t, d, STAGES[d.stage] as string, LOST, '');
            open.splice(open.indexOf(d), 1);
          } else if (r < 0.04 + clip01(h.stageAdvance * fc)) {
            const from = STAGES[d.stage] as string;
            d.stage++;
            if (d.stage === STAGES.length - 1) {
              const share = Math.max(0.02, h.margin + rng.normal(0, 0.035));
              dealRow(t, d, from, STAGES[d.stage] as string, d.amount * share);
              open.splice(open.indexOf(d), 1);
            } else dealRow(t, d, from, STAGES[d.stage] as string, '');
          }
        }
      }
      if (!worked) continue;
      const at = (): number => day * 1440 + 9 * 60 + rng.int(0, 510);
      // Routine calls and WeChat with the portfolio.
      const routine = rng.poisson((h.touchRate * portfolio.length * fc) / 5);
      for (let i = 0; i < routine; i++) touch(at(), rng.pick(portfolio), rng.pick(METHODS), '', '');
      // Visits to existing customers, with or without notes.
      const visits = rng.poisson(h.visitsPerDay * fc);
      for (let i = 0; i < visits; i++) touch(at(), rng.pick(portfolio), '拜访', '', rng.chance(clip01(h.notes)) ? '是' : '');
      // First visits: a new customer record, maybe a deal, and (or not) a follow-up within 48 hours.
      const firsts = rng.poisson((h.firstVisitsPerWeek * fc) / 5);
      for (let i = 0; i < firsts; i++) {
        const t = at();
        const id = `C${p.employeeId}${String(seq++).padStart(3, '0')}`;
        touch(t, id, '拜访', '首次拜访', rng.chance(clip01(h.notes)) ? '是' : '');
        if (day >= o.firstDay) customers.push(customerRow(rng, t + rng.int(20, 120), p, id, clip01(h.completeness)));
        if (rng.chance(clip01(h.followup48))) touch(t + rng.int(180, 46 * 60), id, rng.pick(METHODS), '', '');
        else if (rng.chance(0.6)) touch(t + rng.int(50 * 60, 8 * 1440), id, rng.pick(METHODS), '', '');
        if (rng.chance(0.3)) portfolio.push(id);
        if (rng.chance(0.3)) {
          const d: Deal = { id: `D${p.employeeId}${String(dealSeq++).padStart(3, '0')}`, stage: 0, amount: 5 + Math.round(rng.float() * 750) / 10 };
          open.push(d);
          dealRow(t + 60, d, '', STAGES[0], '');
        }
      }
      // New leads, touched once soon and (or not) a second time within 7 days.
      const newLeads = rng.poisson(h.leadsPerDay * fc);
      for (let i = 0; i < newLeads; i++) {
        const created = at();
        const id = `L${p.employeeId}${String(leadSeq++).padStart(4, '0')}`;
        if (day >= o.firstDay) leads.push([stamp(created), p.employeeId, id, rng.pick(SOURCES)]);
        if (!rng.chance(0.95)) continue;
        const first = created + rng.int(20, 30 * 60);
        touch(first, id, rng.pick(METHODS), '', '');
        if (rng.chance(clip01(h.secondTouch7))) touch(rng.int(first + 12 * 60, created + 7 * 1440 - 60), id, rng.pick(METHODS), '', '');
        else if (rng.chance(0.4)) touch(created + rng.int(7 * 1440 + 600, 14 * 1440), id, rng.pick(METHODS), '', '');
      }
    }
  }

  const byTime = (a: (string | number)[], b: (string | number)[]): number => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1]));
  followups.sort(byTime);
  leads.sort(byTime);
  customers.sort(byTime);
  deals.sort(byTime);
  const files: [string, string][] = [
    ['crm-followups.csv', csv(['跟进时间', '工号', '客户编号', '跟进方式', '跟进类型', '拜访纪要'], followups)],
    ['crm-leads.csv', csv(['创建时间', '负责人工号', '线索编号', '线索来源'], leads)],
    ['crm-customers.csv', csv(['创建时间', '负责人工号', '客户编号', '联系人', '联系电话', '行业', '地址', '客户来源', '客户级别'], customers)],
    ['crm-opportunities.csv', csv(['变更时间', '商机编号', '负责人工号', '原阶段', '新阶段', '商机金额(万元)', '毛利(万元)'], deals)],
    ['wecom-customer-stats.csv', csv(['日期', '工号', '姓名', '客户聊天数', '已回复聊天数', '平均首次回复时长(分钟)'], chats)],
  ];
  for (const [name, text] of files) await writeFile(join(o.outDir, name), Buffer.from(BOM + text, 'utf8'));
  return files.map(([name]) => name);
}

function customerRow(rng: Rng, t: number, p: HealthSimPerson, id: string, fill: number): (string | number)[] {
  const trade = rng.pick(TRADES);
  const f = (v: string): string => (rng.chance(fill) ? v : '');
  return [
    stamp(t),
    p.employeeId,
    id,
    f(`${rng.pick(SURNAMES)}经理`),
    f(`13${rng.int(0, 9)}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`),
    f(trade),
    f(rng.pick(DISTRICTS)),
    f(rng.pick(SOURCES)),
    f(rng.pick(['A', 'B', 'C'])),
  ];
}

function parseIso(s: string): number {
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  return dayNumber(y, m, d);
}
