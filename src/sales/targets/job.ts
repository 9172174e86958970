/**
 * Tiered targets and attainment, as the CLI (`radar targets ...`), the demo and the weekly job run
 * them: read the collections export → attainment at four levels and forecasts → one digest per
 * head, plus an alert when a unit turns red or its forecast falls below its target. Proposals
 * (`radar targets propose`) tier the regions and suggest next year's targets with reasons.
 */
import { resolve } from 'node:path';
import type { Alert } from '../../alerts/model.js';
import type { OwnersRules } from '../../config/rules-schema.js';
import { RadarError } from '../../core/errors.js';
import { dayInZone, isoWeek } from '../../signals/dates.js';
import type { OrgDirectory } from '../../signals/rows.js';
import type { BadRow } from '../../signals/table.js';
import type { Pseudonymizer } from '../../signals/weekly.js';
import { collectionsLedger, type Ledger, type TracedRow } from '../collections.js';
import { importSources, type SourceReport } from '../imports.js';
import { type Month, monthOf, monthRange } from '../months.js';
import type { Band } from '../rulefile.js';
import { pseudonymizer, readState, writeState } from '../state.js';
import { type AttainmentView, baseMonths, computeAttainment, type Unit } from './attainment.js';
import { loadTargetsConfig, type TargetsConfig } from './config.js';
import type { AttainmentAlertPayload, AttainmentPayload, UnitLine } from './payloads.js';
import { type Proposal, propose } from './tiering.js';

export interface TargetsOptions {
  rulesDir: string;
  stateDir: string;
  now: Date;
  /** Folder with the exports (default: inputs_dir of rules/targets.yaml, relative to the working folder). */
  samplesDir?: string;
  owners: OwnersRules;
  /** Only digests and alerts for these addresses (the demo, `--to`). */
  only?: string[];
}

export interface TargetsData {
  cfg: TargetsConfig;
  ledger: Ledger;
  org: OrgDirectory;
  pseudo: Pseudonymizer;
  badRows: BadRow[];
  reports: SourceReport[];
  /** Yesterday in the configured zone: rows after it are not counted yet. */
  today: number;
}

export async function loadTargetsData(o: Pick<TargetsOptions, 'rulesDir' | 'stateDir' | 'now' | 'samplesDir'>, trace?: (pid: string | null, region: string, team: string) => boolean): Promise<TargetsData> {
  const cfg = loadTargetsConfig(o.rulesDir);
  const pseudo = await pseudonymizer(o.stateDir);
  const today = dayInZone(o.now, cfg.timezone);
  const builder = collectionsLedger({ until: today - 1, ...(trace ? { trace } : {}) });
  const r = await importSources({
    sources: cfg.sources,
    inputsDir: o.samplesDir ?? resolve(cfg.inputs_dir),
    pseudo,
    handlers: { 'erp-collections': builder.handler },
    mapHint: 'map the columns under sources: in rules/targets.yaml',
    badRowsListed: cfg.bad_rows_listed,
  });
  return { cfg, ledger: builder.finish(r), org: r.org, pseudo, badRows: r.badRows, reports: r.reports, today };
}

/** Attainment as of the last day the collections export covers (at most yesterday). */
export function attainmentOf(d: TargetsData): AttainmentView {
  if (!d.ledger.span) throw new RadarError('import', 'the collections export has no rows up to yesterday: nothing to measure', { where: d.cfg.file });
  return computeAttainment({ ledger: d.ledger, org: d.org, pseudo: d.pseudo, cfg: d.cfg, asOfDay: d.ledger.span.last });
}

export async function showTargets(o: TargetsOptions): Promise<{ data: TargetsData; view: AttainmentView }> {
  const data = await loadTargetsData(o);
  return { data, view: attainmentOf(data) };
}

// ---------------------------------------------------------------------------------------------
// Proposals

export interface ProposalReport {
  year: number;
  months: Month[];
  note: string | null;
  proposals: Proposal[];
  /** The targets in force for the year, when rules/targets.yaml has them (元). */
  inForce: Map<string, number>;
}

/** Tiers and proposed targets for a fiscal year (default: the next one), from the history months before it or the latest ones. */
export async function proposeTargets(o: TargetsOptions, year?: number): Promise<{ data: TargetsData; report: ProposalReport }> {
  const data = await loadTargetsData(o);
  const { cfg, ledger } = data;
  if (!ledger.span) throw new RadarError('import', 'the collections export has no rows: nothing to tier', { where: cfg.file });
  const asOf = ledger.span.last;
  const y = year ?? fiscalYearAfter(monthOf(asOf), cfg.fiscal_year_start);
  const base = baseMonths(ledger, cfg, y, asOf);
  const set = new Set(base.months);
  const byRegion = new Map<string, number>();
  for (const c of ledger.cells.values()) if (set.has(c.month)) byRegion.set(c.region, (byRegion.get(c.region) ?? 0) + c.amount);
  const factor = cfg.unit === '万元' ? 1e4 : 1;
  const inForce = new Map(Object.entries(cfg.targets[String(y)]?.regions ?? {}).map(([r, v]) => [r, v * factor]));
  return { data, report: { year: y, months: base.months, note: base.note, proposals: propose(byRegion, cfg.tiers, cfg.growth_pick, cfg.adjustments), inForce } };
}

function fiscalYearAfter(m: Month, start: number): number {
  const [y, mo] = [Number(m.slice(0, 4)), Number(m.slice(5, 7))];
  return (mo >= start ? y : y - 1) + 1;
}

// ---------------------------------------------------------------------------------------------
// Digests and alerts

interface Head {
  email: string;
  name?: string;
  units: Set<string>;
}

const sameRegion = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Who heads what: group heads, region owners (rules/owners.yaml and targets.yaml), team managers (org export). */
export function headsOf(view: AttainmentView, data: TargetsData, owners: OwnersRules): Map<string, Head> {
  const heads = new Map<string, Head>();
  const add = (email: string, key: string, name?: string): void => {
    const e = email.toLowerCase();
    const h = heads.get(e) ?? { email: e, units: new Set<string>(), ...(name ? { name } : {}) };
    h.units.add(key);
    heads.set(e, h);
  };
  for (const e of data.cfg.digest.group) add(e, 'group');
  for (const u of view.units.values()) {
    if (u.level === 'region') {
      for (const [id, r] of Object.entries(owners.regions)) {
        if ([id, r.name, r.name_en].some((n) => n !== undefined && sameRegion(n, u.name))) for (const e of r.owners) add(e, u.key);
      }
      for (const [name, emails] of Object.entries(data.cfg.digest.regions)) if (sameRegion(name, u.name)) for (const e of emails) add(e, u.key);
    }
    if (u.level === 'team' && data.cfg.digest.team_managers) {
      for (const k of u.children) {
        const p = data.org.people.get(view.units.get(k)!.pid!);
        if (p?.managerEmail) add(p.managerEmail, u.key, p.managerName);
      }
    }
  }
  // A head of a unit and of one above it reads it once, inside the higher one.
  for (const h of heads.values()) {
    for (const k of [...h.units]) {
      let p = view.units.get(k)!.parent;
      while (p) {
        if (h.units.has(p)) {
          h.units.delete(k);
          break;
        }
        p = view.units.get(p)!.parent;
      }
    }
  }
  return heads;
}

function line(u: Unit, depth: number, turnedRed: boolean): UnitLine {
  return {
    key: u.key,
    level: u.level,
    depth,
    name: u.name,
    annual: u.annual,
    target: u.target,
    actual: u.actual,
    ratio: u.ratio,
    band: u.band,
    gap: u.gap,
    contributors: u.contributors.map(({ name, gap, share }) => ({ name, gap, share })),
    forecast: u.forecast ? { months: u.forecast.months, values: u.forecast.values, targets: u.forecast.targets, sumForecast: u.forecast.sumForecast, sumTarget: u.forecast.sumTarget, below: u.forecast.below } : null,
    turnedRed,
  };
}

/** A unit and everything under it, depth first; people weakest first. */
function subtree(view: AttainmentView, key: string, depth: number, red: (u: Unit) => boolean, out: UnitLine[]): void {
  const u = view.units.get(key)!;
  out.push(line(u, depth, red(u)));
  const kids = u.children.map((k) => view.units.get(k)!);
  if (kids.every((k) => k.level === 'person')) kids.sort((a, b) => (a.ratio ?? Infinity) - (b.ratio ?? Infinity) || a.name.localeCompare(b.name, 'zh-CN'));
  for (const k of kids) subtree(view, k.key, depth + 1, red, out);
}

interface TargetsState {
  version: 1;
  fy: number;
  /** unit key → the colour its heads were last told. */
  bands: Record<string, Band | null>;
  /** unit key → whether its forecast was below target when last told. */
  forecastBelow: Record<string, boolean>;
}

const STATE = 'targets.json';

export interface TargetsJobResult {
  alerts: Alert<AttainmentPayload | AttainmentAlertPayload>[];
  view: AttainmentView;
  data: TargetsData;
  digests: number;
  turnedRed: string[];
  forecastBelow: string[];
  /** Units nobody heads (no owner, no manager email). */
  unheaded: string[];
}

export async function runTargetsJob(o: TargetsOptions): Promise<TargetsJobResult> {
  const data = await loadTargetsData(o);
  const view = attainmentOf(data);
  const cfg = data.cfg;
  const state = await readState<TargetsState>(o.stateDir, STATE, { version: 1, fy: view.fy, bands: {}, forecastBelow: {} });
  const fresh = state.fy !== view.fy;
  const told = fresh ? {} : state.bands;
  const toldBelow = fresh ? {} : state.forecastBelow;
  const turned = (u: Unit): boolean => u.band === 'red' && told[u.key] !== 'red';
  const week = isoWeek(view.asOfDay);
  const nowIso = o.now.toISOString();
  const heads = headsOf(view, data, o.owners);
  const only = o.only?.map((e) => e.toLowerCase());
  const alerts: TargetsJobResult['alerts'] = [];
  const explain = 'radar targets explain <工号|姓名|区域|团队>';
  const headed = new Set<string>();
  for (const h of [...heads.values()].sort((a, b) => a.email.localeCompare(b.email))) {
    const tops = [...h.units].sort();
    const units: UnitLine[] = [];
    for (const k of tops) subtree(view, k, 0, turned, units);
    for (const u of units) headed.add(u.key);
    if (only && !only.includes(h.email)) continue;
    const chartKeys = tops.length === 1 ? view.units.get(tops[0]!)!.children : tops;
    const chart = chartKeys.map((k) => view.units.get(k)!).map((u) => ({ name: u.name, ratio: u.ratio, band: u.band, gap: u.gap }));
    alerts.push({
      id: `attainment:${h.email}:${week}`,
      topic: 'attainment',
      audience: { kind: 'manager', email: h.email, ...(h.name ? { name: h.name } : {}) },
      createdAt: nowIso,
      urgency: 'digest',
      payload: { headEmail: h.email, ...(h.name ? { headName: h.name } : {}), fy: view.fy, period: view.period, from: view.from, asOf: view.asOf, week, bands: { green: cfg.bands.green, yellow: cfg.bands.yellow }, units, chart, notes: view.notes, explain },
    });
    // Alerts for the units this head reads that turned red or whose forecast fell below target.
    for (const u of units) {
      if (u.level === 'person') continue;
      const unit = view.units.get(u.key)!;
      if (cfg.alerts.turned_red && u.turnedRed) {
        alerts.push({ id: `attainment-red:${u.key}:${view.asOf}:${h.email}`, topic: 'attainment-alert', audience: { kind: 'manager', email: h.email }, createdAt: nowIso, urgency: 'digest', payload: { kind: 'red', headEmail: h.email, unit: u, asOf: view.asOf, fy: view.fy, bands: { green: cfg.bands.green, yellow: cfg.bands.yellow }, explain } });
      }
      if (cfg.alerts.forecast_below && unit.forecast?.below && !toldBelow[u.key]) {
        alerts.push({ id: `forecast-below:${u.key}:${monthOf(view.asOfDay)}:${h.email}`, topic: 'attainment-alert', audience: { kind: 'manager', email: h.email }, createdAt: nowIso, urgency: 'digest', payload: { kind: 'forecast', headEmail: h.email, unit: u, asOf: view.asOf, fy: view.fy, bands: { green: cfg.bands.green, yellow: cfg.bands.yellow }, explain } });
      }
    }
  }
  const all = [...view.units.values()];
  const turnedRed = all.filter((u) => u.level !== 'person' && turned(u)).map((u) => u.name);
  const forecastBelow = all.filter((u) => u.forecast?.below && !toldBelow[u.key]).map((u) => u.name);
  // Only a full run (not a digest for one address) changes what heads were told.
  if (!only) {
    await writeState(o.stateDir, STATE, {
      version: 1,
      fy: view.fy,
      bands: Object.fromEntries(all.map((u) => [u.key, u.band])),
      forecastBelow: Object.fromEntries(all.filter((u) => u.forecast).map((u) => [u.key, u.forecast!.below])),
    } satisfies TargetsState);
  }
  return {
    alerts,
    view,
    data,
    digests: alerts.filter((a) => a.topic === 'attainment').length,
    turnedRed,
    forecastBelow,
    unheaded: all.filter((u) => u.level !== 'person' && !headed.has(u.key)).map((u) => u.name),
  };
}

// ---------------------------------------------------------------------------------------------
// Explain

export interface TargetsExplanation {
  unit: Unit;
  view: AttainmentView;
  rows: TracedRow[];
  /** The chain that gives the unit its annual target, top down. */
  chain: Unit[];
  byMonth: { month: Month; amount: number; rows: number; inPeriod: boolean; inBase: boolean }[];
}

/** Every number of a unit's line traced to its rows: a person (工号 or name), a team or a region. */
export async function explainTargets(o: Pick<TargetsOptions, 'rulesDir' | 'stateDir' | 'now' | 'samplesDir'>, who: string): Promise<TargetsExplanation> {
  const first = await loadTargetsData(o);
  const view0 = attainmentOf(first);
  const pid = first.org.find(who);
  const unit0 =
    (pid ? view0.units.get(`person:${pid}`) : undefined) ??
    [...view0.units.values()].find((u) => (u.level === 'region' || u.level === 'team') && u.name === who) ??
    (who === 'group' || who === '集团' ? view0.units.get('group') : undefined);
  if (!unit0) throw new RadarError('usage', `no person (工号 or name), team or region "${who}" in the exports`);
  const keep = (p: string | null, region: string, team: string): boolean =>
    unit0.level === 'group' ? false : unit0.level === 'region' ? region === unit0.region : unit0.level === 'team' ? region === unit0.region && team === unit0.team : p === unit0.pid && region === unit0.region && team === unit0.team;
  const data = unit0.level === 'group' ? first : await loadTargetsData(o, keep);
  const view = unit0.level === 'group' ? view0 : attainmentOf(data);
  const unit = view.units.get(unit0.key)!;
  const chain: Unit[] = [];
  for (let u: Unit | undefined = unit; u; u = u.parent ? view.units.get(u.parent) : undefined) chain.unshift(u);
  const periodMonths = new Set(monthRange(view.from.slice(0, 7), view.asOf.slice(0, 7)));
  const base = new Set(view.baseMonths);
  const months = new Map<Month, { amount: number; rows: number }>();
  for (const c of data.ledger.cells.values()) {
    const k = unit.level === 'group' || keep(c.pid, c.region, c.team);
    if (!k) continue;
    const m = months.get(c.month) ?? { amount: 0, rows: 0 };
    m.amount += c.amount;
    m.rows += c.rows;
    months.set(c.month, m);
  }
  const byMonth = [...months]
    .filter(([m]) => periodMonths.has(m) || base.has(m))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, s]) => ({ month, ...s, inPeriod: periodMonths.has(month), inBase: base.has(month) }));
  return { unit, view, rows: data.ledger.traced, chain, byMonth };
}
