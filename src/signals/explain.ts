/**
 * Drivers in words HR can use in a conversation: this week's value, the person's own normal,
 * and where useful the peer percentile. Chinese and English side by side; the template picks.
 */
import type { Feature } from './config.js';
import type { Evidence, MetricEvidence } from './features.js';

export interface DriverText {
  text_zh: string;
  text_en: string;
}

function n(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const r = Math.round(x * 10 ** digits) / 10 ** digits;
  return Number.isInteger(r) ? String(r) : r.toFixed(digits);
}

function hhmm(min: number | null | undefined): string {
  if (min === null || min === undefined || !Number.isFinite(min)) return '–';
  const m = Math.round(min);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

function ordinal(p: number): string {
  const r = Math.round(p);
  const s = r % 100 >= 11 && r % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[r % 10] ?? 'th';
  return `${r}${s}`;
}

function peer(e: MetricEvidence): DriverText {
  if (e.peerPct === undefined || !Number.isFinite(e.peerPct)) return { text_zh: '', text_en: '' };
  return { text_zh: `；同岗位同区域第 ${Math.round(e.peerPct)} 百分位`, text_en: `; ${ordinal(e.peerPct)} percentile among peers` };
}

export function driverText(feature: Feature, ev: Evidence): DriverText {
  const w = (e: MetricEvidence): number => e.base?.weeks ?? 0;
  switch (feature) {
    case 'absence': {
      const e = ev.absent_days;
      return {
        text_zh: `本周缺勤 ${n(e.value)} 天，过去 ${w(e)} 周平均 ${n(e.base?.mean)} 天`,
        text_en: `days absent: ${n(e.value)} this week vs a ${n(e.base?.mean)} baseline (last ${w(e)} weeks)`,
      };
    }
    case 'leave': {
      const e = ev.leave_days;
      return {
        text_zh: `本周请假 ${n(e.value)} 天，过去 ${w(e)} 周平均 ${n(e.base?.mean)} 天`,
        text_en: `leave days: ${n(e.value)} this week vs a ${n(e.base?.mean)} baseline (last ${w(e)} weeks)`,
      };
    }
    case 'late_arrival': {
      const e = ev.arrival;
      return {
        text_zh: `上班打卡平均 ${hhmm(e.value)}，平时 ${hhmm(e.base?.median)}`,
        text_en: `arrives at ${hhmm(e.value)} on average vs ${hhmm(e.base?.median)} usually`,
      };
    }
    case 'early_departure': {
      const e = ev.departure;
      return {
        text_zh: `下班打卡平均 ${hhmm(e.value)}，平时 ${hhmm(e.base?.median)}`,
        text_en: `leaves at ${hhmm(e.value)} on average vs ${hhmm(e.base?.median)} usually`,
      };
    }
    case 'hours_drop': {
      const e = ev.hours;
      return {
        text_zh: `日均在岗 ${n(e.value)} 小时，平时 ${n(e.base?.median)} 小时`,
        text_en: `hours on site: ${n(e.value)} a day vs ${n(e.base?.median)} usually`,
      };
    }
    case 'comms_drop': {
      const e = ev.comms;
      const p = peer(e);
      return {
        text_zh: `本周沟通量（电话+消息+邮件，按整周折算）${n(e.value, 0)} 次，过去 ${w(e)} 周中位 ${n(e.base?.median, 0)} 次${p.text_zh}`,
        text_en: `communication (calls+messages+emails): ${n(e.value, 0)} this week vs a median of ${n(e.base?.median, 0)}${p.text_en}`,
      };
    }
    case 'comms_decline': {
      const e = ev.comms;
      return {
        text_zh: `沟通量连续 ${e.cusum?.run ?? 0} 周低于平时（${n(e.cusumRef?.median, 0)} 次/周），本周 ${n(e.value, 0)} 次`,
        text_en: `communication below normal for ${e.cusum?.run ?? 0} weeks running (usually ${n(e.cusumRef?.median, 0)} a week, now ${n(e.value, 0)})`,
      };
    }
    case 'crm_drop': {
      const e = ev.crm;
      const p = peer(e);
      return {
        text_zh: `本周 CRM 活跃（登录+拜访+新客户，按整周折算）${n(e.value, 0)} 次，过去 ${w(e)} 周中位 ${n(e.base?.median, 0)} 次${p.text_zh}`,
        text_en: `CRM activity (logins+visits+new customers): ${n(e.value, 0)} this week vs a median of ${n(e.base?.median, 0)}${p.text_en}`,
      };
    }
    case 'crm_decline': {
      const e = ev.crm;
      return {
        text_zh: `CRM 活跃连续 ${e.cusum?.run ?? 0} 周低于平时（${n(e.cusumRef?.median, 0)} 次/周），本周 ${n(e.value, 0)} 次`,
        text_en: `CRM activity below normal for ${e.cusum?.run ?? 0} weeks running (usually ${n(e.cusumRef?.median, 0)} a week, now ${n(e.value, 0)})`,
      };
    }
    case 'customers_moved_out': {
      const e = ev.moved_out;
      return {
        text_zh: `客户转出 ${n(e.value, 0)} 家，过去 ${w(e)} 周平均 ${n(e.base?.mean)} 家`,
        text_en: `customers moved out: ${n(e.value, 0)} this week vs a ${n(e.base?.mean)} baseline`,
      };
    }
    case 'customer_exports': {
      const e = ev.exported;
      return {
        text_zh: `导出客户 ${n(e.value, 0)} 家，过去 ${w(e)} 周平均 ${n(e.base?.mean)} 家`,
        text_en: `customers exported: ${n(e.value, 0)} this week vs a ${n(e.base?.mean)} baseline`,
      };
    }
  }
}

/**
 * Features that are one reason measured two ways: a sudden drop and a slow decline of the same
 * activity, or three views of the working day. Shown apart, HR read "communication volume" twice
 * among three drivers; grouped, three drivers are three different reasons. Moving customers out
 * and exporting the customer list stay apart: they are different acts.
 */
const REASON: Record<Feature, string> = {
  absence: 'absence',
  leave: 'leave',
  late_arrival: 'hours',
  early_departure: 'hours',
  hours_drop: 'hours',
  comms_drop: 'comms',
  comms_decline: 'comms',
  crm_drop: 'crm',
  crm_decline: 'crm',
  customers_moved_out: 'customers_moved_out',
  customer_exports: 'customer_exports',
};

export interface ReasonDriver extends DriverText {
  /** The feature that weighs most in the reason. */
  feature: Feature;
  /** Sum of the reason's positive contributions. */
  contribution: number;
}

/**
 * The `n` reasons that pushed the score up most, largest first. A reason's weight is the sum of
 * its features' positive contributions (each above `minContribution`); its text is theirs, the
 * largest first, joined.
 */
export function reasonDrivers(contributions: readonly { feature: string; contribution: number }[], ev: Evidence, n = 3, minContribution = 0.05): ReasonDriver[] {
  const groups = new Map<string, { feature: Feature; contribution: number }[]>();
  for (const c of contributions) {
    if (!(c.contribution > minContribution)) continue;
    const f = c.feature as Feature;
    const key = REASON[f] ?? f;
    groups.set(key, [...(groups.get(key) ?? []), { feature: f, contribution: c.contribution }]);
  }
  return [...groups.values()]
    .map((members) => members.sort((a, b) => b.contribution - a.contribution))
    .map((members) => {
      const both = activityText(members.map((m) => m.feature), ev);
      const texts = both ? [both] : members.map((m) => driverText(m.feature, ev));
      return {
        feature: members[0]!.feature,
        contribution: members.reduce((s, m) => s + m.contribution, 0),
        text_zh: texts.map((t) => t.text_zh).join('；'),
        text_en: texts.map((t) => t.text_en).join('; '),
      };
    })
    .sort((a, b) => b.contribution - a.contribution)
    .slice(0, n);
}

/** A drop and a decline of the same activity in one sentence: this week, the usual week, how long it has been low. */
function activityText(features: Feature[], ev: Evidence): DriverText | null {
  const pair = (drop: Feature, decline: Feature) => features.includes(drop) && features.includes(decline);
  const say = (e: MetricEvidence, zh: string, en: string): DriverText => {
    const p = peer(e);
    const run = e.cusum?.run ?? 0;
    return {
      text_zh: `本周${zh}${n(e.value, 0)} 次，过去 ${e.base?.weeks ?? 0} 周中位 ${n(e.base?.median, 0)} 次，已连续 ${run} 周低于平时${p.text_zh}`,
      text_en: `${en}: ${n(e.value, 0)} this week vs a median of ${n(e.base?.median, 0)}, below normal for ${run} weeks running${p.text_en}`,
    };
  };
  if (pair('comms_drop', 'comms_decline')) return say(ev.comms, '沟通量（电话+消息+邮件，按整周折算）', 'communication (calls+messages+emails)');
  if (pair('crm_drop', 'crm_decline')) return say(ev.crm, ' CRM 活跃（登录+拜访+新客户，按整周折算）', 'CRM activity (logins+visits+new customers)');
  return null;
}
