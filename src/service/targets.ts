/**
 * Targets as people manage them: list with health, read, create / update / delete as YAML (or a
 * JSON object, written out as YAML), pause, try, run now, and each target's runs, items and item
 * history. Files in scrapers/ stay the truth: the daemon reloads them when they change, and the
 * CLI reads the same files. Every save is validated exactly as `radar validate` does, with the
 * same file:line: field errors, and carries the ETag of the version it edits, so two editors
 * never overwrite each other.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, parseDocument, stringify } from 'yaml';
import { checkTargetText, displayPath, loadRules, loadTargets, type Rules } from '../config/load.js';
import type { Target } from '../config/target-schema.js';
import { RadarError } from '../core/errors.js';
import type { Failure } from '../core/verdict.js';
import { getKind } from '../kinds/registry.js';
import { targetHealth, type TargetHealth } from '../pipeline/health.js';
import { writeFileAtomic } from '../store/atomic.js';
import { readRunLog, type RunRecord } from '../store/runlog.js';
import { readSnapshot, readSnapshotHeader, type HistoryPoint } from '../store/snapshot.js';
import { inRegion, notFound, requireAction, type Principal } from './access.js';
import { recordChange } from './audit.js';
import type { RunOutcome, ServiceContext } from './context.js';
import { columnsFor, tryScrape, type TryResult } from './try.js';

export interface TargetSummary {
  id: string;
  kind: string;
  competitor: string;
  region: string;
  enabled: boolean;
  mode: string;
  url: string;
  schedule: string;
  file: string;
  health: TargetHealth;
  /** What to do about the failure, in a few words (the README's table). */
  advice: string | null;
}

export interface TargetDetail {
  target: TargetSummary;
  yaml: string;
  etag: string;
  runs: RunRecord[];
  columns: string[];
  items: { key: string; data: Record<string, unknown>; firstSeen: string; lastSeen: string; points: number }[];
  itemCount: number;
}

/** The README's failure table, short: what sales ops should do about each class. */
const ADVICE: Record<string, string> = {
  network: 'usually passes; check the site opens',
  timeout: 'slow site: raise fetch.timeout_ms; else the page changed',
  blocked: 'slower schedule, a json API, mode: browser, cookies, or ask the site',
  login_wall: 'the session cookie expired: refresh the env var behind cookies',
  robots: 'robots.txt forbids it: leave it, or fetch.ignore_robots if you may',
  layout_changed: 'the site changed: fix the selectors and Try',
  step_failed: 'a browser step failed: fix its selector (or close what covers it) and Try',
  empty: 'nothing matched: check items.each with Try',
  parse_error: 'check the price field or the API',
  too_large: 'check the URL',
  redirect_loop: 'check the URL',
  browser_missing: 'install chromium or set RADAR_CHROMIUM',
};

export function adviceFor(failureClass: string | null): string | null {
  if (!failureClass) return null;
  if (failureClass === 'http_404') return 'the page moved: fix the URL';
  if (failureClass === 'http_429' || failureClass === 'http_503') return 'too fast or down: raise fetch.min_interval_ms';
  if (failureClass.startsWith('http_')) return 'the site answered an error; check the URL';
  return ADVICE[failureClass] ?? null;
}

export function etagOf(text: string | Buffer): string {
  return `"${createHash('sha256').update(text).digest('hex').slice(0, 20)}"`;
}

function rulesOf(ctx: ServiceContext): Rules {
  return loadRules(ctx.paths.rulesDir);
}

function summary(ctx: ServiceContext, t: Target, tz: string): TargetSummary {
  const snap = readSnapshotHeader(ctx.paths.stateDir, t.id);
  const health = targetHealth(t, readRunLog(ctx.paths.stateDir, t.id), snap?.lastGoodCount ?? null, ctx.now(), tz);
  return {
    id: t.id,
    kind: t.kind,
    competitor: t.competitor,
    region: t.region,
    enabled: t.enabled,
    mode: t.fetch.mode,
    url: t.fetch.url,
    schedule: t.schedule,
    file: displayPath(t.file),
    health,
    advice: health.status === 'failing' ? adviceFor(health.failureClass) : null,
  };
}

function findTarget(ctx: ServiceContext, who: Principal, id: string): Target {
  const t = loadTargets(ctx.paths.scrapersDir).targets.find((x) => x.id === id);
  // Outside a head's regions is the same answer as not there at all.
  if (!t || !inRegion(who, t.region)) throw notFound(`target "${id}"`);
  return t;
}

export function listTargets(ctx: ServiceContext, who: Principal | null, filter: { region?: string; status?: string; q?: string } = {}): { timeZone: string; targets: TargetSummary[]; configErrors: string[] } {
  requireAction(who, 'targets.read');
  const tz = rulesOf(ctx).owners.time_zone;
  const loaded = loadTargets(ctx.paths.scrapersDir);
  const q = filter.q?.toLowerCase();
  const targets = loaded.targets
    .filter((t) => inRegion(who, t.region) && (!filter.region || t.region === filter.region))
    .filter((t) => !q || [t.id, t.competitor, t.fetch.url].some((s) => s.toLowerCase().includes(q)))
    .map((t) => summary(ctx, t, tz))
    .filter((s) => !filter.status || s.health.status === filter.status);
  // Broken files are news for those who fix them, not for regional heads.
  const configErrors = who.role === 'head' ? [] : loaded.errors.map((e) => e.toLine());
  return { timeZone: tz, targets, configErrors };
}

export function getTarget(ctx: ServiceContext, who: Principal | null, id: string, opts: { itemLimit?: number; q?: string } = {}): TargetDetail {
  requireAction(who, 'targets.read');
  const t = findTarget(ctx, who, id);
  const text = readFileSync(t.file);
  const snap = readSnapshot(ctx.paths.stateDir, t.id);
  const log = readRunLog(ctx.paths.stateDir, t.id);
  const all = snap ? [...snap.items.values()] : [];
  const q = opts.q?.toLowerCase();
  const hits = q ? all.filter((i) => i.key.toLowerCase().includes(q) || Object.values(i.data).some((v) => typeof v === 'string' && v.toLowerCase().includes(q))) : all;
  const cols = getKind(t.kind)?.columns?.slice() ?? columnsFor(t, all.slice(0, 50));
  return {
    target: summary(ctx, t, rulesOf(ctx).owners.time_zone),
    yaml: text.toString('utf8'),
    etag: etagOf(text),
    runs: log.runs.slice(-50).reverse(),
    columns: cols,
    items: hits.slice(0, opts.itemLimit ?? 200).map((i) => ({ key: i.key, data: i.data, firstSeen: i.firstSeen, lastSeen: i.lastSeen, points: snap?.history.get(i.key)?.length ?? 0 })),
    itemCount: hits.length,
  };
}

export function getRuns(ctx: ServiceContext, who: Principal | null, id: string): { runs: RunRecord[]; lastFailure: Failure | null; failingSince: string | null } {
  requireAction(who, 'targets.read');
  const t = findTarget(ctx, who, id);
  const log = readRunLog(ctx.paths.stateDir, t.id);
  return { runs: log.runs.slice().reverse(), lastFailure: log.lastFailure, failingSince: log.failingSince };
}

export function itemHistory(ctx: ServiceContext, who: Principal | null, id: string, key: string): { key: string; item: Record<string, unknown> | null; history: HistoryPoint[] } {
  requireAction(who, 'targets.read');
  const t = findTarget(ctx, who, id);
  const snap = readSnapshot(ctx.paths.stateDir, t.id);
  const item = snap?.items.get(key);
  const series = snap?.history.get(key);
  if (!item && !series) throw notFound(`item "${key}" in target "${id}"`);
  // Field by field: a stored item's data is a getter (it is parsed when first read), which a spread would drop.
  return { key, item: item ? { key: item.key, data: item.data, firstSeen: item.firstSeen, lastSeen: item.lastSeen, missingRuns: item.missingRuns } : null, history: series ?? [] };
}

/** YAML text from what the caller sent: YAML as is, a JSON object written out as YAML. */
export type TargetSource = { yaml: string } | { target: Record<string, unknown> };

function textOf(src: TargetSource): string {
  if ('yaml' in src) return src.yaml;
  return stringify(src.target, { lineWidth: 0 });
}

/**
 * Validates as `radar validate` does: schema, kind, pagination, schedule, selectors, field names
 * and the region's owners. Errors name the file it will be saved as, the line and the field.
 */
export function validateTargetText(ctx: ServiceContext, text: string, file: string): Target {
  if (Buffer.byteLength(text) > 256 * 1024) throw new RadarError('invalid', 'a target file is at most 256 KB', { where: displayPath(file) });
  const rules = rulesOf(ctx);
  const r = checkTargetText(file, text, { regions: Object.keys(rules.owners.regions) });
  if (!r.target) throw r.errors[0] ?? new RadarError('config', 'invalid target', { where: displayPath(file) });
  return r.target;
}

/** Checks a target without saving it: the console's and the API's "validate" button. */
export function checkTarget(ctx: ServiceContext, who: Principal | null, src: TargetSource): { ok: true; id: string } {
  requireAction(who, 'targets.write');
  const text = textOf(src);
  const t = validateTargetText(ctx, text, join(ctx.paths.scrapersDir, `${idGuess(text) ?? 'new-target'}.yaml`));
  return { ok: true, id: t.id };
}

function idGuess(text: string): string | null {
  try {
    const doc = parseDocument(text);
    const id = isMap(doc.contents) ? doc.get('id') : null;
    return typeof id === 'string' && /^[a-z0-9][a-z0-9._-]*$/.test(id) ? id : null;
  } catch {
    return null;
  }
}

export function createTarget(ctx: ServiceContext, who: Principal | null, src: TargetSource): TargetDetail {
  requireAction(who, 'targets.write');
  const text = textOf(src);
  const id = idGuess(text);
  const file = join(ctx.paths.scrapersDir, `${id ?? 'new-target'}.yaml`);
  const t = validateTargetText(ctx, text, file);
  const existing = loadTargets(ctx.paths.scrapersDir).targets.find((x) => x.id === t.id);
  if (existing) throw new RadarError('conflict', `id: "${t.id}" is already used by ${displayPath(existing.file)}`, { field: 'id' });
  if (existsSync(file) || existsSync(file.replace(/\.yaml$/, '.yml'))) throw new RadarError('conflict', `${displayPath(file)} already exists`, { field: 'id' });
  writeFileAtomic(file, text.endsWith('\n') ? text : text + '\n');
  recordChange(ctx, who, 'target.create', t.id, { file: displayPath(file), region: t.region });
  return getTarget(ctx, who, t.id);
}

/** Replaces a target's file. `etag` must be the version the editor started from (else conflict). */
export function updateTarget(ctx: ServiceContext, who: Principal | null, id: string, src: TargetSource, etag: string | null): TargetDetail {
  requireAction(who, 'targets.write');
  const t = findTarget(ctx, who, id);
  const current = readFileSync(t.file);
  requireFresh(etag, current, id);
  const text = textOf(src);
  const next = validateTargetText(ctx, text, t.file);
  if (next.id !== id) throw new RadarError('invalid', `id: a target keeps its id ("${id}"); create a new target instead`, { field: 'id' });
  writeFileAtomic(t.file, text.endsWith('\n') ? text : text + '\n');
  recordChange(ctx, who, 'target.update', id, { file: displayPath(t.file), from: etagOf(current), to: etagOf(text.endsWith('\n') ? text : text + '\n') });
  return getTarget(ctx, who, id);
}

function requireFresh(etag: string | null, current: Buffer, id: string): void {
  if (etag === null) throw new RadarError('conflict', `send the version you edit (If-Match: ETag of target "${id}"), so nobody's change is lost`, { field: 'etag' });
  if (etag !== '*' && etag !== etagOf(current)) throw new RadarError('conflict', `target "${id}" was changed by someone else since you opened it; reload, then apply your change again`, { field: 'etag' });
}

export function deleteTarget(ctx: ServiceContext, who: Principal | null, id: string, etag: string | null): void {
  requireAction(who, 'targets.write');
  const t = findTarget(ctx, who, id);
  requireFresh(etag, readFileSync(t.file), id);
  unlinkSync(t.file);
  // Snapshot and run log stay in the state folder: history is not lost by removing a file.
  recordChange(ctx, who, 'target.delete', id, { file: displayPath(t.file) });
}

/** Pause or resume: sets `enabled:` in the file, keeping its comments and layout. */
export function setEnabled(ctx: ServiceContext, who: Principal | null, id: string, enabled: boolean): TargetDetail {
  requireAction(who, 'targets.write');
  const t = findTarget(ctx, who, id);
  const doc = parseDocument(readFileSync(t.file, 'utf8'));
  if (enabled) doc.delete('enabled');
  else doc.set('enabled', false);
  const text = doc.toString({ lineWidth: 0 });
  validateTargetText(ctx, text, t.file);
  writeFileAtomic(t.file, text);
  recordChange(ctx, who, enabled ? 'target.resume' : 'target.pause', id);
  return getTarget(ctx, who, id);
}

/** Fetches a saved target (by id) or an unsaved one (YAML from an editor), storing nothing. */
export async function tryTarget(ctx: ServiceContext, who: Principal | null, ref: { id: string } | TargetSource): Promise<TryResult> {
  requireAction(who, 'targets.write');
  let target: Target;
  if ('id' in ref) target = findTarget(ctx, who, ref.id);
  else {
    const text = textOf(ref);
    target = validateTargetText(ctx, text, join(ctx.paths.scrapersDir, `${idGuess(text) ?? 'new-target'}.yaml`));
  }
  return tryScrape(target, ctx.paths, rulesOf(ctx), ctx.now());
}

/** Runs a target now: the daemon queues it, or (no daemon) it runs here and its alerts go out. */
export async function runTargetNow(ctx: ServiceContext, who: Principal | null, id: string): Promise<RunOutcome> {
  requireAction(who, 'targets.run');
  const t = findTarget(ctx, who, id);
  if (!t.enabled) throw new RadarError('conflict', `target "${id}" is paused; resume it first`);
  recordChange(ctx, who, 'target.run', id);
  return ctx.runner.run([id]);
}

/** A starting point for the "new target" form: the same YAML a person would write. */
export function targetYaml(fields: {
  id: string;
  kind?: string;
  competitor: string;
  region: string;
  url: string;
  mode?: string;
  schedule?: string;
  each?: string;
  key?: string;
  name?: string;
  price?: string;
  link?: string;
  stock?: string;
  /** Further pages: a next-link selector, or a `pages` range (then `url` holds `{page}`). */
  next?: string;
  pages?: string;
  /** Browser steps as a person writes them (the builder's recorder); they need mode: browser. */
  steps?: Record<string, unknown>[];
}): string {
  const t: Record<string, unknown> = {
    id: fields.id,
    kind: fields.kind || 'price',
    competitor: fields.competitor,
    region: fields.region,
    schedule: fields.schedule || '0 8 * * *',
    fetch: { url: fields.url, ...(fields.pages ? { pages: fields.pages } : fields.next ? { next: fields.next } : {}), ...(fields.mode && fields.mode !== 'http' ? { mode: fields.mode } : {}), ...(fields.steps?.length ? { steps: fields.steps } : {}) },
  };
  if (fields.each) {
    const f: Record<string, string> = {};
    if (fields.name) f.name = fields.name;
    if (fields.price) f.price = fields.price;
    if (fields.link) f.url = fields.link;
    if (fields.stock) f.stock = fields.stock;
    t.items = { each: fields.each, ...(fields.key ? { key: fields.key } : {}), fields: f };
  }
  return stringify(t, { lineWidth: 0 });
}
