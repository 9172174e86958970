/**
 * Attrition alerts: deciding which scores become alerts, the HR review state (open / acked),
 * and the audit trail. Attrition alerts have exactly one audience, HR; the guards here make a
 * mis-routed alert fail loudly instead of reaching a manager.
 *
 * Life of an alert for one person:
 *   score >= threshold            -> open alert `attrition:<pid>:<week>` (one per week while high)
 *   HR acks it                    -> quiet while the score stays below acked score + ack_quiet_delta
 *   score rises by that much      -> a new open alert
 *   score falls below threshold   -> an acked episode ends (the next crossing alerts again);
 *                                    an open, unreviewed alert stays open until HR acks it
 */
import { join } from 'node:path';
import type { Alert, Audience } from '../alerts/model.js';
import type { AttritionConfig } from './config.js';
import type { ScoredPerson } from './scorer.js';
import { round1 } from './scorer.js';
import { appendAudit, type AuditEvent, loadKey, loadStore, readAudit, readJson, signalsDir, writeJsonAtomic } from './store.js';
import { type Directory, Pseudonymizer } from './weekly.js';
import { RadarError } from '../core/errors.js';

export interface AttritionDriver {
  feature: string;
  text_zh: string;
  text_en: string;
  contribution: number;
}

/** What the HR digest template renders. The name is here because only HR receives it; it never goes to logs. */
export interface AttritionPayload {
  personId: string;
  name: string;
  department: string;
  score: number;
  trend: number[];
  drivers: AttritionDriver[];
  week: string;
  /**
   * Where the score stands among everyone scored that week: the share (0..100) scoring lower,
   * and how many were scored. A bare "100" read as certainty; "98th percentile of 60" does not.
   * Absent on alerts raised before it was recorded.
   */
  percentile?: number;
  scoredCount?: number;
}

export interface AckInfo {
  by: string;
  at: string;
  note: string;
  score: number;
  alertId: string;
}

export interface AlertRecord {
  alertId: string;
  personId: string;
  week: string;
  status: 'open' | 'acked';
  /** Score when the alert was raised. */
  score: number;
  /** Latest weekly score seen, even while quiet. */
  lastScore: number;
  lastWeek: string;
  raisedAt: string;
  payload: AttritionPayload;
  ack?: AckInfo;
  /** Last week a score was held back by the ack. */
  quietWeek?: string;
}

export interface AlertState {
  version: 1;
  people: Record<string, AlertRecord>;
}

const stateFile = (stateDir: string): string => join(signalsDir(stateDir), 'alerts.json');

export async function loadAlertState(stateDir: string): Promise<AlertState> {
  return readJson<AlertState>(stateFile(stateDir), { version: 1, people: {} });
}

export async function saveAlertState(stateDir: string, s: AlertState): Promise<void> {
  await writeJsonAtomic(stateFile(stateDir), s);
}

export const HR_AUDIENCE: Audience = { kind: 'hr' };

export function alertId(pid: string, week: string): string {
  return `attrition:${pid}:${week}`;
}

export function payloadFor(p: ScoredPerson, dir: Directory, standing?: { percentile: number; scoredCount: number }): AttritionPayload {
  const info = dir.people.get(p.pid);
  return {
    ...standing,
    personId: p.pid,
    name: info?.name ?? p.pid,
    department: info?.department ?? '',
    score: round1(p.score),
    trend: p.trend,
    drivers: p.drivers.map((d) => ({ feature: d.feature, text_zh: d.text_zh, text_en: d.text_en, contribution: Math.round(d.contribution * 1000) / 1000 })),
    week: p.week,
  };
}

/**
 * Turns this week's scores into alerts, updating the review state and the audit log.
 * Re-running the same week yields the same alert ids and writes no duplicate audit lines.
 */
export async function decideAlerts(opts: {
  stateDir: string;
  scored: ScoredPerson[];
  directory: Directory;
  cfg: AttritionConfig;
  now: Date;
}): Promise<Alert<AttritionPayload>[]> {
  const { stateDir, scored, directory, cfg, now } = opts;
  const state = await loadAlertState(stateDir);
  const alerts: Alert<AttritionPayload>[] = [];
  const scores = scored.map((x) => round1(x.score));
  const standing = (score: number) => ({ percentile: Math.floor((100 * scores.filter((x) => x < score).length) / scores.length), scoredCount: scores.length });
  for (const p of scored) {
    const score = round1(p.score);
    const rec = state.people[p.pid];
    if (score < cfg.threshold) {
      if (rec) {
        rec.lastScore = score;
        rec.lastWeek = p.week;
        if (rec.status === 'acked') delete state.people[p.pid];
      }
      continue;
    }
    if (rec?.status === 'acked' && rec.ack && score < rec.ack.score + cfg.ack_quiet_delta) {
      // One audit line per person and week held back, however often the job reruns.
      if (rec.quietWeek !== p.week) await appendAudit(stateDir, now, { event: 'quiet', alertId: rec.alertId, personId: p.pid, score, ackedScore: rec.ack.score });
      rec.quietWeek = p.week;
      rec.lastScore = score;
      rec.lastWeek = p.week;
      continue;
    }
    const id = alertId(p.pid, p.week);
    const payload = payloadFor(p, directory, standing(score));
    if (rec?.alertId !== id) {
      await appendAudit(stateDir, now, { event: 'alert', alertId: id, personId: p.pid, score, week: p.week });
    }
    state.people[p.pid] = {
      alertId: id,
      personId: p.pid,
      week: p.week,
      status: 'open',
      score,
      lastScore: score,
      lastWeek: p.week,
      raisedAt: rec?.alertId === id ? rec.raisedAt : now.toISOString(),
      payload,
      ...(rec?.ack ? { ack: rec.ack } : {}),
    };
    alerts.push({ id, topic: 'attrition', audience: HR_AUDIENCE, createdAt: now.toISOString(), urgency: 'digest', payload });
  }
  await saveAlertState(stateDir, state);
  return alerts;
}

export interface ReviewedAlert {
  alertId: string;
  personId: string;
  ack: { by: string; at: string; note: string; score: number };
  /** Where the person stands now: still quiet after the ack, alerted again since, or the episode is over (score fell below the threshold). */
  now: 'quiet' | 'alerted again' | 'ended';
  lastScore: number | null;
  lastWeek: string | null;
  name: string | null;
  department: string | null;
}

/** Every acknowledgement from the audit log, newest first, with where the person stands now; the listing is audited. */
export async function listReviewedAlerts(stateDir: string, by: string, at: Date): Promise<ReviewedAlert[]> {
  const state = await loadAlertState(stateDir);
  const directory = (await loadStore(stateDir)).directory;
  const acks = (await readAudit(stateDir)).filter((e): e is { at: string } & Extract<AuditEvent, { event: 'ack' }> => e.event === 'ack');
  const out = acks.reverse().map((e): ReviewedAlert => {
    const rec = state.people[e.personId];
    const now = !rec ? 'ended' : rec.status === 'acked' && rec.ack?.at === e.at ? 'quiet' : 'alerted again';
    return {
      alertId: e.alertId,
      personId: e.personId,
      ack: { by: e.by, at: e.at, note: e.note, score: e.score },
      now,
      lastScore: rec?.lastScore ?? null,
      lastWeek: rec?.lastWeek ?? null,
      name: directory[e.personId]?.name ?? rec?.payload.name ?? null,
      department: directory[e.personId]?.department ?? rec?.payload.department ?? null,
    };
  });
  await appendAudit(stateDir, at, { event: 'listed', by, alertIds: out.map((r) => r.alertId) });
  return out;
}

/** Open alerts, highest score first; the listing itself is audited (who looked, when). */
export async function listOpenAlerts(stateDir: string, by: string, at: Date): Promise<AlertRecord[]> {
  const state = await loadAlertState(stateDir);
  const open = Object.values(state.people)
    .filter((r) => r.status === 'open')
    .sort((a, b) => b.lastScore - a.lastScore);
  await appendAudit(stateDir, at, { event: 'listed', by, alertIds: open.map((r) => r.alertId) });
  return open;
}

/**
 * The alert HR means by `who`: an alert id, a pseudonymous id, an employee number (工号) or a
 * name. HR knows people by name and number, not by the ids the logs use.
 */
export async function findAlertRecord(stateDir: string, state: AlertState, who: string): Promise<AlertRecord> {
  const records = Object.values(state.people);
  const byId = records.find((r) => r.alertId === who || r.personId === who);
  if (byId) return byId;
  const key = who.trim();
  // An employee number hashes to the person's pseudonymous id with the installation's key.
  const pid = new Pseudonymizer(await loadKey(stateDir)).id(key);
  const byNumber = state.people[pid];
  if (byNumber) return byNumber;
  const directory = (await loadStore(stateDir)).directory;
  const named = records.filter((r) => (directory[r.personId]?.name ?? r.payload.name) === key);
  if (named.length === 1) return named[0]!;
  if (named.length > 1) {
    const list = named.map((r) => `${r.alertId}${r.payload.department ? ` (${r.payload.department})` : ''}`).join(', ');
    throw new RadarError('usage', `${named.length} people called ${key} have attrition alerts: ${list}; ack one by its alert id or employee number`);
  }
  const known = Object.values(directory).some((p) => p.name === key) || directory[pid] !== undefined;
  throw new RadarError('usage', known ? `${key} has no attrition alert (see: radar signals alerts)` : `no attrition alert for "${key}": not an alert id, employee number or name that has one (see: radar signals alerts)`);
}

/** Marks an alert reviewed. `id` is an alert id, a pseudonymous id, an employee number or a name. */
export async function ackAlert(stateDir: string, id: string, opts: { by: string; note: string; at: Date }): Promise<AlertRecord> {
  const state = await loadAlertState(stateDir);
  const rec = await findAlertRecord(stateDir, state, id);
  if (rec.status === 'acked' && rec.ack?.alertId === rec.alertId) throw new RadarError('usage', `${rec.alertId} was already acknowledged by ${rec.ack.by} at ${rec.ack.at}`);
  rec.status = 'acked';
  rec.ack = { by: opts.by, at: opts.at.toISOString(), note: opts.note, score: rec.lastScore, alertId: rec.alertId };
  await saveAlertState(stateDir, state);
  await appendAudit(stateDir, opts.at, { event: 'ack', alertId: rec.alertId, personId: rec.personId, by: opts.by, note: opts.note, score: rec.lastScore });
  return rec;
}

/**
 * The only addresses an attrition alert may go to: the HR list from rules/owners.yaml.
 * Throws for an attrition alert with any other audience, so a routing bug cannot leak it.
 */
export function attritionRecipients(alert: Pick<Alert, 'id' | 'topic' | 'audience'>, owners: { hr?: readonly string[] }): string[] {
  if (alert.topic !== 'attrition') throw new RadarError('internal', `not an attrition alert: ${alert.id}`);
  if (alert.audience.kind !== 'hr') throw new RadarError('deliver', `attrition alert ${alert.id} has audience ${alert.audience.kind}; only hr may receive it`);
  const hr = [...(owners.hr ?? [])];
  if (hr.length === 0) throw new RadarError('config', 'no hr recipients in rules/owners.yaml; attrition alerts are never sent elsewhere');
  return hr;
}

/** Throws unless every recipient is on the HR list (case-insensitive). */
export function assertHrOnly(alertIdValue: string, recipients: readonly string[], hr: readonly string[]): void {
  const ok = new Set(hr.map((a) => a.trim().toLowerCase()));
  const stray = recipients.filter((r) => !ok.has(r.trim().toLowerCase()));
  if (stray.length > 0) throw new RadarError('deliver', `attrition alert ${alertIdValue} addressed to ${stray.length} non-HR recipient(s); refused`);
}

/**
 * Records that an alert was accepted for delivery: who received which person's score, when.
 * Call it after the mail server accepted the message. With `hr`, non-HR recipients are refused
 * before anything is written.
 */
export async function recordDelivery(stateDir: string, d: { alertId: string; recipients: readonly string[]; at: Date; hr?: readonly string[] }): Promise<void> {
  if (d.hr) assertHrOnly(d.alertId, d.recipients, d.hr);
  const m = /^attrition:([^:]+):/.exec(d.alertId);
  if (!m) throw new RadarError('internal', `not an attrition alert id: ${d.alertId}`);
  const personId = m[1] as string;
  const state = await loadAlertState(stateDir);
  const rec = state.people[personId];
  const score = rec && rec.alertId === d.alertId ? rec.score : null;
  await appendAudit(stateDir, d.at, { event: 'delivered', alertId: d.alertId, personId, score, recipients: [...d.recipients] });
}
