/**
 * HR review of attrition alerts: open ones with score, trend and drivers in words; acknowledge
 * with a note; who saw what. For the hr role only: every function checks it, and every view of
 * an alert is written to HR's audit log (signals/audit.jsonl) with who looked.
 */
import { RadarError } from '../core/errors.js';
import { ackAlert as ackAttritionAlert, listOpenAlerts, loadAlertState, type AlertRecord } from '../signals/alerts.js';
import { appendAudit, readAudit } from '../signals/store.js';
import { notFound, requireAction, type Principal } from './access.js';
import type { ServiceContext } from './context.js';

export type AttritionView = AlertRecord;

export async function listAttrition(ctx: ServiceContext, who: Principal | null, opts: { reviewed?: boolean } = {}): Promise<AttritionView[]> {
  requireAction(who, 'attrition.read');
  const open = await listOpenAlerts(ctx.paths.stateDir, who.user, ctx.now());
  if (!opts.reviewed) return open;
  const state = await loadAlertState(ctx.paths.stateDir);
  const reviewed = Object.values(state.people)
    .filter((r) => r.status === 'acked')
    .sort((a, b) => (b.ack?.at ?? '').localeCompare(a.ack?.at ?? ''));
  return [...open, ...reviewed];
}

export async function getAttrition(ctx: ServiceContext, who: Principal | null, id: string): Promise<AttritionView> {
  requireAction(who, 'attrition.read');
  const state = await loadAlertState(ctx.paths.stateDir);
  const rec = Object.values(state.people).find((r) => r.alertId === id || r.ack?.alertId === id);
  if (!rec) throw notFound(`attrition alert "${id}"`);
  await appendAudit(ctx.paths.stateDir, ctx.now(), { event: 'viewed', by: who.user, alertId: rec.alertId, personId: rec.personId });
  return rec;
}

export async function ackAttrition(ctx: ServiceContext, who: Principal | null, id: string, note: string): Promise<AttritionView> {
  requireAction(who, 'attrition.act');
  if (!note.trim()) throw new RadarError('invalid', 'note: say what was done, e.g. "talked 1:1, follow up in 4 weeks"', { field: 'note' });
  try {
    return await ackAttritionAlert(ctx.paths.stateDir, id, { by: who.user, note: note.trim(), at: ctx.now() });
  } catch (e) {
    if (e instanceof RadarError && e.code === 'usage') throw new RadarError(/already/.test(e.message) ? 'conflict' : 'not_found', e.message);
    throw e;
  }
}

/** HR's audit: alerts raised, delivered, listed, viewed and acknowledged, newest first. */
export async function attritionAudit(ctx: ServiceContext, who: Principal | null, opts: { alertId?: string; limit?: number } = {}) {
  requireAction(who, 'attrition.read');
  const all = await readAudit(ctx.paths.stateDir);
  const hits = opts.alertId ? all.filter((e) => ('alertId' in e && e.alertId === opts.alertId) || ('alertIds' in e && e.alertIds.includes(opts.alertId!))) : all;
  return hits.reverse().slice(0, opts.limit ?? 200);
}
