import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { z } from 'zod';
import { RadarError } from '../core/errors.js';
import { readYamlSource, type YamlSource } from './yaml-source.js';
import { targetSchema, type Target } from './target-schema.js';
import { ownersSchema, priceRulesSchema, type OwnersRules, type PriceRules } from './rules-schema.js';
import { allKinds, kindNames } from '../kinds/registry.js';
import { deliveryRulesSchema, type DeliveryRules } from '../deliver/policy.js';

/** Where a radar installation keeps its config. Tests and the demo point this at their own folders. */
export interface Paths {
  home: string;
  scrapersDir: string;
  rulesDir: string;
  templatesDir: string;
  stateDir: string;
  outboxDir: string;
}

export function resolvePaths(opts: Partial<Paths> = {}, env: NodeJS.ProcessEnv = process.env): Paths {
  const home = opts.home ?? env.RADAR_HOME ?? process.cwd();
  return {
    home,
    scrapersDir: opts.scrapersDir ?? join(home, 'scrapers'),
    rulesDir: opts.rulesDir ?? join(home, 'rules'),
    templatesDir: opts.templatesDir ?? env.RADAR_TEMPLATES_DIR ?? join(home, 'templates'),
    stateDir: opts.stateDir ?? env.RADAR_STATE_DIR ?? join(home, 'data', 'state'),
    outboxDir: opts.outboxDir ?? env.RADAR_OUTBOX_DIR ?? join(home, 'data', 'outbox'),
  };
}

/** Shows a path the way a person typed it: relative to the working directory when shorter. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && rel.length < file.length ? rel : file;
}

/** Validates parsed YAML against a schema; the first issue becomes `file:line: field: message`. */
export function validateSource<S extends z.ZodType>(src: YamlSource, schema: S): z.output<S> {
  const result = schema.safeParse(src.data ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path as PropertyKey[];
  let field = path.map(String).join('.');
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    field = [...path.map(String), key].join('.');
    message = `unknown field (allowed: ${allowedKeys(schema, path).join(', ') || 'see schema'})`;
    return fail(src, [...path, key], field, message);
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) message = 'required field is missing';
  return fail(src, path, field, message);
}

function fail(src: YamlSource, path: PropertyKey[], field: string, message: string): never {
  const where = `${displayPath(src.file)}:${src.lineOf(path)}`;
  throw new RadarError('config', field ? `${field}: ${message}` : message, { where });
}

/** Best effort list of the keys an object schema accepts at `path`, to help fix typos. */
function allowedKeys(schema: z.ZodType, path: PropertyKey[]): string[] {
  let s: unknown = schema;
  for (const seg of [...path, null]) {
    let def = (s as { def?: { type?: string; shape?: Record<string, unknown>; innerType?: unknown; in?: unknown } }).def;
    while (def && (def.type === 'default' || def.type === 'optional' || def.type === 'pipe')) {
      s = def.innerType ?? def.in;
      def = (s as { def?: typeof def }).def;
    }
    if (!def?.shape) return [];
    if (seg === null) return Object.keys(def.shape);
    s = def.shape[String(seg)];
  }
  return [];
}

export interface LoadedTargets {
  targets: Target[];
  errors: RadarError[];
}

/** Loads every `*.yaml` target; a broken file is reported and skipped, the rest still run. */
export function loadTargets(scrapersDir: string): LoadedTargets {
  const targets: Target[] = [];
  const errors: RadarError[] = [];
  if (!existsSync(scrapersDir)) {
    return { targets, errors: [new RadarError('config', 'folder not found', { where: scrapersDir })] };
  }
  const files = readdirSync(scrapersDir).filter((f) => /\.ya?ml$/.test(f)).sort();
  const seen = new Map<string, string>();
  for (const f of files) {
    const file = join(scrapersDir, f);
    try {
      const t = loadTargetFile(file);
      const dup = seen.get(t.id);
      if (dup) throw new RadarError('config', `id: "${t.id}" is already used by ${displayPath(dup)}`, { where: `${displayPath(file)}:1` });
      seen.set(t.id, file);
      targets.push(t);
    } catch (err) {
      errors.push(err instanceof RadarError ? err : new RadarError('config', String(err), { where: displayPath(file), cause: err }));
    }
  }
  return { targets, errors };
}

export function loadTargetFile(file: string): Target {
  const src = readYamlSource(file);
  const parsed = validateSource(src, targetSchema);
  if (!kindNames().includes(parsed.kind)) {
    fail(src, ['kind'], 'kind', `unknown kind "${parsed.kind}" (known: ${kindNames().join(', ')})`);
  }
  if (parsed.fetch.pages && parsed.fetch.next) {
    fail(src, ['fetch', 'next'], 'fetch.next', 'use either pages or next, not both');
  }
  if (parsed.fetch.pages && !parsed.fetch.url.includes('{page}')) {
    fail(src, ['fetch', 'url'], 'fetch.url', 'pages is set, so the URL needs a {page} placeholder');
  }
  return { ...parsed, file };
}

export interface Rules {
  owners: OwnersRules;
  price: PriceRules;
  /** Each kind's own rule file (rules/tenders.yaml → kinds.tender), validated by the kind's schema. */
  kinds?: Record<string, unknown>;
  /** rules/delivery.yaml: windows, cooldown, digest limits, retries, daemon settings. */
  delivery?: DeliveryRules;
}

function loadRuleFile<S extends z.ZodType>(rulesDir: string, name: string, schema: S, required: boolean): z.output<S> {
  const file = join(rulesDir, name);
  if (!existsSync(file)) {
    if (required) throw new RadarError('config', 'file not found', { where: displayPath(file) });
    return schema.parse({});
  }
  return validateSource(readYamlSource(file), schema);
}

export function loadRules(rulesDir: string): Rules {
  return {
    owners: loadRuleFile(rulesDir, 'owners.yaml', ownersSchema, true),
    price: loadRuleFile(rulesDir, 'price.yaml', priceRulesSchema, false),
    delivery: loadRuleFile(rulesDir, 'delivery.yaml', deliveryRulesSchema, false),
    kinds: Object.fromEntries(allKinds().flatMap((k) => (k.rules ? [[k.name, loadRuleFile(rulesDir, k.rules.file, k.rules.schema, false)]] : []))),
  };
}
