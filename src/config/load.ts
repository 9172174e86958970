import { existsSync, readdirSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { z } from 'zod';
import { RadarError } from '../core/errors.js';
import { displayPath, parseYamlSource, readYamlSource, type YamlSource } from './yaml-source.js';
import { closest } from './suggest.js';
import { targetIssues } from './target-checks.js';
import { targetSchema, type Target } from './target-schema.js';
import { ownersSchema, priceRulesSchema, type Rules } from './rules-schema.js';
import { allKinds, getKind, kindNames } from '../kinds/registry.js';
import { deliveryRulesSchema } from './delivery-schema.js';

export type { Rules } from './rules-schema.js';

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

export { displayPath };

/**
 * A config file as the people who edit it know it, whatever folder the agent runs in and however
 * long its home's path: "scrapers/acme.yaml:7", "rules/owners.yaml" (the folder, then the file in
 * it). For mail and notices; a terminal shows displayPath (relative to where the command ran).
 * `where` is a file (absolute, or relative to the working folder) with an optional ":line:column".
 */
export function projectPath(where: string, paths: Pick<Paths, 'scrapersDir' | 'rulesDir'>): string {
  const [, file = where, at = ''] = /^(.*?)((?::\d+)*)$/.exec(where) ?? [];
  const abs = resolve(file);
  for (const dir of [paths.scrapersDir, paths.rulesDir]) {
    const rel = relative(resolve(dir), abs);
    if (rel === '') return `${basename(dir)}${at}`;
    if (!rel.startsWith('..') && !isAbsolute(rel)) return `${basename(dir)}/${rel.split(sep).join('/')}${at}`;
  }
  return where;
}

/** Validates parsed YAML against a schema; the first issue becomes `file:line: field: message`. */
export function validateSource<S extends z.ZodType>(src: YamlSource, schema: S): z.output<S> {
  const r = checkSource(src, schema);
  if (r.ok) return r.data;
  throw r.errors[0]!;
}

/** Every schema issue of a file, each as `file:line: field: message` (a typo'd key also gets a "did you mean"). */
export function checkSource<S extends z.ZodType>(src: YamlSource, schema: S): { ok: true; data: z.output<S> } | { ok: false; errors: RadarError[] } {
  const result = schema.safeParse(src.data ?? {});
  if (result.success) return { ok: true, data: result.data };
  const errors: RadarError[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path as PropertyKey[];
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeys(schema, path);
      for (const key of issue.keys) {
        const near = closest(key, allowed);
        const message = near ? `unknown field; did you mean "${near}"?` : `unknown field (allowed: ${allowed.join(', ') || 'see schema'})`;
        errors.push(issueAt(src, [...path, key], message));
      }
      continue;
    }
    errors.push(issueAt(src, path, issue.code === 'invalid_type' && issue.input === undefined ? 'required field is missing' : issue.message));
  }
  return { ok: false, errors };
}

function issueAt(src: YamlSource, path: readonly PropertyKey[], message: string): RadarError {
  const field = path.map(String).join('.');
  const where = `${displayPath(src.file)}:${src.lineOf(path)}`;
  return new RadarError('config', field ? `${field}: ${message}` : message, { where, ...(field ? { field } : {}) });
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

export interface TargetCheckOptions {
  /** Regions of rules/owners.yaml: a target naming another region is an error (`radar validate`). */
  regions?: readonly string[];
}

/** Loads every `*.yaml` target; a broken file is reported (every problem in it) and skipped, the rest still run. */
export function loadTargets(scrapersDir: string, opts: TargetCheckOptions = {}): LoadedTargets {
  if (!existsSync(scrapersDir)) {
    return { targets: [], errors: [new RadarError('config', 'folder not found', { where: scrapersDir })] };
  }
  const files = readdirSync(scrapersDir).filter((f) => /\.ya?ml$/.test(f)).sort();
  return assembleTargets(files.map((f) => {
    const file = join(scrapersDir, f);
    return { file, check: checkTargetFile(file, opts) };
  }));
}

export type TargetFileCheck = ReturnType<typeof checkTargetFile>;

/** Checked files (in file order) into targets and errors; a second file with a used id is an error, the first keeps it. */
export function assembleTargets(checked: Iterable<{ file: string; check: TargetFileCheck }>): LoadedTargets {
  const targets: Target[] = [];
  const errors: RadarError[] = [];
  const seen = new Map<string, string>();
  for (const { file, check: r } of checked) {
    if (!r.target) {
      errors.push(...r.errors);
      continue;
    }
    const dup = seen.get(r.target.id);
    if (dup) {
      errors.push(new RadarError('config', `id: "${r.target.id}" is already used by ${displayPath(dup)}`, { where: `${displayPath(file)}:${r.idLine}` }));
      continue;
    }
    seen.set(r.target.id, file);
    targets.push(r.target);
  }
  return { targets, errors };
}

/** One target file; throws its first problem. */
export function loadTargetFile(file: string, opts: TargetCheckOptions = {}): Target {
  const r = checkTargetFile(file, opts);
  if (!r.target) throw r.errors[0]!;
  return r.target;
}

/** One target file with every problem it has, so a person fixes them in one go. */
export function checkTargetFile(file: string, opts: TargetCheckOptions = {}): { target: Target | null; errors: RadarError[]; idLine: number } {
  let src: YamlSource;
  try {
    src = readYamlSource(file);
  } catch (err) {
    return { target: null, errors: [err instanceof RadarError ? err : new RadarError('config', String(err), { where: displayPath(file), cause: err })], idLine: 1 };
  }
  return checkTargetSource(src, file, opts);
}

/** A target from text not (yet) on disk, e.g. typed into the console: the same checks, errors naming `file` and the line. */
export function checkTargetText(file: string, text: string, opts: TargetCheckOptions = {}): { target: Target | null; errors: RadarError[]; idLine: number } {
  let src: YamlSource;
  try {
    src = parseYamlSource(file, text);
  } catch (err) {
    return { target: null, errors: [err instanceof RadarError ? err : new RadarError('config', String(err), { where: displayPath(file), cause: err })], idLine: 1 };
  }
  return checkTargetSource(src, file, opts);
}

function checkTargetSource(src: YamlSource, file: string, opts: TargetCheckOptions): { target: Target | null; errors: RadarError[]; idLine: number } {
  const idLine = src.lineOf(['id']);
  const checked = checkSource(src, targetSchema);
  if (!checked.ok) return { target: null, errors: firstProblems(file, checked.errors), idLine };
  const parsed = checked.data;
  const errors: RadarError[] = [];
  const kind = getKind(parsed.kind);
  if (!kind) errors.push(issueAt(src, ['kind'], `unknown kind "${parsed.kind}" (known: ${kindNames().join(', ')})`));
  if (parsed.fetch.pages && parsed.fetch.next) errors.push(issueAt(src, ['fetch', 'next'], 'use either pages or next, not both'));
  if (parsed.fetch.pages && !parsed.fetch.url.includes('{page}')) errors.push(issueAt(src, ['fetch', 'url'], 'pages is set, so the URL needs a {page} placeholder'));
  for (const i of targetIssues(parsed, kind)) errors.push(issueAt(src, i.path, i.message));
  if (opts.regions && !opts.regions.includes(parsed.region)) {
    const near = closest(parsed.region, opts.regions);
    errors.push(
      issueAt(src, ['region'], `"${parsed.region}" has no owners in rules/owners.yaml; ${near ? `did you mean "${near}"?` : `add it under regions: there, or use one of ${opts.regions.join(', ') || '(none defined)'}`}`),
    );
  }
  const line = (e: RadarError): number => Number(/:(\d+)$/.exec(e.where ?? '')?.[1] ?? 0);
  errors.sort((a, b) => line(a) - line(b));
  return errors.length ? { target: null, errors: firstProblems(file, errors), idLine } : { target: { ...parsed, file }, errors: [], idLine };
}

/** Problems shown per file: enough to fix in one go; a file with thousands is the wrong file or one mistake repeated. */
const MAX_PROBLEMS_SHOWN = 20;

/** Stands for the problems of a file that are not listed, so a count of problems stays true. */
export class MoreProblems extends RadarError {
  constructor(
    readonly hidden: number,
    file: string,
  ) {
    super('config', `and ${hidden} more problem${hidden === 1 ? '' : 's'} in this file (the first ${MAX_PROBLEMS_SHOWN} are shown above)`, { where: displayPath(file) });
  }
}

/** How many problems a list of errors stands for. */
export const problemCount = (errors: readonly RadarError[]): number => errors.reduce((n, e) => n + (e instanceof MoreProblems ? e.hidden : 1), 0);

function firstProblems(file: string, errors: RadarError[]): RadarError[] {
  if (errors.length <= MAX_PROBLEMS_SHOWN) return errors;
  return [...errors.slice(0, MAX_PROBLEMS_SHOWN), new MoreProblems(errors.length - MAX_PROBLEMS_SHOWN, file)];
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
