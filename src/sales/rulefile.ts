/**
 * What the three sales rule files share: where the exports are and which ones to read, validated
 * like every other rule file (file:line: field: message, did-you-mean for a misspelt key), plus
 * the checks zod cannot do, reported at their line too.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { displayPath, validateSource } from '../config/load.js';
import { readYamlSource, type YamlSource } from '../config/yaml-source.js';
import { RadarError } from '../core/errors.js';
import { SignalsConfigSchema } from '../signals/config.js';
import { SALES_PRESET_NAMES } from './presets.js';

export const baseShape = {
  timezone: z.string().default('Asia/Shanghai'),
  /** Relative paths in `sources` are read from here (relative to the radar home). */
  inputs_dir: z.string().default('data/samples'),
  sources: SignalsConfigSchema.shape.sources,
  /** Bad rows listed per file with file:line (all are counted). */
  bad_rows_listed: z.number().int().min(0).default(200),
};

export const courseSchema = z.strictObject({ zh: z.string().min(1), en: z.string().min(1), link: z.url().optional() });
export type Course = z.infer<typeof courseSchema>;

/** Bands in percent: green at or above `green`, yellow at or above `yellow`, else red. */
export const bandsSchema = (green: number, yellow: number) =>
  z.strictObject({ green: z.number().min(0).max(1000).default(green), yellow: z.number().min(0).max(1000).default(yellow) }).prefault({});

export type Band = 'green' | 'yellow' | 'red';

export function bandOf(value: number, bands: { green: number; yellow: number }): Band {
  return value >= bands.green ? 'green' : value >= bands.yellow ? 'yellow' : 'red';
}

export interface RuleFile<T> {
  data: T;
  src: YamlSource;
  file: string;
}

export function fail(src: YamlSource, path: PropertyKey[], message: string): never {
  throw new RadarError('config', `${path.map(String).join('.')}: ${message}`, { where: `${displayPath(src.file)}:${src.lineOf(path)}` });
}

/** Reads and validates rules/<name>; `needs` are presets the analyser cannot do without. */
export function readRuleFile<S extends z.ZodType>(rulesDir: string, name: string, schema: S, needs: string[]): RuleFile<z.output<S>> {
  const file = join(rulesDir, name);
  if (!existsSync(file)) throw new RadarError('config', 'file not found', { where: displayPath(file) });
  const src = readYamlSource(file);
  const data = validateSource(src, schema) as z.output<S> & { sources: { preset: string }[]; bands?: { green: number; yellow: number } };
  data.sources.forEach((s, i) => {
    if (!SALES_PRESET_NAMES.includes(s.preset)) fail(src, ['sources', i, 'preset'], `unknown preset "${s.preset}" (known: ${SALES_PRESET_NAMES.join(', ')})`);
  });
  for (const need of needs) {
    if (!data.sources.some((s) => s.preset === need)) fail(src, ['sources'], `needs an export with preset: ${need}`);
  }
  if (data.bands && data.bands.green <= data.bands.yellow) fail(src, ['bands', 'green'], `must be above bands.yellow (${data.bands.yellow})`);
  return { data, src, file };
}
