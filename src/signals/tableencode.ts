/**
 * Turns the columns of a labelled table into what the logistic model reads, fitted on training
 * rows only. Every source column (and every interaction) becomes one block of encoded features
 * whose contributions add up to one reason HR can read ("YearsAtCompany = 1"), so the model
 * stays explainable per person however many terms a column needs.
 *
 * - numeric: standardised; a skewed non-negative column (income, years) on a log scale; with
 *   enough distinct values also a restricted cubic spline with three knots (Harrell: linear
 *   beyond the outer knots), so "the first two years" can carry more risk than a straight line allows;
 * - ordinal: a small integer scale (satisfaction 1-4, job level 1-5, stock options 0-3): a
 *   linear trend plus one centred indicator per level, for scales whose ends are not straight;
 * - categorical: one centred indicator per level (up to MAX_LEVELS);
 * - interaction: an indicator for a combination HR recognises (overtime with low job or
 *   environment satisfaction, a poor work-life balance, the lowest job level or youth; short
 *   tenure with a long commute; young and single; the lowest level on low pay; no stock options
 *   and single), centred on how often it occurs.
 * Every term is centred on the training rows, so each contribution reads "compared with the
 * average person in the training data", and a missing value contributes nothing.
 */
import { parseLabel } from './labels.js';

export interface Table {
  file: string;
  header: string[];
  rows: string[][];
  /** Physical line of each row, for messages. */
  lines: number[];
}

export type ColumnKind = 'numeric' | 'ordinal' | 'categorical';

export interface UsedColumn {
  name: string;
  index: number;
  kind: ColumnKind;
}

export interface NumericSpec {
  name: string;
  kind: 'numeric';
  /** Of the (transformed) value. */
  mean: number;
  sd: number;
  /** Of the raw value, shown to HR as "typical". Absent in version-1 model files. */
  median?: number;
  transform?: 'log1p';
  /** Restricted cubic spline knots on the transformed scale, with each basis term's mean and SD. */
  knots?: number[];
  basis?: { mean: number; sd: number }[];
}

export interface OrdinalSpec {
  name: string;
  kind: 'ordinal';
  mean: number;
  sd: number;
  median: number;
  levels: string[];
  freq: number[];
}

export interface CategoricalSpec {
  name: string;
  kind: 'categorical';
  levels: string[];
  freq: number[];
}

export interface Condition {
  column: string;
  op: 'is' | '<=' | '>=';
  /** For 'is': a level (matched like a yes/no label when `yes` is set). */
  value: string | number;
  yes?: boolean;
}

export interface InteractionSpec {
  name: string;
  kind: 'interaction';
  /** Which recognised combination this is, e.g. "overtime-low-satisfaction". */
  id: string;
  when: Condition[];
  /** Share of training rows where every condition holds. */
  freq: number;
}

export type ColumnSpec = NumericSpec | OrdinalSpec | CategoricalSpec | InteractionSpec;

export const MAX_LEVELS = 30;
/** Integer columns with this many distinct values or fewer (and at least 3) are ordinal scales. */
export const ORDINAL_MAX_LEVELS = 5;
/** Numeric columns need this many distinct training values for a spline. */
const SPLINE_MIN_DISTINCT = 8;

const NUM_RE = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const ID_NAME = /^(employee ?(number|id|no)|emp ?(id|no)|staff ?id|id|工号|员工编号|编号|人员编号)$/i;

export interface Inferred {
  use: UsedColumn[];
  idColumn: string | null;
  dropped: { name: string; why: string }[];
}

/**
 * Decides each column's type from the training rows: numeric when every non-empty value is a
 * number (ordinal when it is a small integer scale), else categorical. Drops the label,
 * id-like columns, constants (EmployeeCount = 1) and free text (more distinct values than half the rows).
 */
export function inferColumns(t: Table, label: string, drop: readonly string[] = []): Inferred {
  const use: UsedColumn[] = [];
  const dropped: { name: string; why: string }[] = [];
  let idColumn: string | null = null;
  t.header.forEach((name, index) => {
    if (name === label) return;
    if (drop.includes(name)) {
      dropped.push({ name, why: 'dropped by --drop' });
      return;
    }
    const vals = t.rows.map((r) => r[index] ?? '').filter((v) => v !== '');
    const distinct = new Set(vals);
    if (ID_NAME.test(name.replace(/[\s_]/g, ' ').trim()) || (distinct.size === t.rows.length && /(id|number|no|号)$/i.test(name))) {
      idColumn ??= name;
      dropped.push({ name, why: 'identifier' });
      return;
    }
    if (distinct.size <= 1) {
      dropped.push({ name, why: 'constant' });
      return;
    }
    const numeric = vals.every((v) => NUM_RE.test(v));
    if (!numeric && distinct.size > Math.max(MAX_LEVELS, t.rows.length / 2)) {
      dropped.push({ name, why: 'free text (too many distinct values)' });
      return;
    }
    const ordinal = numeric && distinct.size >= 3 && distinct.size <= ORDINAL_MAX_LEVELS && vals.every((v) => Number.isInteger(Number(v)));
    use.push({ name, index, kind: ordinal ? 'ordinal' : numeric ? 'numeric' : 'categorical' });
  });
  return { use, idColumn, dropped };
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

function meanSd(xs: readonly number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1);
  return { mean, sd: Math.sqrt(v) || 1 };
}

function skewness(xs: readonly number[], mean: number, sd: number): number {
  if (xs.length < 3 || sd === 0) return 0;
  return xs.reduce((a, b) => a + ((b - mean) / sd) ** 3, 0) / xs.length;
}

/** Harrell's restricted cubic spline terms (k knots -> k-2 terms), scaled by the knot range squared. */
export function rcsTerms(x: number, knots: readonly number[]): number[] {
  const k = knots.length;
  const tk = knots[k - 1] as number;
  const tk1 = knots[k - 2] as number;
  const scale = (tk - (knots[0] as number)) ** 2 || 1;
  const p3 = (v: number): number => (v > 0 ? v * v * v : 0);
  const out: number[] = [];
  for (let j = 0; j < k - 2; j++) {
    const tj = knots[j] as number;
    out.push((p3(x - tj) - (p3(x - tk1) * (tk - tj)) / (tk - tk1) + (p3(x - tk) * (tk1 - tj)) / (tk - tk1)) / scale);
  }
  return out;
}

/**
 * Three knots at Harrell's quantiles for k = 3 (one bend: a few hundred leavers do not support
 * more; four knots scored no better in cross-validation), repeats dropped; fewer than 3: no spline.
 */
function chooseKnots(sorted: readonly number[]): number[] | undefined {
  const qs = [0.1, 0.5, 0.9];
  const knots = [...new Set(qs.map((q) => quantile(sorted, q)))];
  return knots.length >= 3 ? knots : undefined;
}

const transformOf = (spec: { transform?: 'log1p' }, v: number): number => (spec.transform === 'log1p' ? Math.log1p(Math.max(0, v)) : v);

function fitNumeric(name: string, raw: number[], spline: boolean): NumericSpec {
  const sortedRaw = [...raw].sort((a, b) => a - b);
  const median = quantile(sortedRaw, 0.5);
  const m0 = meanSd(raw);
  // A log scale only for measured amounts (many distinct values): a 3-or-4 rating stays as it is.
  const transform = (sortedRaw[0] ?? 0) >= 0 && new Set(raw).size >= SPLINE_MIN_DISTINCT && skewness(raw, m0.mean, m0.sd) > 0.75 ? ('log1p' as const) : undefined;
  const xs = raw.map((v) => transformOf({ ...(transform ? { transform } : {}) }, v));
  const { mean, sd } = meanSd(xs);
  const spec: NumericSpec = { name, kind: 'numeric', mean, sd, median, ...(transform ? { transform } : {}) };
  if (spline && new Set(raw).size >= SPLINE_MIN_DISTINCT) {
    const knots = chooseKnots([...xs].sort((a, b) => a - b));
    if (knots) {
      const cols = xs.map((x) => rcsTerms(x, knots));
      spec.knots = knots;
      spec.basis = knots.slice(2).map((_, j) => meanSd(cols.map((c) => c[j] as number)));
    }
  }
  return spec;
}

export interface EncoderOptions {
  /** Splines for numeric columns (default on). */
  splines?: boolean;
  /** Per-level indicators for ordinal scales (default on; off = a straight line only). */
  ordinalLevels?: boolean;
  /** The recognised interactions (default on). */
  interactions?: boolean;
}

/** Fits the encoder on some rows (a training fold). */
export function fitEncoder(t: Table, cols: readonly UsedColumn[], rowIdx: readonly number[], opts: EncoderOptions = {}): ColumnSpec[] {
  const specs: ColumnSpec[] = cols.map((c): ColumnSpec => {
    const vals = rowIdx.map((i) => t.rows[i]?.[c.index] ?? '');
    if (c.kind === 'numeric' || (c.kind === 'ordinal' && opts.ordinalLevels === false)) {
      return fitNumeric(c.name, vals.filter((v) => v !== '').map(Number), opts.splines !== false && c.kind === 'numeric');
    }
    if (c.kind === 'ordinal') {
      const xs = vals.filter((v) => v !== '').map(Number);
      const { mean, sd } = meanSd(xs);
      const levels = [...new Set(xs)].sort((a, b) => a - b);
      return {
        name: c.name,
        kind: 'ordinal',
        mean,
        sd,
        median: quantile([...xs].sort((a, b) => a - b), 0.5),
        levels: levels.map(String),
        freq: levels.map((l) => xs.filter((x) => x === l).length / Math.max(1, vals.length)),
      };
    }
    const counts = new Map<string, number>();
    for (const v of vals) counts.set(v === '' ? '(empty)' : v, (counts.get(v === '' ? '(empty)' : v) ?? 0) + 1);
    const levels = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, MAX_LEVELS);
    return { name: c.name, kind: 'categorical', levels: levels.map(([l]) => l), freq: levels.map(([, n]) => n / vals.length) };
  });
  if (opts.interactions !== false) specs.push(...fitInteractions(t, cols, rowIdx));
  return specs;
}

/** Column roles the recognised interactions need, by header (English IBM-style names and Chinese ones). */
const ROLES = {
  overtime: /^(over ?time|加班|是否加班)$/i,
  jobSatisfaction: /^(job ?satisfaction|工作满意度)$/i,
  envSatisfaction: /^(environment ?satisfaction|work ?environment ?satisfaction|环境满意度|工作环境满意度)$/i,
  workLife: /^(work ?life ?balance|工作生活平衡)$/i,
  tenure: /^(years ?at ?company|tenure|company ?tenure|司龄|本司工龄|在职年限)$/i,
  commute: /^(distance ?from ?home|commute|commute ?(distance|km|minutes|time)|通勤距离|通勤时间|居住距离)$/i,
  age: /^(age|年龄)$/i,
  marital: /^(marital ?status|婚姻状况|婚姻状态|婚否)$/i,
  jobLevel: /^(job ?level|level|grade|职级|职位级别|级别)$/i,
  income: /^(monthly ?income|monthly ?salary|income|salary|月收入|月薪|月工资|工资)$/i,
  stock: /^(stock ?option ?level|stock ?options?|股票期权|期权等级)$/i,
} as const;
type Role = keyof typeof ROLES;

/** What the rules read of a role's column in the training rows. */
interface RoleColumn {
  name: string;
  /** Its numeric values, sorted (empty for a text column). */
  sorted: number[];
  /** Its distinct text values. */
  levels: string[];
}

const SINGLE = /^(single|unmarried|never ?married|未婚|单身)$/i;
const singleLevel = (c: RoleColumn): string | number => c.levels.find((l) => SINGLE.test(l)) ?? Number.NaN;
const overtime = (c: Record<Role, RoleColumn>): Condition => ({ column: c.overtime.name, op: 'is', value: 'yes', yes: true });
/**
 * "Low": the lowest ~30 % (or the given share) of a column, but never most people: on a 1-4 scale
 * where most say 3, "3 or less" would be nine in ten, not a low score (then the level below).
 */
const low = (c: RoleColumn, q = 0.3): Condition => {
  let cut = quantile(c.sorted, q);
  const atOrBelow = (v: number): number => c.sorted.filter((x) => x <= v).length / Math.max(1, c.sorted.length);
  if (q > 0 && atOrBelow(cut) > 0.6) cut = [...c.sorted].reverse().find((v) => v < cut) ?? Number.NaN;
  return { column: c.name, op: '<=', value: cut };
};

/**
 * The combinations HR recognises. Cut-offs come from the training rows: "low" is the lowest
 * ~30 % of a scale, "short", "young" and "low pay" the lowest quarter, "long" the longest quarter,
 * the lowest job level and no stock options the bottom of their scales. A combination that the
 * training rows cannot tell apart from one of its parts is left out (see fitInteractions).
 */
const RECOGNISED: { id: string; roles: Role[]; when: (cols: Record<Role, RoleColumn>) => Condition[] }[] = [
  { id: 'overtime-low-satisfaction', roles: ['overtime', 'jobSatisfaction'], when: (c) => [overtime(c), low(c.jobSatisfaction)] },
  {
    id: 'short-tenure-long-commute',
    roles: ['tenure', 'commute'],
    when: (c) => [low(c.tenure, 0.25), { column: c.commute.name, op: '>=', value: quantile(c.commute.sorted, 0.75) }],
  },
  { id: 'overtime-low-environment-satisfaction', roles: ['overtime', 'envSatisfaction'], when: (c) => [overtime(c), low(c.envSatisfaction)] },
  { id: 'overtime-poor-work-life-balance', roles: ['overtime', 'workLife'], when: (c) => [overtime(c), low(c.workLife)] },
  { id: 'overtime-lowest-level', roles: ['overtime', 'jobLevel'], when: (c) => [overtime(c), low(c.jobLevel, 0)] },
  { id: 'overtime-young', roles: ['overtime', 'age'], when: (c) => [overtime(c), low(c.age, 0.25)] },
  { id: 'young-single', roles: ['age', 'marital'], when: (c) => [low(c.age, 0.25), { column: c.marital.name, op: 'is', value: singleLevel(c.marital) }] },
  { id: 'lowest-level-low-pay', roles: ['jobLevel', 'income'], when: (c) => [low(c.jobLevel, 0), low(c.income, 0.25)] },
  { id: 'no-stock-options-single', roles: ['stock', 'marital'], when: (c) => [low(c.stock, 0), { column: c.marital.name, op: 'is', value: singleLevel(c.marital) }] },
];

function fitInteractions(t: Table, cols: readonly UsedColumn[], rowIdx: readonly number[]): InteractionSpec[] {
  const found: Partial<Record<Role, RoleColumn>> = {};
  for (const c of cols) {
    const key = c.name.replace(/[\s_]+/g, ' ').trim();
    for (const role of Object.keys(ROLES) as Role[]) {
      if (found[role] || !ROLES[role].test(key)) continue;
      const vals = rowIdx.map((i) => (t.rows[i]?.[c.index] ?? '').trim()).filter((v) => v !== '');
      const nums = vals.every((v) => Number.isFinite(Number(v))) ? vals.map(Number) : [];
      found[role] = { name: c.name, sorted: nums.sort((a, b) => a - b), levels: [...new Set(vals)] };
    }
  }
  const index = new Map(cols.map((c) => [c.name, c.index]));
  const share = (when: readonly Condition[]): { hits: boolean[]; n: number } => {
    const hits = rowIdx.map((i) => holds(when, (name) => t.rows[i]?.[index.get(name) as number] ?? '') === true);
    return { hits, n: hits.filter(Boolean).length };
  };
  const out: InteractionSpec[] = [];
  for (const r of RECOGNISED) {
    if (!r.roles.every((role) => found[role])) continue;
    const when = r.when(found as Record<Role, RoleColumn>);
    if (when.some((w) => typeof w.value === 'number' && !Number.isFinite(w.value))) continue;
    const all = share(when);
    // A combination nobody (or everybody) in the training rows has teaches nothing; nor does one
    // that holds for exactly the people one of its parts holds for (in the IBM table every single
    // person has no stock options): its weight would only split that part's.
    if (all.n === 0 || all.n === rowIdx.length) continue;
    if (when.some((w) => share([w]).hits.every((h, n) => h === all.hits[n]))) continue;
    out.push({ name: when.map((w) => w.column).join(' × '), kind: 'interaction', id: r.id, when, freq: all.n / Math.max(1, rowIdx.length) });
  }
  return out;
}

/** true / false, or null when a value needed is missing. */
export function holds(when: readonly Condition[], get: (name: string) => string): boolean | null {
  let all = true;
  for (const w of when) {
    const v = get(w.column).trim();
    if (v === '') return null;
    let ok: boolean;
    if (w.op === 'is') ok = w.yes ? parseLabel(v) === 1 : v === String(w.value);
    else {
      const n = Number(v);
      if (!Number.isFinite(n)) return null;
      ok = w.op === '<=' ? n <= (w.value as number) : n >= (w.value as number);
    }
    if (!ok) all = false;
  }
  return all;
}

/** How many encoded features a block has. */
export function blockWidth(s: ColumnSpec): number {
  switch (s.kind) {
    case 'numeric':
      return 1 + (s.basis?.length ?? 0);
    case 'ordinal':
      return 1 + s.levels.length;
    case 'categorical':
      return s.levels.length;
    case 'interaction':
      return 1;
  }
}

export function featureNames(specs: readonly ColumnSpec[]): string[] {
  return specs.flatMap((s) => {
    switch (s.kind) {
      case 'numeric':
        return [s.name, ...(s.basis ?? []).map((_, j) => `${s.name}~spline${j + 1}`)];
      case 'ordinal':
        return [s.name, ...s.levels.map((l) => `${s.name}=${l}`)];
      case 'categorical':
        return s.levels.map((l) => `${s.name}=${l}`);
      case 'interaction':
        return [s.name];
    }
  });
}

/**
 * How strongly each encoded feature is held towards zero, relative to a main effect: bends
 * (spline terms, per-level steps) and interactions must earn their place with more evidence.
 */
export function penaltyFactors(specs: readonly ColumnSpec[], extra: number): number[] {
  return specs.flatMap((s) => {
    switch (s.kind) {
      case 'numeric':
        return [1, ...(s.basis ?? []).map(() => extra)];
      case 'ordinal':
        return [1, ...s.levels.map(() => extra)];
      case 'categorical':
        return s.levels.map(() => 1);
      case 'interaction':
        return [extra];
    }
  });
}

function oneHot(levels: readonly string[], freq: readonly number[], key: string, x: number[]): void {
  const hit = levels.indexOf(key);
  for (let l = 0; l < levels.length; l++) x.push(hit < 0 ? 0 : (l === hit ? 1 : 0) - (freq[l] ?? 0));
}

/** Encodes one row given the row's values by column name. Unknown levels and missing values encode as "average" (0). */
export function encodeRow(specs: readonly ColumnSpec[], get: (name: string) => string): number[] {
  const x: number[] = [];
  for (const s of specs) {
    if (s.kind === 'interaction') {
      const h = holds(s.when, get);
      x.push(h === null ? 0 : (h ? 1 : 0) - s.freq);
      continue;
    }
    const v = get(s.name).trim();
    if (s.kind === 'categorical') {
      oneHot(s.levels, s.freq, v === '' ? '(empty)' : v, x);
      continue;
    }
    const n = v === '' ? Number.NaN : Number(v);
    const known = Number.isFinite(n);
    if (s.kind === 'ordinal') {
      x.push(known ? (n - s.mean) / s.sd : 0);
      oneHot(s.levels, s.freq, known ? String(n) : '', x);
      continue;
    }
    const tv = known ? transformOf(s, n) : s.mean;
    x.push(known ? (tv - s.mean) / s.sd : 0);
    if (s.knots && s.basis) {
      const terms = rcsTerms(tv, s.knots);
      s.basis.forEach((b, j) => x.push(known ? ((terms[j] as number) - b.mean) / b.sd : 0));
    }
  }
  return x;
}

/** The typical value HR sees beside a person's own (raw scale). */
export function typicalValue(s: NumericSpec | OrdinalSpec): number {
  if (s.median !== undefined) return s.median;
  return s.mean;
}
