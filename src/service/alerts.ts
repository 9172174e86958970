/**
 * Alerts as people review them: what was decided, sent to whom and when; acknowledge; mute an
 * item or a whole target for N days. Read from the outbox (the record of every alert), so the
 * console shows exactly what went out. Attrition alerts never appear here, for any role: HR
 * reviews them under attrition.ts. Mail about an HR message is shown without its subject or
 * recipient.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { audienceLabel } from '../alerts/model.js';
import { alertSubject } from '../alerts/subject.js';
import { loadRules, loadTargets } from '../config/load.js';
import { RadarError } from '../core/errors.js';
import { readJsonFile, writeFileAtomic } from '../store/atomic.js';
import { activeMute, readMutes, writeMutes, type Mute } from '../store/mutes.js';
import { Outbox, type OutboxData, type OutboxMessage, type StoredAlert } from '../store/outbox.js';
import { inRegion, inTeam, notFound, requireAction, type Principal } from './access.js';
import { recordChange } from './audit.js';
import { consoleDir, type ServiceContext } from './context.js';

/** Topics that carry HR data: never listed, searched or exported outside the HR views. */
export const HR_TOPICS: ReadonlySet<string> = new Set(['attrition']);
/** A salesperson's own health figures: for their manager (and themselves), not for ops or admins. */
export const PEOPLE_TOPICS: ReadonlySet<string> = new Set(['coaching', 'team', 'card']);

export interface Delivery {
  to: string;
  messageId: string;
  status: OutboxMessage['status'] | 'unknown';
  sentAt: string | null;
  channel: string;
}

export interface AckRecord {
  by: string;
  at: string;
  note: string;
}

export interface AlertView {
  id: string;
  topic: string;
  audience: string;
  region: string | null;
  targetId: string | null;
  key: string | null;
  createdAt: string;
  recordedAt: string;
  /** Why it was kept but not sent (cooldown, mute). */
  suppressed: string | null;
  title: string;
  deliveries: Delivery[];
  ack: AckRecord | null;
  mute: Mute | null;
  payload: Record<string, unknown>;
}

export interface AlertFilter {
  topic?: string;
  region?: string;
  target?: string;
  status?: 'open' | 'acked' | 'muted';
  q?: string;
  limit?: number;
}

export function readOutboxData(stateDir: string): OutboxData {
  return new Outbox(stateDir).data;
}

/** Is this message HR's? Its alerts are attrition alerts, or it goes to an HR address. */
export function isHrMessage(m: OutboxMessage, data: OutboxData, hr: readonly string[]): boolean {
  const hrSet = new Set(hr.map((x) => x.toLowerCase()));
  return hrSet.has(m.to.toLowerCase()) || m.alertIds.some((id) => id.startsWith('attrition:') || HR_TOPICS.has(data.alerts[id]?.topic ?? ''));
}

/** A manager's team digest or coaching prompt: it names people and their figures. */
export function isPeopleMessage(m: OutboxMessage, data: OutboxData): boolean {
  return m.alertIds.length > 0 && m.alertIds.every((id) => PEOPLE_TOPICS.has(data.alerts[id]?.topic ?? ''));
}

function visible(who: Principal, a: StoredAlert): boolean {
  if (HR_TOPICS.has(a.topic)) return false;
  const au = a.audience;
  switch (who.role) {
    case 'local':
      return true;
    case 'admin':
    case 'ops':
      return !PEOPLE_TOPICS.has(a.topic);
    case 'head':
      return au.kind === 'region' && inRegion(who, au.region);
    case 'manager': {
      const team = typeof (a.payload as { team?: unknown }).team === 'string' ? ((a.payload as { team: string }).team) : null;
      if (au.kind === 'manager') return inTeam(who, team, au.email);
      return au.kind === 'person' && team !== null && inTeam(who, team);
    }
    default:
      return false;
  }
}

const num = (v: unknown) => (typeof v === 'number' ? String(v) : '?');

/** One line that says what the alert is about (scraped text stays raw: pages escape it). */
export function alertTitle(a: Pick<StoredAlert, 'topic' | 'payload'>): string {
  const p = a.payload as Record<string, unknown>;
  const s = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : '');
  switch (a.topic) {
    case 'price':
      return `${s('competitor')} ${s('name') || s('key')}: ${s('change')} ${p.oldAmount != null ? num(p.oldAmount) + ' → ' : ''}${num(p.newAmount)}${typeof p.deltaPct === 'number' ? ` (${p.deltaPct > 0 ? '+' : ''}${p.deltaPct}%)` : ''}`;
    case 'tender':
      return `${s('source')}: ${s('title')}`;
    case 'job':
      return `${s('competitor')} ${s('signal')} ${s('city')} (${num(p.count)})`;
    case 'comparison':
      return `${s('rule')} ${s('sku')} ${s('competitor')}${typeof p.deltaPct === 'number' ? ` ${p.deltaPct}%` : ''}`.trim();
    case 'scraper':
      return `${s('targetId')} ${s('state')}${s('failureClass') ? ` (${s('failureClass')})` : ''}`;
    case 'coaching':
      return `${s('name')} (${s('team')}): ${num(p.index)}`;
    case 'team':
      return `${s('managerName') || s('managerEmail')} ${s('week')}`;
    case 'mail':
      return `mail ${s('state')}: ${num(p.attempts)} attempts`;
    default:
      return a.topic;
  }
}

export function acksFile(stateDir: string): string {
  return join(consoleDir(stateDir), 'acks.json');
}

export function readAcks(stateDir: string): Record<string, AckRecord> {
  return readJsonFile<{ acks: Record<string, AckRecord> }>(acksFile(stateDir))?.acks ?? {};
}

function viewOf(a: StoredAlert, data: OutboxData, acks: Record<string, AckRecord>, mutes: Mute[], now: Date, hr: readonly string[]): AlertView {
  const subj = alertSubject(a);
  let payload = a.payload as Record<string, unknown>;
  // A notice about stuck mail to HR names neither the HR subject nor its recipient.
  if (a.topic === 'mail') {
    const m = data.messages[String(payload.messageId)];
    if ((m && isHrMessage(m, data, hr)) || hr.some((x) => x.toLowerCase() === String(payload.to).toLowerCase())) payload = { ...payload, subject: '(HR email)', to: '(HR)' };
  }
  return {
    id: a.id,
    topic: a.topic,
    audience: audienceLabel(a.audience),
    region: a.audience.kind === 'region' ? a.audience.region : typeof payload.region === 'string' ? payload.region : null,
    targetId: subj.targetId,
    key: subj.key,
    createdAt: a.createdAt,
    recordedAt: a.recordedAt,
    suppressed: a.suppressed ?? null,
    title: alertTitle({ topic: a.topic, payload }),
    deliveries: Object.entries(a.delivered).map(([to, id]) => {
      const m = data.messages[id];
      return { to, messageId: id, status: m?.status ?? 'unknown', sentAt: m?.sentAt ?? null, channel: (m as { channel?: string } | undefined)?.channel ?? 'email' };
    }),
    // An ack from a chat card or `radar alerts ack` is kept on the alert itself; both count.
    ack: acks[a.id] ?? (a.acked ? { by: 'CLI / chat card', at: a.acked.at, note: a.acked.note ?? '' } : null),
    mute: activeMute(mutes, subj, now),
    payload,
  };
}

export function listAlerts(ctx: ServiceContext, who: Principal | null, f: AlertFilter = {}): { alerts: AlertView[]; total: number } {
  requireAction(who, 'alerts.read');
  const data = readOutboxData(ctx.paths.stateDir);
  const acks = readAcks(ctx.paths.stateDir);
  const mutes = readMutes(ctx.paths.stateDir).mutes;
  const hr = loadRules(ctx.paths.rulesDir).owners.hr;
  const now = ctx.now();
  const q = f.q?.toLowerCase();
  const views = Object.values(data.alerts)
    .filter((a) => visible(who, a))
    .filter((a) => !f.topic || a.topic === f.topic)
    .map((a) => viewOf(a, data, acks, mutes, now, hr))
    .filter((v) => !f.region || v.region === f.region)
    .filter((v) => !f.target || v.targetId === f.target)
    .filter((v) => !f.status || (f.status === 'acked' ? v.ack !== null : f.status === 'muted' ? v.mute !== null || (v.suppressed ?? '').startsWith('muted') : v.ack === null))
    .filter((v) => !q || v.title.toLowerCase().includes(q) || v.id.toLowerCase().includes(q))
    .sort((a, b) => b.recordedAt.localeCompare(a.recordedAt) || a.id.localeCompare(b.id));
  return { alerts: views.slice(0, f.limit ?? 500), total: views.length };
}

export function getAlert(ctx: ServiceContext, who: Principal | null, id: string): AlertView {
  requireAction(who, 'alerts.read');
  const data = readOutboxData(ctx.paths.stateDir);
  const a = data.alerts[id];
  // An attrition id asked for here gets the same answer as an unknown one.
  // The id is not echoed: an attrition id tried here must not come back in any answer.
  if (!a || !visible(who, a)) throw notFound('such alert in your scope');
  return viewOf(a, data, readAcks(ctx.paths.stateDir), readMutes(ctx.paths.stateDir).mutes, ctx.now(), loadRules(ctx.paths.rulesDir).owners.hr);
}

export function ackAlert(ctx: ServiceContext, who: Principal | null, id: string, note: string): AlertView {
  requireAction(who, 'alerts.act');
  const seen = getAlert(ctx, who, id).ack;
  if (seen) throw new RadarError('conflict', `already acknowledged by ${seen.by} at ${seen.at}`);
  const file = acksFile(ctx.paths.stateDir);
  const acks = readAcks(ctx.paths.stateDir);
  acks[id] = { by: who.user, at: ctx.now().toISOString(), note: note.trim() };
  writeFileAtomic(file, JSON.stringify({ acks }, null, 2) + '\n');
  recordChange(ctx, who, 'alert.ack', id, { note: note.trim() });
  return getAlert(ctx, who, id);
}

/** A target's region; a deleted target's mutes stay listed for those who see every region. */
function targetRegion(ctx: ServiceContext, id: string): string | null {
  return loadTargets(ctx.paths.scrapersDir).targets.find((t) => t.id === id)?.region ?? null;
}

export interface MuteInput {
  targetId: string;
  key?: string | null;
  days: number;
  note?: string;
}

/** Mutes an item (or a whole target) for N days; its alerts are recorded but not sent meanwhile. */
export function addMute(ctx: ServiceContext, who: Principal | null, m: MuteInput): Mute {
  requireAction(who, 'alerts.act');
  if (!Number.isInteger(m.days) || m.days < 1 || m.days > 365) throw new RadarError('invalid', 'days: a whole number from 1 to 365', { field: 'days' });
  const region = targetRegion(ctx, m.targetId);
  if (region === null || !inRegion(who, region)) throw notFound(`target "${m.targetId}"`);
  const now = ctx.now();
  const { version, mutes } = readMutes(ctx.paths.stateDir);
  const mute: Mute = {
    id: randomBytes(5).toString('hex'),
    targetId: m.targetId,
    key: m.key ?? null,
    until: new Date(now.getTime() + m.days * 86_400_000).toISOString(),
    by: who.user,
    at: now.toISOString(),
    ...(m.note ? { note: m.note } : {}),
  };
  writeMutes(ctx.paths.stateDir, [...mutes, mute], now, version);
  recordChange(ctx, who, 'mute.add', m.key ? `${m.targetId}/${m.key}` : m.targetId, { days: m.days, until: mute.until });
  return mute;
}

export function listMutes(ctx: ServiceContext, who: Principal | null): Mute[] {
  requireAction(who, 'alerts.read');
  const now = ctx.now().getTime();
  return readMutes(ctx.paths.stateDir).mutes.filter((m) => Date.parse(m.until) > now && inRegion(who, targetRegion(ctx, m.targetId) ?? ''));
}

export function removeMute(ctx: ServiceContext, who: Principal | null, id: string): void {
  requireAction(who, 'alerts.act');
  const { version, mutes } = readMutes(ctx.paths.stateDir);
  const m = mutes.find((x) => x.id === id);
  if (!m || !inRegion(who, targetRegion(ctx, m.targetId) ?? '')) throw notFound(`mute ${id}`);
  writeMutes(ctx.paths.stateDir, mutes.filter((x) => x.id !== id), ctx.now(), version);
  recordChange(ctx, who, 'mute.remove', m.key ? `${m.targetId}/${m.key}` : m.targetId);
}
