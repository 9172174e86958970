/**
 * Attainment at four levels, group → region → team → person: each unit's target to date, its
 * collections to date, the ratio and its colour, the gap and which units below it make most of
 * the gap; and per region the rolling forecast against the targets of the months it covers.
 *
 * Targets: regions come from rules/targets.yaml; a team's target is its explicit one or its share
 * of what is left of its region's target, by the team's collections over the base months (evenly
 * when none of them collected anything); people likewise within their team. A month's target is
 * a twelfth of the year (split: even) or the base months' shape (split: history). The target to
 * date adds the months of the period before the as-of month and the as-of month pro rata by day.
 */
import { dayToIso } from '../../signals/dates.js';
import type { OrgDirectory } from '../../signals/rows.js';
import type { Pseudonymizer } from '../../signals/weekly.js';
import { type Band, bandOf } from '../rulefile.js';
import type { Ledger, LedgerCell } from '../collections.js';
import { addMonths, daysIn, fiscalMonths, fiscalYear, type Month, monthOf, monthRange, lastDay, quarterMonths, lastCompleteMonth, ym } from '../months.js';
import type { TargetsConfig } from './config.js';
import { type CleanedMonth, cleanSeries, rollingWma } from './forecast.js';

export type Level = 'group' | 'region' | 'team' | 'person';

export interface Unit {
  key: string;
  level: Level;
  name: string;
  parent: string | null;
  region: string | null;
  team: string | null;
  pid: string | null;
  /** Annual target (元), null when none is set or derivable. */
  annual: number | null;
  /** Where the annual target came from. */
  targetFrom: 'set' | 'share' | 'even' | 'sum' | null;
  /** Collections over the base months (元): what shares split by. */
  base: number;
  /**
   * A person who joined after the base months began (入职日期): their base annualised over the base
   * months they were there (a team-mate's average when none), and the share of the fiscal year they
   * are there for (0..1). Their target is that share of a full year's, spread over the months from
   * their start.
   */
  newHire: { hired: string; baseMonthsThere: number; annualisedBase: number; yearShare: number } | null;
  monthlyTarget: Map<Month, number>;
  /** To date, over the period. */
  target: number | null;
  actual: number;
  ratio: number | null;
  band: Band | null;
  gap: number | null;
  children: string[];
  contributors: { key: string; name: string; gap: number; share: number | null }[];
  forecast: Forecast | null;
}

export interface Forecast {
  history: CleanedMonth[];
  months: Month[];
  values: number[];
  /** The unit's monthly targets for the forecast months (null beyond the fiscal year's targets). */
  targets: (number | null)[];
  /** Σ forecast and Σ target over the forecast months that have a target. */
  sumForecast: number;
  sumTarget: number;
  below: boolean;
}

export interface AttainmentView {
  fy: number;
  period: TargetsConfig['period'];
  /** First day of the period and the as-of day (ISO). */
  from: string;
  asOf: string;
  asOfDay: number;
  baseMonths: Month[];
  notes: string[];
  units: Map<string, Unit>;
}

/** The months shares and tiers are computed on: the history before the fiscal year if the export has it, else the latest complete ones. */
export function baseMonths(ledger: Ledger, cfg: TargetsConfig, fy: number, asOfDay: number): { months: Month[]; note: string | null } {
  const n = cfg.history_months;
  const fyFirst = fiscalMonths(fy, cfg.fiscal_year_start)[0]!;
  const before = monthRange(addMonths(fyFirst, -n), addMonths(fyFirst, -1));
  const span = ledger.span;
  if (span && span.first <= firstDayOf(before[0]!) && lastDay(before.at(-1)!) <= span.last) return { months: before, note: null };
  const end = lastCompleteMonth(Math.min(asOfDay, span?.last ?? asOfDay));
  const months = monthRange(addMonths(end, -(n - 1)), end).filter((m) => !span || firstDayOf(m) >= span.first);
  return { months, note: `shares and tiers use ${months[0] ?? '?'}..${months.at(-1) ?? '?'}: the ${n} months before ${fy} are not all in the collections export` };
}

function firstDayOf(m: Month): number {
  return lastDay(m) - daysIn(m) + 1;
}

const cellSum = (cells: Iterable<LedgerCell>, months: ReadonlySet<Month>, keep: (c: LedgerCell) => boolean): number => {
  let s = 0;
  for (const c of cells) if (months.has(c.month) && keep(c)) s += c.amount;
  return s;
};

/** Splits `total` over keys by their weights (≥ 0); evenly when they weigh nothing. Explicit values come off first. */
function split(total: number, keys: string[], weight: (k: string) => number, explicit: (k: string) => number | undefined): Map<string, { value: number; from: 'set' | 'share' | 'even' }> {
  const out = new Map<string, { value: number; from: 'set' | 'share' | 'even' }>();
  let rest = total;
  const free: string[] = [];
  for (const k of keys) {
    const e = explicit(k);
    if (e !== undefined) {
      out.set(k, { value: e, from: 'set' });
      rest -= e;
    } else free.push(k);
  }
  rest = Math.max(0, rest);
  const w = free.map((k) => Math.max(0, weight(k)));
  const sum = w.reduce((a, b) => a + b, 0);
  free.forEach((k, i) => out.set(k, sum > 0 ? { value: (rest * w[i]!) / sum, from: 'share' } : { value: rest / free.length, from: 'even' }));
  return out;
}

export interface AttainmentInput {
  ledger: Ledger;
  org: OrgDirectory;
  pseudo: Pseudonymizer;
  cfg: TargetsConfig;
  /** The day attainment is measured to (the export's last covered day, at most today). */
  asOfDay: number;
}

export function computeAttainment(o: AttainmentInput): AttainmentView {
  const { ledger, org, cfg } = o;
  const fyStart = cfg.fiscal_year_start;
  const asOfMonth = monthOf(o.asOfDay);
  const fy = fiscalYear(asOfMonth, fyStart);
  const fyMonths = fiscalMonths(fy, fyStart);
  const periodMonths = cfg.period === 'ytd' ? monthRange(fyMonths[0]!, asOfMonth) : cfg.period === 'qtd' ? quarterMonths(asOfMonth, fyStart).filter((m) => m <= asOfMonth) : [asOfMonth];
  const notes: string[] = [];
  const base = baseMonths(ledger, cfg, fy, o.asOfDay);
  if (base.note) notes.push(base.note);
  const baseSet = new Set(base.months);
  const unitFactor = cfg.unit === '万元' ? 1e4 : 1;
  const set = cfg.targets[String(fy)];
  if (!set) notes.push(`no targets for ${fy} in rules/targets.yaml: attainment has no targets (radar targets propose suggests some)`);
  const cells = [...ledger.cells.values()];

  // The tree: regions from targets, the export and the org; teams from the export and the org; people from the org.
  const units = new Map<string, Unit>();
  const unit = (key: string, level: Level, name: string, parent: string | null, extra: Partial<Unit> = {}): Unit => {
    let u = units.get(key);
    if (!u) {
      u = { key, level, name, parent, region: null, team: null, pid: null, annual: null, targetFrom: null, base: 0, newHire: null, monthlyTarget: new Map(), target: null, actual: 0, ratio: null, band: null, gap: null, children: [], contributors: [], forecast: null, ...extra };
      units.set(key, u);
      if (parent) units.get(parent)!.children.push(key);
    }
    return u;
  };
  unit('group', 'group', '集团', null);
  const regionKey = (r: string): string => `region:${r}`;
  const teamKey = (r: string, t: string): string => `team:${r}/${t}`;
  const regions = new Set<string>([...Object.keys(set?.regions ?? {}), ...cells.map((c) => c.region), ...[...org.people.values()].flatMap((p) => (p.region ? [p.region] : []))]);
  for (const r of [...regions].sort()) unit(regionKey(r), 'region', r, 'group', { region: r });
  const teams = new Set<string>();
  for (const c of cells) teams.add(`${c.region}\u0000${c.team}`);
  for (const p of org.people.values()) if (p.region && p.team) teams.add(`${p.region}\u0000${p.team}`);
  for (const rt of [...teams].sort()) {
    const [r, t] = rt.split('\u0000') as [string, string];
    unit(teamKey(r, t), 'team', t, regionKey(r), { region: r, team: t });
  }
  for (const [pid, p] of [...org.people].sort((a, b) => a[1].employeeId.localeCompare(b[1].employeeId))) {
    if (!p.region || !p.team) continue;
    unit(`person:${pid}`, 'person', p.name ?? p.employeeId, teamKey(p.region, p.team), { region: p.region, team: p.team, pid });
  }

  // Base collections and actuals to date.
  const periodSet = new Set(periodMonths);
  for (const u of units.values()) {
    const keep = (c: LedgerCell): boolean =>
      u.level === 'group' ? true : u.level === 'region' ? c.region === u.region : u.level === 'team' ? c.region === u.region && c.team === u.team : c.pid === u.pid && c.region === u.region && c.team === u.team;
    u.base = cellSum(cells, baseSet, keep);
    u.actual = cellSum(cells, periodSet, keep);
  }

  // New hires: a base annualised over the months they were there, and the part of the year they are here for.
  const fyDays = fyMonths.map((m) => ({ m, first: firstDayOf(m), last: lastDay(m) }));
  const there = (hired: number, m: Month): number => Math.min(1, Math.max(0, (lastDay(m) - Math.max(hired, firstDayOf(m)) + 1) / daysIn(m)));
  for (const [pid, p] of org.people) {
    const u = units.get(`person:${pid}`);
    if (!u || p.hired === undefined || p.hired <= firstDayOf(base.months[0] ?? fyMonths[0]!)) continue;
    const baseThere = base.months.reduce((s, m) => s + there(p.hired!, m), 0);
    const yearShare = fyDays.reduce((s, d) => s + there(p.hired!, d.m), 0) / fyDays.length;
    u.newHire = { hired: dayToIso(p.hired), baseMonthsThere: Math.round(baseThere * 100) / 100, annualisedBase: baseThere >= 1 ? (u.base * base.months.length) / baseThere : NaN, yearShare };
  }
  // Joined too late for a base of their own: as much as the average of their team-mates who have one.
  for (const t of units.values()) {
    if (t.level !== 'team') continue;
    const people = t.children.map((k) => units.get(k)!);
    const bases = people.map((p) => (p.newHire ? p.newHire.annualisedBase : p.base)).filter((b) => Number.isFinite(b));
    const mean = bases.length ? bases.reduce((a, b) => a + b, 0) / bases.length : 0;
    for (const p of people) if (p.newHire && !Number.isFinite(p.newHire.annualisedBase)) p.newHire.annualisedBase = mean;
  }
  const shareWeight = (u: Unit): number => (u.newHire ? u.newHire.annualisedBase * u.newHire.yearShare : u.base);

  // Annual targets, top down.
  const regionUnits = [...units.values()].filter((u) => u.level === 'region');
  for (const r of regionUnits) {
    const t = set?.regions[r.name];
    if (t !== undefined) {
      r.annual = t * unitFactor;
      r.targetFrom = 'set';
    }
  }
  const group = units.get('group')!;
  if (regionUnits.some((r) => r.annual !== null)) {
    group.annual = regionUnits.reduce((s, r) => s + (r.annual ?? 0), 0);
    group.targetFrom = 'sum';
  }
  const explicitPerson = new Map<string, number>(Object.entries(set?.people ?? {}).map(([id, v]) => [o.pseudo.id(id), v * unitFactor]));
  for (const r of regionUnits) {
    if (r.annual === null) continue;
    const teamsOf = r.children.map((k) => units.get(k)!);
    const shares = split(r.annual, teamsOf.map((t) => t.key), (k) => units.get(k)!.base, (k) => {
      const v = set?.teams[units.get(k)!.name];
      return v === undefined ? undefined : v * unitFactor;
    });
    for (const t of teamsOf) {
      const s = shares.get(t.key)!;
      t.annual = s.value;
      t.targetFrom = s.from;
      const people = t.children.map((k) => units.get(k)!);
      if (people.length === 0) continue;
      const ps = split(t.annual, people.map((p) => p.key), (k) => shareWeight(units.get(k)!), (k) => explicitPerson.get(units.get(k)!.pid!));
      for (const p of people) {
        const v = ps.get(p.key)!;
        p.annual = v.value;
        p.targetFrom = v.from;
      }
    }
  }

  // Monthly targets and the target to date.
  const elapsed = (o.asOfDay - (lastDay(asOfMonth) - daysIn(asOfMonth) + 1) + 1) / daysIn(asOfMonth);
  const baseByCalMonth = (u: Unit): Map<number, number> => {
    const byM = new Map<number, number>();
    const keep = (c: LedgerCell): boolean =>
      u.level === 'group' ? true : u.level === 'region' ? c.region === u.region : u.level === 'team' ? c.region === u.region && c.team === u.team : c.pid === u.pid && c.region === u.region && c.team === u.team;
    for (const c of cells) if (baseSet.has(c.month) && keep(c)) byM.set(ym(c.month)[1], (byM.get(ym(c.month)[1]) ?? 0) + c.amount);
    return byM;
  };
  for (const u of units.values()) {
    if (u.annual === null) continue;
    const shape = cfg.split === 'history' ? baseByCalMonth(u) : null;
    const shapeTotal = shape ? [...shape.values()].reduce((a, b) => a + Math.max(0, b), 0) : 0;
    // A new hire's year is the months from their start (the start month by the days left in it).
    const hired = u.newHire ? Date.parse(`${u.newHire.hired}T00:00:00Z`) / 86_400_000 : null;
    const weights = fyMonths.map((m) => (shape && shapeTotal > 0 ? Math.max(0, shape.get(ym(m)[1]) ?? 0) / shapeTotal : 1 / 12) * (hired === null ? 1 : there(hired, m)));
    const wSum = weights.reduce((a, b) => a + b, 0);
    fyMonths.forEach((m, i) => u.monthlyTarget.set(m, wSum > 0 ? (u.annual! * weights[i]!) / wSum : 0));
    u.target = periodMonths.reduce((s, m) => s + (u.monthlyTarget.get(m) ?? 0) * (m === asOfMonth ? elapsed : 1), 0);
    if (u.target > 0) {
      u.ratio = (100 * u.actual) / u.target;
      // Coloured as shown (one decimal): 89.96 % reads 90.0 % and is green.
      u.band = bandOf(Math.round(u.ratio * 10) / 10, cfg.bands);
    }
    u.gap = u.target - u.actual;
  }

  // Who makes the gap: the units one level down with the largest gaps.
  for (const u of units.values()) {
    const kids = u.children.map((k) => units.get(k)!).filter((k) => k.gap !== null && k.gap > 0);
    kids.sort((a, b) => b.gap! - a.gap! || a.name.localeCompare(b.name, 'zh-CN'));
    u.contributors = kids.slice(0, cfg.digest.contributors).map((k) => ({ key: k.key, name: k.name, gap: k.gap!, share: u.gap !== null && u.gap > 0 ? (100 * k.gap!) / u.gap : null }));
  }

  // Forecasts per region (and the group as their sum), from the complete months the export covers.
  const lastFull = lastCompleteMonth(o.asOfDay);
  const histMonths = monthRange(addMonths(lastFull, -(cfg.history_months - 1)), lastFull).filter((m) => !ledger.span || firstDayOf(m) >= ledger.span.first);
  const horizon = monthRange(addMonths(lastFull, 1), addMonths(lastFull, cfg.forecast.months));
  const groupValues = new Array<number>(horizon.length).fill(0);
  let groupHas = false;
  for (const r of regionUnits) {
    if (histMonths.length < 3) break;
    const series = histMonths.map((m) => ({ month: m, amount: cells.filter((c) => c.region === r.region && c.month === m).reduce((s, c) => s + c.amount, 0) }));
    const history = cleanSeries(series, { fyStart, spread: cfg.forecast.quarter_end_spread / 100, outlierK: cfg.forecast.outlier_mad });
    const values = rollingWma(history.map((h) => h.clean), cfg.forecast.weights, horizon.length);
    r.forecast = forecastOf(r, history, horizon, values);
    values.forEach((v, i) => (groupValues[i]! += v));
    groupHas = true;
  }
  if (groupHas) group.forecast = forecastOf(group, [], horizon, groupValues);

  return { fy, period: cfg.period, from: dayToIso(firstDayOf(periodMonths[0]!)), asOf: dayToIso(o.asOfDay), asOfDay: o.asOfDay, baseMonths: base.months, notes, units };
}

function forecastOf(u: Unit, history: CleanedMonth[], months: Month[], values: number[]): Forecast {
  const targets = months.map((m) => (u.monthlyTarget.has(m) ? u.monthlyTarget.get(m)! : null));
  let sumForecast = 0;
  let sumTarget = 0;
  months.forEach((_, i) => {
    if (targets[i] === null) return;
    sumForecast += values[i]!;
    sumTarget += targets[i]!;
  });
  return { history, months, values, targets, sumForecast, sumTarget, below: sumTarget > 0 && sumForecast < sumTarget };
}
