/**
 * The weekly attrition job, as the demo and the scheduler run it:
 * import configured exports -> retention -> score last complete week -> HR alerts.
 * Nothing here sends mail or acts on anyone: alerts go to the outbox (the caller), HR decides.
 */
import { resolve } from 'node:path';
import type { Alert } from '../alerts/model.js';
import { type AttritionPayload, decideAlerts } from './alerts.js';
import { loadAttritionConfig, loadSignalsConfig } from './config.js';
import { dayInZone, dayToIso, weekToScore } from './dates.js';
import type { ImportReport } from './importer.js';
import { importInto, mergedView, resolveSources } from './pipeline.js';
import { scorePopulation, type Skipped } from './scorer.js';
import { dataSpan } from './store.js';
import type { BadRow } from './table.js';
import { RadarError } from '../core/errors.js';

export interface AttritionJobResult {
  alerts: Alert<AttritionPayload>[];
  scored: number;
  skipped: Skipped[];
  badRows: BadRow[];
  /** The ISO week that was scored: `week` if asked, else the last complete week before `now` that the exports cover. */
  week: string;
  /** First and last day of data in the store (ISO dates), or null when it is empty. */
  data: { first: string; last: string } | null;
  imports: ImportReport[];
}

export async function runAttritionJob(opts: { rulesDir: string; stateDir: string; now: Date; samplesDir?: string; week?: string }): Promise<AttritionJobResult> {
  const cfg = await loadSignalsConfig(opts.rulesDir);
  const acfg = await loadAttritionConfig(opts.rulesDir);
  const needed = 7 * (acfg.baseline_weeks + acfg.trend_weeks);
  if (cfg.retention_days < needed) {
    throw new RadarError('config', `retention_days (${cfg.retention_days}) is shorter than the ${needed} days the baselines and trend need (7 x (baseline_weeks + trend_weeks))`, {
      where: resolve(opts.rulesDir, 'signals.yaml'),
    });
  }
  const inputsDir = opts.samplesDir ?? resolve(cfg.inputs_dir);
  const { specs, missing } = await resolveSources(cfg, inputsDir, resolve(opts.rulesDir, 'signals.yaml'));
  const imported = await importInto(opts.stateDir, specs, cfg, opts.now, missing);
  const { merged, directory } = mergedView(imported.store);
  const span = dataSpan(imported.store);
  const week = opts.week ?? weekToScore(dayInZone(opts.now, cfg.timezone), span?.last ?? null);
  const run = scorePopulation({ merged, directory, cfg: acfg, week });
  const alerts = await decideAlerts({ stateDir: opts.stateDir, scored: run.scored, directory, cfg: acfg, now: opts.now });
  return {
    alerts,
    scored: run.scored.length,
    skipped: run.skipped,
    badRows: imported.badRows,
    week,
    data: span ? { first: dayToIso(span.first), last: dayToIso(span.last) } : null,
    imports: imported.reports,
  };
}
