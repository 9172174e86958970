/**
 * rules/health.yaml: the exports to read, the metrics (formula, direction, target, weight,
 * labels), how metrics become a 0-100 index and bands, when a manager gets a coaching prompt,
 * and which course each weak metric suggests. Validated with zod plus the checks zod cannot
 * do (formulas compile and use known variables); every error names file:line: field.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { compileExpression } from 'filtrex';
import { z } from 'zod';
import { displayPath, validateSource } from '../config/load.js';
import { readYamlSource, type YamlSource } from '../config/yaml-source.js';
import { RadarError } from '../core/errors.js';
import { SignalsConfigSchema } from '../signals/config.js';
import { HEALTH_PRESETS } from '../signals/mapping.js';
import { formulaIdentifiers, VARIABLE_NAMES, VARIABLES, type Variable, type VariableKind } from './variables.js';

const label = z.string().min(1);
const id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'use lower-case letters, digits and _ (e.g. first_followup_48h)');

const MetricSchema = z.strictObject({
  id,
  label_zh: label,
  label_en: label,
  /** Column heading in the heat map (defaults to the label). */
  short_zh: label.optional(),
  short_en: label.optional(),
  /** The preset of the export the metric comes from (documentation, and checked against `sources`). */
  source: z.string().min(1),
  /** A filtrex expression over the variables (see docs/health.md); 0/0 means "no data this week". */
  formula: z.string().min(1),
  direction: z.enum(['higher', 'lower']),
  target: z.number().finite(),
  /** The value that scores 0 against the target (default 0 for `higher`; required for `lower`). */
  worst: z.number().finite().optional(),
  weight: z.number().min(0).default(1),
  /** Smallest change that matters, in the metric's unit: the floor of the robust scale of "normal". */
  floor: z.number().positive(),
  /** Variables are summed over this many weeks before the formula (for metrics with few events a week). */
  window_weeks: z.number().int().min(1).max(13).default(1),
  /** Metrics of one group count as one when counting slipping metrics (they read the same data). */
  group: id.optional(),
  /** No value for the week unless these variables (summed over the window) reach these counts, e.g. { first_visits_due: 4 }. */
  min_count: z.record(z.string(), z.number().min(0)).default({}),
  unit: z.enum(['count', 'days', 'pct', 'ratio', 'minutes', 'hours']).default('count'),
  decimals: z.number().int().min(0).max(3).optional(),
});
export type MetricInput = z.infer<typeof MetricSchema>;

const CourseSchema = z.strictObject({ zh: label, en: label, link: z.url().optional() });
export type Course = z.infer<typeof CourseSchema>;

export const HealthConfigSchema = z.strictObject({
  timezone: z.string().default('Asia/Shanghai'),
  /** Relative paths in `sources` are read from here (the job's samplesDir overrides it). */
  inputs_dir: z.string().default('data/samples'),
  sources: SignalsConfigSchema.shape.sources,
  /** Profile fields of crm-customers that count for record completeness. */
  required_fields: z.array(z.string().min(1)).default(['contact', 'phone', 'industry', 'address', 'source', 'level']),
  followup_codes: z
    .strictObject({
      /** 跟进方式 values that are visits (substring match). */
      visit: z.array(z.string().min(1)).default(['拜访', '上门', '面访', 'visit']),
      /** 跟进类型 values that mark a first visit. */
      first_visit: z.array(z.string().min(1)).default(['首次拜访', '首访', 'first']),
      /** 拜访纪要 values that mean "no notes" (an empty cell does too). */
      no_notes: z.array(z.string().min(1)).default(['无', '未上传', '否', 'no', '-']),
    })
    .prefault({}),
  /** Deal stages in order (each a list of names); the last is won. */
  deal_stages: z.array(z.array(z.string().min(1)).min(1)).min(2).default([['线索', '初步接洽'], ['意向', '需求确认'], ['方案', '方案报价'], ['谈判', '商务谈判'], ['赢单', '成交']]),
  deal_lost: z.array(z.string().min(1)).default(['输单', '丢单', '关闭']),
  baseline_weeks: z.number().int().min(3).max(52).default(8),
  /** Weeks with a value before the own-baseline half of a metric's score counts (and before any prompt). */
  min_history_weeks: z.number().int().min(2).default(6),
  /** Share of a metric's score that compares with the person's own baseline; the rest is the target. */
  baseline_share: z.number().min(0).max(1).default(0.5),
  /** The own-baseline part reaches 0 this many scale units below the person's normal. */
  zero_at: z.number().positive().default(2),
  /** Take a dip most people share that week (holiday, CRM outage) out of everyone's own-baseline z. */
  peer_adjust: z.boolean().default(true),
  /** A week with fewer workdays than this (leave, holidays) is not scored. */
  min_workdays: z.number().min(0).max(7).default(3),
  bands: z.strictObject({ green: z.number().min(0).max(100).default(90), yellow: z.number().min(0).max(100).default(70) }).prefault({}),
  /** Index values shown in a prompt's and a card's trend. */
  trend_weeks: z.number().int().min(2).max(26).default(6),
  metrics: z.array(MetricSchema).min(1),
  coaching: z
    .strictObject({
      /** A week needs attention when the index is below this ... */
      index_below: z.number().min(0).max(100).default(70),
      /** ... or when at least this many metrics are slipping (0 = never by slipping alone). */
      slipping_metrics: z.number().int().min(0).default(2),
      /** A metric is slipping when its value is at least this many scale units below the person's normal. */
      slip_at: z.number().positive().default(0.6),
      /** Consecutive scored weeks needing attention before the manager is told. */
      weeks: z.number().int().min(1).max(12).default(2),
      /** After a prompt, none about the same person for this many weeks. */
      cooldown_weeks: z.number().int().min(1).max(52).default(8),
      /** Metrics named in a prompt: the weakest two, a third if it is below green. */
      max_metrics: z.number().int().min(1).max(5).default(3),
    })
    .prefault({}),
  /** metric id -> the course a prompt suggests when that metric is among the weakest. */
  courses: z.record(z.string(), CourseSchema).default({}),
  digest: z
    .strictObject({
      /** Inline PNG heat map per team (else only the HTML table). */
      heatmap: z.boolean().default(true),
      /** A weekly card to each salesperson (needs 邮箱 in the org export). */
      cards: z.boolean().default(false),
    })
    .prefault({}),
});
export type HealthConfigInput = z.infer<typeof HealthConfigSchema>;

export interface Metric extends MetricInput {
  worst: number;
  vars: Variable[];
  kinds: VariableKind[];
  evaluate: (vars: Record<string, number>) => unknown;
}

export interface HealthConfig extends Omit<HealthConfigInput, 'metrics'> {
  metrics: Metric[];
  file: string;
}

const SOURCE_KINDS: Record<string, VariableKind | 'org'> = {
  org: 'org',
  'dingtalk-attendance': 'attendance',
  'crm-activity': 'activity',
  ...Object.fromEntries(Object.entries(HEALTH_PRESETS).map(([k, p]) => [k, p.kind])),
};

/** The presets the health importer reads, by kind. */
export function sourceKind(preset: string): VariableKind | 'org' | undefined {
  return SOURCE_KINDS[preset];
}

function fail(src: YamlSource, path: PropertyKey[], field: string, message: string): never {
  throw new RadarError('config', `${field}: ${message}`, { where: `${displayPath(src.file)}:${src.lineOf(path)}` });
}

export function compileFormula(formula: string): (vars: Record<string, number>) => unknown {
  return compileExpression(formula) as (vars: Record<string, number>) => unknown;
}

/** Validates a parsed rules/health.yaml. */
export function checkHealthConfig(src: YamlSource): HealthConfig {
  const input = validateSource(src, HealthConfigSchema);
  const seen = new Set<string>();
  const known = new Set<string>(VARIABLE_NAMES);
  const metrics: Metric[] = input.metrics.map((m, i) => {
    const at = (f: string): PropertyKey[] => ['metrics', i, f];
    if (seen.has(m.id)) fail(src, at('id'), `metrics.${i}.id`, `"${m.id}" is used twice`);
    seen.add(m.id);
    if (!(m.source in SOURCE_KINDS)) fail(src, at('source'), `metrics.${i}.source`, `unknown export "${m.source}" (known: ${Object.keys(SOURCE_KINDS).join(', ')})`);
    let evaluate: Metric['evaluate'];
    try {
      evaluate = compileFormula(m.formula);
    } catch (err) {
      fail(src, at('formula'), `metrics.${i}.formula`, `does not parse: ${String((err as Error).message).split('\n')[0]}`);
    }
    const vars = formulaIdentifiers(m.formula);
    const unknown = vars.filter((v) => !known.has(v));
    if (unknown.length) fail(src, at('formula'), `metrics.${i}.formula`, `unknown variable "${unknown[0]}" (known: ${VARIABLE_NAMES.join(', ')})`);
    if (vars.length === 0) fail(src, at('formula'), `metrics.${i}.formula`, 'uses no variable');
    for (const v of Object.keys(m.min_count)) {
      if (!known.has(v)) fail(src, [...at('min_count'), v], `metrics.${i}.min_count.${v}`, `unknown variable (known: ${VARIABLE_NAMES.join(', ')})`);
      if (!vars.includes(v)) vars.push(v);
    }
    const probe = evaluate(Object.fromEntries(VARIABLE_NAMES.map((v) => [v, 1])));
    if (probe instanceof Error || (typeof probe !== 'number' && typeof probe !== 'boolean')) {
      fail(src, at('formula'), `metrics.${i}.formula`, `does not give a number${probe instanceof Error ? `: ${probe.message}` : ''}`);
    }
    if (m.direction === 'lower' && m.worst === undefined) fail(src, at('direction'), `metrics.${i}.worst`, 'a "lower is better" metric needs worst: the value that scores 0');
    const worst = m.worst ?? 0;
    if (m.direction === 'higher' ? worst >= m.target : worst <= m.target) {
      fail(src, at('worst'), `metrics.${i}.worst`, `must be ${m.direction === 'higher' ? 'below' : 'above'} the target (${m.target})`);
    }
    const kinds = [...new Set(vars.flatMap((v) => VARIABLES[v as Variable].kinds as readonly VariableKind[]))];
    return { ...m, worst, vars: vars as Variable[], kinds, evaluate };
  });
  input.sources.forEach((s, i) => {
    if (!(s.preset in SOURCE_KINDS)) fail(src, ['sources', i, 'preset'], `sources.${i}.preset`, `unknown preset "${s.preset}" (known: ${Object.keys(SOURCE_KINDS).join(', ')})`);
  });
  if (!input.sources.some((s) => s.preset === 'org')) fail(src, ['sources'], 'sources', 'needs the org export (preset: org): it says who manages whom');
  for (const key of Object.keys(input.courses)) {
    if (!seen.has(key)) fail(src, ['courses', key], `courses.${key}`, `no metric with id "${key}"`);
  }
  const customerFields = Object.keys(HEALTH_PRESETS['crm-customers']?.columns ?? {});
  input.required_fields.forEach((f, i) => {
    if (!customerFields.includes(f)) fail(src, ['required_fields', i], `required_fields.${i}`, `"${f}" is not a field of crm-customers (${customerFields.join(', ')})`);
  });
  if (input.bands.green <= input.bands.yellow) fail(src, ['bands', 'green'], 'bands.green', `must be above bands.yellow (${input.bands.yellow})`);
  if (input.min_history_weeks > input.baseline_weeks) fail(src, ['min_history_weeks'], 'min_history_weeks', `exceeds baseline_weeks (${input.baseline_weeks})`);
  return { ...input, metrics, file: src.file };
}

export function loadHealthConfig(rulesDir: string): HealthConfig {
  const file = join(rulesDir, 'health.yaml');
  if (!existsSync(file)) throw new RadarError('config', 'file not found (the health index needs its metrics)', { where: displayPath(file) });
  return checkHealthConfig(readYamlSource(file));
}
