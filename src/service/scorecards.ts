/**
 * The monthly scorecard in the console and the API: a salesperson sees their own, a manager their
 * team's people, exactly as the monthly job sent them (read from the job's own store of cards, so
 * the console and the email agree and a card outlives the outbox's retention_days; cards recorded
 * in the outbox before that store existed are read from there too). Nobody sees another team's: a card outside your scope answers as if it did not
 * exist. Only `scorecard` alerts are read (collections, margin, customers, satisfaction, follow-up
 * compliance): never attrition or anything else addressed to HR.
 */
import type { ScorecardPayload } from '../sales/scorecard/payloads.js';
import type { Alert } from '../alerts/model.js';
import { scorecardStore } from '../store/scorecards.js';
import { notFound, requireAction, type Principal } from './access.js';
import { readOutboxData } from './alerts.js';
import type { ServiceContext } from './context.js';

export interface ScorecardListEntry {
  employeeId: string;
  name: string;
  team: string | null;
  score: number | null;
  band: ScorecardPayload['band'];
  rank: number | null;
  peers: number;
}

export interface ScorecardList {
  /** The month shown (the latest you can see, or the one asked for). */
  month: string | null;
  /** Every month with a card you can see, newest first. */
  months: string[];
  people: ScorecardListEntry[];
}

export interface ScorecardDetail extends ScorecardPayload {
  /** Points to the green band (0 once there); null when not scored. */
  gapToGreen: number | null;
  /** Change on last month's score. */
  delta: number | null;
  /** Every month with a card of this person you can see, newest first. */
  months: string[];
}

const lower = (s: string | null | undefined) => (s ?? '').toLowerCase();

/** A card is its person's, and their manager's (by the team or the email the org export names). */
function mayRead(who: Principal, a: Alert): boolean {
  if (a.topic !== 'scorecard' || a.audience.kind !== 'person') return false;
  if (who.role === 'local') return true;
  if (who.role === 'sales') return !!who.email && lower(a.audience.email) === lower(who.email);
  if (who.role === 'manager') {
    const pl = a.payload as unknown as ScorecardPayload;
    if (pl.team && who.teams.includes(pl.team)) return true;
    return !!who.email && !!pl.managerEmail && lower(pl.managerEmail) === lower(who.email);
  }
  return false;
}

function visibleCards(ctx: ServiceContext, who: Principal): ScorecardPayload[] {
  return scorecardStore
    .readWith(ctx.paths.stateDir, Object.values(readOutboxData(ctx.paths.stateDir).alerts))
    .filter((a) => mayRead(who, a))
    .map((a) => a.payload as unknown as ScorecardPayload);
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export function listScorecards(ctx: ServiceContext, who: Principal | null, opts: { month?: string } = {}): ScorecardList {
  requireAction(who, 'scorecards.read');
  const cards = visibleCards(ctx, who);
  const months = [...new Set(cards.map((c) => c.month))].sort().reverse();
  const month = opts.month && MONTH.test(opts.month) ? opts.month : (months[0] ?? null);
  const people = cards
    .filter((c) => c.month === month)
    .map((c) => ({ employeeId: c.employeeId, name: c.name, team: c.team ?? null, score: c.score, band: c.band, rank: c.rank, peers: c.peers }))
    .sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.name.localeCompare(b.name, 'zh-CN'));
  return { month, months, people };
}

/** One person's card for a month (default: their latest); not_found outside your scope. */
export function getScorecard(ctx: ServiceContext, who: Principal | null, employeeId: string, opts: { month?: string } = {}): ScorecardDetail {
  requireAction(who, 'scorecards.read');
  const mine = visibleCards(ctx, who).filter((c) => c.employeeId === employeeId);
  const months = [...new Set(mine.map((c) => c.month))].sort().reverse();
  const month = opts.month ?? months[0];
  const card = mine.find((c) => c.month === month);
  if (!card) throw notFound(`scorecard for ${employeeId}${opts.month ? ` in ${opts.month}` : ''}`);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    ...card,
    gapToGreen: card.score === null ? null : round(Math.max(0, card.bands.green - card.score)),
    delta: card.score !== null && card.prevScore !== null ? round(card.score - card.prevScore) : null,
    months,
  };
}
