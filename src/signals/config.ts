/**
 * The two rule files of the signals stage, validated with zod:
 * - rules/signals.yaml: which exports to read and how their columns and codes map;
 * - rules/attrition.yaml: the scoring model (weights, threshold, baselines, quiet periods).
 * Every default lives here so a missing file still means a sensible, documented behaviour.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { validateSource } from '../config/load.js';
import { readYamlSource } from '../config/yaml-source.js';
import { RadarError } from '../core/errors.js';

export const KINDS = ['attendance', 'activity', 'transfers', 'roster', 'org'] as const;
export type SourceKind = (typeof KINDS)[number];

/** The model's inputs, in a fixed order; each is 0 when there is no evidence (see features.ts). */
export const FEATURES = [
  'absence',
  'leave',
  'late_arrival',
  'early_departure',
  'hours_drop',
  'comms_drop',
  'comms_decline',
  'crm_drop',
  'crm_decline',
  'customers_moved_out',
  'customer_exports',
] as const;
export type Feature = (typeof FEATURES)[number];

/** Weekly per-person metrics that have a baseline. */
export const METRICS = ['absent_days', 'leave_days', 'arrival', 'departure', 'hours', 'comms', 'crm', 'moved_out', 'exported'] as const;
export type Metric = (typeof METRICS)[number];

const strList = z.array(z.string().min(1));

const SourceSchema = z
  .object({
    /** Relative to inputs_dir; a `*` in the file name matches several files (e.g. attendance-*.csv). */
    path: z.string().min(1),
    preset: z.string().min(1),
    encoding: z.string().default('auto'),
    sheet: z.string().optional(),
    delimiter: z.string().min(1).max(1).optional(),
    /** Per-file overrides: field -> header text(s). */
    columns: z.record(z.string(), z.union([z.string(), strList])).optional(),
    /** A missing optional file is skipped with a note instead of failing the run. */
    optional: z.boolean().default(false),
  })
  .strict();
export type SourceConfig = z.infer<typeof SourceSchema>;

const PresetSchema = z
  .object({
    kind: z.enum(KINDS),
    /** Start from a built-in preset's column aliases and add these. */
    extends: z.string().optional(),
    columns: z.record(z.string(), z.union([z.string(), strList])).default({}),
  })
  .strict();
export type PresetConfig = z.infer<typeof PresetSchema>;

export const SignalsConfigSchema = z
  .object({
    timezone: z.string().default('Asia/Shanghai'),
    inputs_dir: z.string().default('data/samples'),
    /** Raw copies of imported files and weekly aggregates older than this are deleted on each import and score. */
    retention_days: z.number().int().min(7).default(180),
    /** Keep a copy of each imported file (content-addressed) under <state>/signals/raw/ until retention ends. */
    keep_raw: z.boolean().default(true),
    sources: z.array(SourceSchema).default([]),
    presets: z.record(z.string(), PresetSchema).default({}),
    attendance_status: z
      .object({
        rest: strList.default(['休息', '公休', '节假日', 'rest']),
        leave: strList.default(['请假', '事假', '病假', '年假', '调休', '婚假', '产假', '丧假', 'leave']),
        absent: strList.default(['旷工', '缺勤', 'absent']),
        /** Present even without clock-ins (field work, business trips). */
        present: strList.default(['外勤', '出差', 'field', 'trip']),
      })
      .strict()
      .default({
        rest: ['休息', '公休', '节假日', 'rest'],
        leave: ['请假', '事假', '病假', '年假', '调休', '婚假', '产假', '丧假', 'leave'],
        absent: ['旷工', '缺勤', 'absent'],
        present: ['外勤', '出差', 'field', 'trip'],
      }),
    transfer_operations: z
      .object({
        moved_out: strList.default(['转移', '移交', '转出', '交接', 'transfer']),
        exported: strList.default(['导出', '下载', 'export']),
        moved_in: strList.default(['分配', '领取', '转入', 'assign']),
      })
      .strict()
      .default({
        moved_out: ['转移', '移交', '转出', '交接', 'transfer'],
        exported: ['导出', '下载', 'export'],
        moved_in: ['分配', '领取', '转入', 'assign'],
      }),
    roster_status: z
      .object({
        notice: strList.default(['待离职', '离职中', '已提交离职', '离职审批中', 'notice']),
        left: strList.default(['已离职', '离职', 'left', 'terminated']),
      })
      .strict()
      .default({
        notice: ['待离职', '离职中', '已提交离职', '离职审批中', 'notice'],
        left: ['已离职', '离职', 'left', 'terminated'],
      }),
    /** How many bad rows per file are listed with file:line (all are counted). */
    bad_rows_listed: z.number().int().min(0).default(200),
  })
  .strict();
export type SignalsConfig = z.infer<typeof SignalsConfigSchema>;

const weightShape = Object.fromEntries(FEATURES.map((f) => [f, z.number().finite().optional()])) as Record<Feature, z.ZodOptional<z.ZodNumber>>;
const floorShape = Object.fromEntries(METRICS.map((m) => [m, z.number().positive().optional()])) as Record<Metric, z.ZodOptional<z.ZodNumber>>;

export const AttritionConfigSchema = z
  .object({
    /** Scores at or above this (0-100) raise an HR alert. */
    threshold: z.number().min(0).max(100).default(60),
    /** After an ack, stay quiet until the score is this many points above the acked score. */
    ack_quiet_delta: z.number().min(0).max(100).default(10),
    min_history_weeks: z.number().int().min(2).default(6),
    baseline_weeks: z.number().int().min(4).max(52).default(12),
    trend_weeks: z.number().int().min(1).max(26).default(8),
    /** CUSUM allowance in robust standard deviations: smaller declines are treated as noise. */
    cusum_k: z.number().min(0).default(0.5),
    /** Peers (same role and region) needed before we compare with them; else role, then everyone. */
    min_peers: z.number().int().min(2).default(5),
    intercept: z.number().finite().default(-4.5),
    weights: z.object(weightShape).strict().default({}),
    /** Lower bound of the robust scale (1.4826 x MAD) per metric, in the metric's unit. */
    scale_floor: z.object(floorShape).strict().default({}),
    /** For comms and crm: the floor is also at least this share of the person's median. */
    relative_floor: z.number().min(0).max(1).default(0.1),
  })
  .strict();
export type AttritionConfigInput = z.infer<typeof AttritionConfigSchema>;

export interface AttritionConfig extends Omit<AttritionConfigInput, 'weights' | 'scale_floor'> {
  weights: Record<Feature, number>;
  scale_floor: Record<Metric, number>;
}

/**
 * Defaults follow the turnover literature: absence is a moderate predictor of leaving
 * (meta-analytic r around .2-.3), lateness barely one (r under .1), and withdrawal from the
 * work itself (less contact with customers, less CRM use) plus moving or exporting the
 * customer book are the strongest signals we can see in logs. Weights act on features that
 * are already in robust standard deviations (or log counts for customers), so they compare.
 */
export const DEFAULT_WEIGHTS: Record<Feature, number> = {
  absence: 0.45,
  leave: 0.25,
  late_arrival: 0.05,
  early_departure: 0.1,
  hours_drop: 0.15,
  comms_drop: 0.3,
  comms_decline: 0.2,
  crm_drop: 0.3,
  crm_decline: 0.2,
  customers_moved_out: 1.4,
  customer_exports: 1.2,
};

export const DEFAULT_SCALE_FLOOR: Record<Metric, number> = {
  absent_days: 0.5,
  leave_days: 0.5,
  arrival: 10,
  departure: 10,
  hours: 0.5,
  comms: 3,
  crm: 2,
  moved_out: 1,
  exported: 1,
};

export function resolveAttrition(input: AttritionConfigInput): AttritionConfig {
  const weights = { ...DEFAULT_WEIGHTS };
  for (const f of FEATURES) {
    const w = input.weights[f];
    if (w !== undefined) weights[f] = w;
  }
  const floors = { ...DEFAULT_SCALE_FLOOR };
  for (const m of METRICS) {
    const v = input.scale_floor[m];
    if (v !== undefined) floors[m] = v;
  }
  return { ...input, weights, scale_floor: floors };
}

/**
 * A rule file through the same reader as targets: size cap, linear duplicate-key check, YAML
 * mistakes at their line and column, schema errors as `file:line: field: message`. A missing
 * file means the defaults.
 */
function loadRuleFile<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  if (!existsSync(file)) return schema.parse({});
  return validateSource(readYamlSource(file), schema);
}

export async function loadSignalsConfig(rulesDir: string): Promise<SignalsConfig> {
  const file = join(rulesDir, 'signals.yaml');
  return loadRuleFile(file, SignalsConfigSchema);
}

export async function loadAttritionConfig(rulesDir: string): Promise<AttritionConfig> {
  const file = join(rulesDir, 'attrition.yaml');
  const cfg = resolveAttrition(loadRuleFile(file, AttritionConfigSchema));
  if (cfg.min_history_weeks > cfg.baseline_weeks) {
    throw new RadarError('config', `min_history_weeks (${cfg.min_history_weeks}) exceeds baseline_weeks (${cfg.baseline_weeks})`, { where: file });
  }
  return cfg;
}

export const DEFAULT_SIGNALS: SignalsConfig = SignalsConfigSchema.parse({});
export const DEFAULT_ATTRITION: AttritionConfig = resolveAttrition(AttritionConfigSchema.parse({}));
