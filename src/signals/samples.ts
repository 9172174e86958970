/**
 * Realistic sample exports for the demo and the tests (run: npx tsx scripts/gen-samples.ts).
 * Deterministic: a seeded PRNG, fixed "now" (Monday 2026-11-23), and files written byte-for-byte
 * the same on every run.
 *
 * The population: salespeople in four regions and three roles, each with their own habits
 * (arrival time, call and message volume, CRM use) plus day-to-day noise, a national holiday,
 * occasional sick days and leave, routine customer assignments and rebalancing. Planted in it:
 * - leavers: over their last 5-8 weeks contact and CRM activity slide, absences and leave rise,
 *   they leave earlier; some move or export their customers in the final week;
 * - people under notice (roster says 待离职) with the same pattern plus a handover: excluded;
 * - one person who left in September, and two new hires with too little history.
 *
 * Files (all CSV; one attendance month is GBK to exercise detection, the rest UTF-8 with BOM):
 *   org.csv, hr-roster.csv, attendance-2026-MM.csv, wecom-activity.csv, crm-activity.csv,
 *   customer-transfers.csv, hr-attrition-labelled.csv (an IBM-HR-style labelled table)
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { dayNumber, dayToIso, isoWeek, weekday, weekStart } from './dates.js';
import { Rng } from './random.js';
import { demoSlips, generateHealthExports, type HealthSlip } from '../health/samples.js';

export interface SampleOptions {
  outDir: string;
  seed?: number;
  people?: number;
  weeks?: number;
  /** ISO date of "now" (a Monday): the last generated day is the Sunday before. */
  now?: string;
  leavers?: number;
  underNotice?: number;
  /** Also write the labelled IBM-style table. */
  labelled?: boolean;
  labelledRows?: number;
  /** Add a few broken rows so the bad-row report has something to show. */
  brokenRows?: boolean;
  /** Also write the CRM exports of the sales health index (src/health/samples.ts); default true. */
  health?: boolean;
  /** Weeks the health exports cover, ending with the week before `now` (at most `weeks`; default 13). */
  healthWeeks?: number;
  /** Planted habit slips in the health exports; default: the demo's three (none for a stable population). */
  healthSlips?: HealthSlip[];
}

export type SampleRole = 'stable' | 'leaver' | 'notice' | 'left' | 'newhire';

export interface SamplePerson {
  employeeId: string;
  name: string;
  region: string;
  role: string;
  department: string;
  kind: SampleRole;
  /** Leavers: whether the final week includes a bulk move or an export. */
  pattern?: 'move' | 'export' | 'quiet';
}

export interface SampleManifest {
  now: string;
  scoredWeek: string;
  people: SamplePerson[];
  /** The exports the attrition signals read. */
  files: string[];
  /** The CRM exports only the health index reads. */
  healthFiles: string[];
  healthSlips: HealthSlip[];
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '高', '郑', '梁', '谢', '宋', '唐', '韩', '冯', '邓', '曹', '彭'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '霞', '平', '刚', '桂英', '建华', '文', '晨', '浩然', '子涵', '欣怡', '雨桐', '俊杰', '思远', '梓萱', '一鸣', '嘉怡', '宇轩'];
const REGIONS = [
  { key: '华东', en: 'east', city: ['上海', '杭州', '南京', '苏州'] },
  { key: '华南', en: 'south', city: ['广州', '深圳', '厦门', '东莞'] },
  { key: '华北', en: 'north', city: ['北京', '天津', '石家庄', '济南'] },
  { key: '西南', en: 'southwest', city: ['成都', '重庆', '昆明', '贵阳'] },
] as const;
const ROLES = [
  ['客户经理', 0.5],
  ['销售代表', 0.35],
  ['大客户经理', 0.15],
] as const;
const CO_WORDS = ['华信', '恒通', '瑞丰', '嘉禾', '中科', '金桥', '东方', '鼎盛', '博远', '新创', '天成', '汇众', '宏达', '远航', '星辰', '凯越', '安泰', '盛世', '同和', '致远'];
const CO_TRADE = ['贸易', '科技', '制造', '物流', '医疗器械', '食品', '建材', '电子', '化工', '信息技术'];
const OPP_STAGES = ['初步接洽', '需求确认', '方案报价', '商务谈判', '赢单', '输单'];

const WEEKDAY_ZH = ['星期一', '星期二', '星期三', '星期四', '星期五', '星期六', '星期日'];

interface Habit {
  arrive: number; // minutes after midnight
  leave: number;
  calls: number; // per workday
  messages: number;
  emails: number;
  logins: number;
  visits: number;
  newCustomers: number;
  absentP: number;
  leaveP: number;
  fieldP: number;
}

interface Sim extends SamplePerson {
  habit: Habit;
  start: number; // first day with data
  end: number; // last day with data
  /** Day the decline begins (leavers, notice). */
  declineFrom?: number;
  declineTo?: number;
  noticeDate?: number;
  lastDay?: number;
  hired: number;
  customers: string[];
  managerEmail: string;
  managerName: string;
  /** Days worked (not on leave, not absent): the health exports have no activity on other days. */
  worked: Set<number>;
}

function hhmm(min: number): string {
  const m = Math.max(0, Math.min(1439, Math.round(min)));
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv(header: string[], rows: (string | number)[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

const BOM = '\uFEFF';

/** Holidays (rest days) in the sample period: National Day week. */
function isHoliday(day: number): boolean {
  const d = dayToIso(day);
  return d >= '2026-10-01' && d <= '2026-10-07';
}

export async function generateSamples(opts: SampleOptions): Promise<SampleManifest> {
  const rng = new Rng(opts.seed ?? 20261123);
  const nPeople = opts.people ?? 60;
  const nWeeks = opts.weeks ?? 26;
  const [ny, nm, nd] = (opts.now ?? '2026-11-23').split('-').map(Number) as [number, number, number];
  const nowDay = dayNumber(ny, nm, nd);
  const lastDay = weekStart(nowDay) - 1; // Sunday before now
  const firstDay = weekStart(nowDay) - nWeeks * 7;
  const scoredWeek = isoWeek(lastDay);
  const nLeavers = opts.leavers ?? 4;
  const nNotice = opts.underNotice ?? 2;
  const withExtras = nLeavers + nNotice > 0; // the stable population has no leaver, no new hire, nobody who left
  await mkdir(opts.outDir, { recursive: true });

  // People ------------------------------------------------------------------------------------
  const names = new Set<string>();
  const people: Sim[] = [];
  for (let i = 0; i < nPeople; i++) {
    let name = '';
    // One deliberate namesake pair (张伟 is China's most common name): the transfer log must then say 姓名(工号).
    if (i === 7 || i === 31) name = '张伟';
    else {
      do name = rng.pick(SURNAMES) + rng.pick(GIVEN);
      while (names.has(name) || name === '张伟');
    }
    names.add(name);
    const region = REGIONS[i % REGIONS.length] as (typeof REGIONS)[number];
    const role = rng.weighted(ROLES);
    const big = role === '大客户经理';
    const habit: Habit = {
      arrive: 8 * 60 + 30 + rng.normal(10, 9),
      leave: 18 * 60 + 10 + rng.normal(15, 20),
      calls: (big ? 8 : 16) * (0.7 + rng.float() * 0.6),
      messages: (big ? 55 : 40) * (0.7 + rng.float() * 0.6),
      emails: (big ? 9 : 4) * (0.7 + rng.float() * 0.6),
      logins: 2 + rng.float() * 2,
      visits: (big ? 0.8 : 1.4) * (0.7 + rng.float() * 0.6),
      newCustomers: (big ? 0.08 : 0.25) * (0.7 + rng.float() * 0.6),
      absentP: 0.004,
      leaveP: 0.015 + rng.float() * 0.015,
      fieldP: 0.15 + rng.float() * 0.15,
    };
    const hired = firstDay - rng.int(200, 2500);
    const customers: string[] = [];
    const nCust = big ? rng.int(15, 25) : rng.int(25, 45);
    for (let c = 0; c < nCust; c++) customers.push(`${rng.pick(region.city)}${rng.pick(CO_WORDS)}${rng.pick(CO_TRADE)}有限公司`);
    people.push({
      employeeId: String(10001 + i),
      name,
      region: region.key,
      role,
      department: `${region.key}销售部`,
      kind: 'stable',
      habit,
      start: firstDay,
      end: lastDay,
      hired,
      customers,
      managerEmail: `sales-${region.en}-head@example.com`,
      managerName: `${region.key}总监`,
      worked: new Set(),
    });
  }

  // Plant leavers, notice, one leaver in September, two new hires. Spread over regions.
  const order = rng.shuffle(people.map((_, i) => i).filter((i) => i !== 7 && i !== 31));
  let k = 0;
  const patterns: ('move' | 'export' | 'quiet')[] = ['move', 'export', 'quiet', 'move'];
  for (let l = 0; l < nLeavers; l++) {
    const p = people[order[k++] as number] as Sim;
    p.kind = 'leaver';
    p.pattern = patterns[l % patterns.length];
    p.declineTo = lastDay;
    p.declineFrom = lastDay - 7 * rng.int(5, 8);
  }
  for (let l = 0; l < nNotice; l++) {
    const p = people[order[k++] as number] as Sim;
    p.kind = 'notice';
    p.declineTo = lastDay;
    p.declineFrom = lastDay - 7 * 6;
    p.noticeDate = lastDay - 12;
    p.lastDay = lastDay + 18;
  }
  if (withExtras) {
    const left = people[order[k++] as number] as Sim;
    left.kind = 'left';
    left.lastDay = dayNumber(2026, 9, 30);
    left.end = left.lastDay;
    left.noticeDate = left.lastDay - 30;
    for (let h = 0; h < 2; h++) {
      const p = people[order[k++] as number] as Sim;
      p.kind = 'newhire';
      p.hired = weekStart(lastDay) - 7 * 4; // 5 weeks of data before the scored week ends
      p.start = p.hired;
    }
  }

  /** 1 -> floor over the decline window: a slow slide, not a cliff. */
  const factor = (p: Sim, day: number, floor: number): number => {
    if (p.declineFrom === undefined || p.declineTo === undefined || day < p.declineFrom) return 1;
    const t = Math.min(1, (day - p.declineFrom) / Math.max(1, p.declineTo - p.declineFrom));
    return 1 - (1 - floor) * t;
  };

  // Daily logs --------------------------------------------------------------------------------
  const attendanceByMonth = new Map<string, (string | number)[][]>();
  const comms: (string | number)[][] = [];
  const crm: (string | number)[][] = [];
  for (let day = firstDay; day <= lastDay; day++) {
    const wd = weekday(day);
    const rest = wd >= 5 || isHoliday(day);
    const month = dayToIso(day).slice(0, 7);
    const dateText = `${dayToIso(day)} ${WEEKDAY_ZH[wd]}`;
    const rows = attendanceByMonth.get(month) ?? [];
    attendanceByMonth.set(month, rows);
    for (const p of people) {
      if (day < p.start || day > p.end) continue;
      const h = p.habit;
      const f = factor(p, day, 0.4);
      const declining = f < 1;
      if (rest) {
        rows.push([p.name, p.employeeId, p.department, dateText, '', '', '休息']);
        continue;
      }
      // Attendance
      const absentP = h.absentP + (declining ? 0.06 * (1 - f) / 0.6 : 0);
      const leaveP = h.leaveP + (declining ? 0.12 * (1 - f) / 0.6 : 0);
      const r = rng.float();
      let inT = '';
      let outT = '';
      let status = '正常';
      let working = true;
      if (r < absentP) {
        status = '旷工';
        working = false;
      } else if (r < absentP + leaveP) {
        status = rng.pick(['事假', '病假', '年假', '调休']);
        status = `请假(${status})`;
        working = false;
      } else {
        const arrive = h.arrive + rng.normal(0, 9) + (declining ? 6 * (1 - f) : 0);
        const leave = h.leave + rng.normal(0, 18) - (declining ? 70 * (1 - f) : 0);
        const field = rng.chance(h.fieldP);
        const missIn = rng.chance(0.01);
        inT = missIn ? '' : hhmm(arrive);
        outT = hhmm(leave);
        const flags: string[] = [];
        if (missIn) flags.push('缺卡');
        else if (arrive > 9 * 60) flags.push('迟到');
        if (leave < 18 * 60) flags.push('早退');
        status = field ? '外勤' : flags.length ? flags.join(',') : '正常';
      }
      rows.push([p.name, p.employeeId, p.department, dateText, inT, outT, status]);
      if (working) p.worked.add(day);
      // Communication and CRM: a person on leave still answers a few messages.
      const act = working ? 1 : 0.1;
      const fc = factor(p, day, 0.45);
      const calls = rng.poisson(h.calls * act * fc);
      comms.push([dayToIso(day), p.employeeId, p.name, calls, Math.round(calls * (2 + rng.float() * 4)), rng.poisson(h.messages * act * fc), rng.poisson(h.emails * act * fc)]);
      const logins = working ? Math.max(rng.chance(0.9 * fc + 0.1) ? 1 : 0, rng.poisson(h.logins * fc)) : 0;
      const visits = rng.poisson(h.visits * act * fc);
      const stage = visits > 0 && rng.chance(0.3) ? rng.pick(OPP_STAGES) : '';
      crm.push([
        dayToIso(day),
        p.employeeId,
        p.name,
        p.department,
        logins,
        visits,
        rng.poisson(h.newCustomers * act * fc),
        rng.poisson(3 * act * fc),
        rng.poisson(declining ? 0.6 + 1.5 * (1 - f) : 0.4),
        rng.poisson(4 * act * fc),
        rng.poisson(1.2 * act * fc),
        stage ? 1 : 0,
        stage,
        stage ? (Math.round(rng.float() * 800) / 10).toFixed(1) : '',
      ]);
    }
  }

  // Customer transfer log ---------------------------------------------------------------------
  const who = (p: Sim): string => (p.name === '张伟' ? `${p.name}(${p.employeeId})` : p.name);
  const transfers: (string | number)[][] = [];
  const at = (day: number): string => `${dayToIso(day)} ${hhmm(9 * 60 + rng.int(0, 9 * 60))}`;
  const workday = (from: number, to: number): number => {
    for (let i = 0; i < 20; i++) {
      const d = rng.int(from, to);
      if (weekday(d) < 5 && !isHoliday(d)) return d;
    }
    return from;
  };
  const activeOn = (day: number): Sim[] => people.filter((q) => q.kind !== 'left' || day <= q.end);
  for (let w = firstDay; w <= lastDay; w += 7) {
    for (const p of people) {
      if (w + 6 < p.start || w > p.end) continue;
      // New customers from the public pool.
      if (rng.chance(0.35)) transfers.push([`${rng.pick(REGIONS).city[0]}${rng.pick(CO_WORDS)}${rng.pick(CO_TRADE)}有限公司`, '公海', who(p), at(workday(w, w + 4)), '分配']);
      // Routine rebalancing: one or two customers to a colleague now and then.
      const inFinal = p.declineFrom !== undefined && w >= weekStart(lastDay);
      if (!inFinal && rng.chance(0.06)) {
        const to = rng.pick(activeOn(w).filter((q) => q !== p && q.region === p.region));
        if (to) {
          const n = rng.chance(0.7) ? 1 : 2;
          for (let c = 0; c < n; c++) transfers.push([rng.pick(p.customers), who(p), who(to), at(workday(w, w + 4)), '转移']);
        }
      }
      // A rare small export for a quarterly review, long before the scored week.
      if (p.kind === 'stable' && w < lastDay - 70 && rng.chance(0.004)) {
        for (let c = 0; c < 3; c++) transfers.push([rng.pick(p.customers), who(p), '', at(workday(w, w + 4)), '导出']);
      }
    }
  }
  for (const p of people) {
    const wk = weekStart(lastDay);
    if (p.kind === 'leaver' && p.pattern === 'move') {
      const n = rng.int(10, 18);
      const mates = people.filter((q) => q !== p && q.region === p.region && q.kind === 'stable');
      for (let c = 0; c < n; c++) transfers.push([p.customers[c % p.customers.length] as string, who(p), rng.chance(0.3) ? '公海' : who(rng.pick(mates)), at(workday(wk, wk + 4)), '转移']);
    }
    if (p.kind === 'leaver' && p.pattern === 'export') {
      const n = rng.int(25, 40);
      const d = workday(wk, wk + 4);
      for (let c = 0; c < n; c++) transfers.push([p.customers[c % p.customers.length] as string, who(p), '', at(d), '导出']);
    }
    if (p.kind === 'notice' && p.noticeDate !== undefined) {
      const mates = people.filter((q) => q !== p && q.region === p.region && q.kind === 'stable');
      for (const c of p.customers) transfers.push([c, who(p), who(rng.pick(mates)), at(workday(p.noticeDate + 1, lastDay - 2)), '交接']);
    }
    if (p.kind === 'left' && p.lastDay !== undefined) {
      const mates = people.filter((q) => q !== p && q.region === p.region && q.kind === 'stable');
      for (const c of p.customers) transfers.push([c, who(p), who(rng.pick(mates)), at(workday(p.lastDay - 12, p.lastDay - 2)), '交接']);
    }
  }
  transfers.sort((a, b) => String(a[3]).localeCompare(String(b[3])));

  // Write -------------------------------------------------------------------------------------
  const files: string[] = [];
  const put = async (name: string, text: string, encoding: 'utf8-bom' | 'gbk' = 'utf8-bom'): Promise<void> => {
    const buf = encoding === 'gbk' ? iconv.encode(text, 'gbk') : Buffer.from(BOM + text, 'utf8');
    await writeFile(join(opts.outDir, name), buf);
    files.push(name);
  };

  await put(
    'org.csv',
    csv(
      ['工号', '姓名', '部门', '岗位', '区域', '团队', '直属上级', '经理邮箱', '邮箱'],
      people.map((p) => [p.employeeId, p.name, p.department, p.role, p.region, `${p.region}${Math.floor((Number(p.employeeId) - 10001) / 4) % 2 === 0 ? '一' : '二'}组`, p.managerName, p.managerEmail, `s${p.employeeId}@example.com`]),
    ),
  );
  await put(
    'hr-roster.csv',
    csv(
      ['工号', '姓名', '部门', '岗位', '入职日期', '员工状态', '离职申请日期', '最后工作日'],
      people.map((p) => [
        p.employeeId,
        p.name,
        p.department,
        p.role,
        dayToIso(p.hired),
        p.kind === 'notice' ? '待离职' : p.kind === 'left' ? '已离职' : p.kind === 'newhire' ? '试用' : '正式',
        p.noticeDate !== undefined && (p.kind === 'notice' || p.kind === 'left') ? dayToIso(p.noticeDate) : '',
        p.lastDay !== undefined && (p.kind === 'notice' || p.kind === 'left') ? dayToIso(p.lastDay) : '',
      ]),
    ),
  );
  const months = [...attendanceByMonth.keys()].sort();
  for (const [i, month] of months.entries()) {
    const rows = attendanceByMonth.get(month) ?? [];
    if (opts.brokenRows !== false && i === 2 && rows.length > 40) {
      // Real exports are messy: a hand-edited date and a row whose 工号 and 姓名 were cleared.
      (rows[17] as (string | number)[])[3] = '2026-13-45';
      const r = rows[33] as (string | number)[];
      r[0] = '';
      r[1] = '';
    }
    const title = `每日统计 统计日期：${month}-01 至 ${month}-${String(new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate())}`;
    const text = title + '\r\n' + csv(['姓名', '工号', '部门', '日期', '上班打卡时间', '下班打卡时间', '打卡结果'], rows);
    // One month arrives GBK-encoded, as Excel on a Chinese Windows saves it.
    await put(`attendance-${month}.csv`, text, month === '2026-08' ? 'gbk' : 'utf8-bom');
  }
  await put('wecom-activity.csv', csv(['日期', '工号', '姓名', '通话次数', '通话时长(分钟)', '消息数', '邮件数'], comms));
  await put(
    'crm-activity.csv',
    csv(['日期', '工号', '姓名', '部门', '登录', '拜访', '新客户', '任务完成', '任务逾期', '跟进', '线索', '商机推进', '商机阶段', '商机金额(万元)'], crm),
  );
  await put('customer-transfers.csv', csv(['客户', '原负责人', '新负责人', '时间', '操作'], transfers));
  if (opts.labelled !== false) {
    await put('hr-attrition-labelled.csv', labelledTable(new Rng((opts.seed ?? 20261123) + 1), opts.labelledRows ?? 400));
  }
  // The health exports draw from their own random streams: the files above stay byte-identical.
  const healthSlips = opts.healthSlips ?? (withExtras ? demoSlips(people, lastDay) : []);
  const healthFiles =
    opts.health === false
      ? []
      : await generateHealthExports({
          outDir: opts.outDir,
          seed: opts.seed ?? 20261123,
          people,
          firstDay: weekStart(nowDay) - Math.min(nWeeks, opts.healthWeeks ?? 13) * 7,
          lastDay,
          factor: (p, day) => factor(p as Sim, day, 0.5),
          slips: healthSlips,
          isHoliday,
        });

  return {
    now: dayToIso(nowDay),
    scoredWeek,
    people: people.map(({ employeeId, name, region, role, department, kind, pattern }) => ({ employeeId, name, region, role, department, kind, ...(pattern ? { pattern } : {}) })),
    files,
    healthFiles,
    healthSlips,
  };
}

/** Header of the well-known public IBM HR Analytics attrition table (35 columns). */
export const IBM_HEADER = [
  'Age', 'Attrition', 'BusinessTravel', 'DailyRate', 'Department', 'DistanceFromHome', 'Education', 'EducationField',
  'EmployeeCount', 'EmployeeNumber', 'EnvironmentSatisfaction', 'Gender', 'HourlyRate', 'JobInvolvement', 'JobLevel',
  'JobRole', 'JobSatisfaction', 'MaritalStatus', 'MonthlyIncome', 'MonthlyRate', 'NumCompaniesWorked', 'Over18',
  'OverTime', 'PercentSalaryHike', 'PerformanceRating', 'RelationshipSatisfaction', 'StandardHours', 'StockOptionLevel',
  'TotalWorkingYears', 'TrainingTimesLastYear', 'WorkLifeBalance', 'YearsAtCompany', 'YearsInCurrentRole',
  'YearsSinceLastPromotion', 'YearsWithCurrManager',
];

/**
 * A synthetic table with the IBM header (not the real data): attributes drawn with plausible
 * dependencies, and attrition from a known logistic model (overtime, being single, frequent
 * travel, low satisfaction, youth, low level and no stock options raise it), about 16 % Yes.
 * Like real HR data it is not all straight lines: the first year at the company is the riskiest,
 * pay acts on a log scale, and two combinations HR knows add risk beyond their parts (overtime
 * with low job satisfaction, a short tenure with a long commute), so the tests can check that
 * the trained model finds and names them.
 */
/** Keeps the share of leavers near 16 % after the nonlinear terms above were added. */
const INTERCEPT_SHIFT = 0.65;

export function labelledTable(rng: Rng, n: number): string {
  const rows: (string | number)[][] = [];
  const roles: Record<string, string[]> = {
    'Research & Development': ['Research Scientist', 'Laboratory Technician', 'Manufacturing Director', 'Healthcare Representative', 'Research Director', 'Manager'],
    Sales: ['Sales Executive', 'Sales Representative', 'Manager'],
    'Human Resources': ['Human Resources', 'Manager'],
  };
  const clampInt = (x: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, Math.round(x)));
  for (let i = 0; i < n; i++) {
    const age = clampInt(rng.normal(37, 9), 18, 60);
    const dept = rng.weighted([['Research & Development', 0.65], ['Sales', 0.3], ['Human Resources', 0.05]] as const);
    const role = rng.pick(roles[dept] as string[]);
    const level = clampInt((age - 18) / 9 + rng.normal(0.6, 0.8) + (role === 'Manager' || role === 'Research Director' ? 2 : 0), 1, 5);
    const income = clampInt(1000 + level * 3200 + rng.normal(0, 1200), 1009, 19999);
    const total = clampInt(Math.max(0, age - 22 + rng.normal(0, 3)), 0, 40);
    const atCo = clampInt(Math.min(total, Math.abs(rng.normal(total * 0.4, 3))), 0, 40);
    const inRole = clampInt(Math.min(atCo, atCo * rng.float()), 0, 18);
    const sincePromo = clampInt(Math.min(atCo, Math.abs(rng.normal(atCo * 0.3, 2))), 0, 15);
    const withMgr = clampInt(Math.min(atCo, atCo * rng.float()), 0, 17);
    const travel = rng.weighted([['Travel_Rarely', 0.71], ['Travel_Frequently', 0.19], ['Non-Travel', 0.1]] as const);
    const marital = rng.weighted([['Married', 0.46], ['Single', 0.32], ['Divorced', 0.22]] as const);
    const overtime = rng.chance(0.28) ? 'Yes' : 'No';
    const jobSat = rng.int(1, 4);
    const envSat = rng.int(1, 4);
    const wlb = rng.weighted([[1, 0.05], [2, 0.23], [3, 0.61], [4, 0.11]] as const);
    const stock = marital === 'Single' ? 0 : rng.weighted([[0, 0.3], [1, 0.45], [2, 0.15], [3, 0.1]] as const);
    const companies = clampInt(Math.abs(rng.normal(2.5, 2.4)), 0, 9);
    const distance = clampInt(Math.abs(rng.normal(6, 8)) + 1, 1, 29);
    const involvement = rng.weighted([[1, 0.06], [2, 0.26], [3, 0.59], [4, 0.09]] as const);
    const logit =
      -2.9 +
      1.8 * (overtime === 'Yes' ? 1 : 0) +
      0.9 * (marital === 'Single' ? 1 : 0) +
      1.0 * (travel === 'Travel_Frequently' ? 1 : 0) -
      0.5 * (jobSat - 2.5) -
      0.45 * (envSat - 2.5) -
      0.3 * (wlb - 2.7) -
      0.4 * (involvement - 2.7) -
      0.05 * (age - 37) -
      0.25 * (level - 2) +
      0.7 * (stock === 0 ? 1 : 0) +
      0.1 * (companies - 2.5) +
      0.03 * (distance - 8) +
      0.9 * (role === 'Sales Representative' ? 1 : 0) -
      0.04 * (atCo - 5) +
      1.1 * (atCo <= 1 ? 1 : 0) -
      0.8 * Math.log(income / 6000) +
      1.3 * (overtime === 'Yes' && jobSat <= 2 ? 1 : 0) +
      1.2 * (atCo <= 2 && distance >= 15 ? 1 : 0) -
      INTERCEPT_SHIFT;
    const attrition = rng.float() < 1 / (1 + Math.exp(-logit)) ? 'Yes' : 'No';
    const hike = rng.int(11, 25);
    rows.push([
      age, attrition, travel, rng.int(102, 1499), dept, distance, rng.int(1, 5),
      rng.pick(['Life Sciences', 'Medical', 'Marketing', 'Technical Degree', 'Other', 'Human Resources']),
      1, 1 + i * 2 + rng.int(0, 1), envSat, rng.chance(0.6) ? 'Male' : 'Female', rng.int(30, 100), involvement, level,
      role, jobSat, marital, income, rng.int(2094, 26999), companies, 'Y', overtime, hike, hike >= 20 ? 4 : 3,
      rng.int(1, 4), 80, stock, total, rng.int(0, 6), wlb, atCo, inRole, sincePromo, withMgr,
    ]);
  }
  return csv(IBM_HEADER, rows);
}
