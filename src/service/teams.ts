/**
 * Managers' view of their own teams: the latest weekly heat map (health index per person and
 * metric) and the coaching prompts, exactly as the weekly health job sent them (read from the
 * job's own store, so the console and the email agree and both outlive the outbox's
 * retention_days; those recorded in the outbox before that store existed are read from there too).
 * Never attrition: the health job does not read it, and this module reads only `team` and
 * `coaching` alerts addressed to managers.
 */
import type { Alert } from '../alerts/model.js';
import type { CoachingPayload, TeamPayload } from '../health/payloads.js';
import { teamHealthStore } from '../store/team-health.js';
import { inTeam, requireAction, type Principal } from './access.js';
import { readOutboxData } from './alerts.js';
import type { ServiceContext } from './context.js';

function teamAlerts(ctx: ServiceContext): Alert[] {
  return teamHealthStore.readWith(ctx.paths.stateDir, Object.values(readOutboxData(ctx.paths.stateDir).alerts));
}

export interface TeamsView {
  week: string | null;
  managers: { email: string; name: string }[];
  metrics: TeamPayload['metrics'];
  bands: TeamPayload['bands'] | null;
  teams: TeamPayload['teams'];
}

export function teamHealth(ctx: ServiceContext, who: Principal | null): TeamsView {
  requireAction(who, 'teams.read');
  const digests = teamAlerts(ctx)
    .filter((a) => a.topic === 'team' && a.audience.kind === 'manager')
    .map((a) => a.payload as unknown as TeamPayload)
    .sort((a, b) => b.week.localeCompare(a.week));
  const week = digests.find((d) => d.teams.some((t) => inTeam(who, t.team, d.managerEmail)))?.week ?? null;
  const mine = digests.filter((d) => d.week === week);
  const teams = mine.flatMap((d) => d.teams.filter((t) => inTeam(who, t.team, d.managerEmail)));
  return {
    week,
    managers: mine.filter((d) => d.teams.some((t) => inTeam(who, t.team, d.managerEmail))).map((d) => ({ email: d.managerEmail, name: d.managerName })),
    metrics: mine[0]?.metrics ?? [],
    bands: mine[0]?.bands ?? null,
    teams,
  };
}

export function coachingPrompts(ctx: ServiceContext, who: Principal | null): (CoachingPayload & { alertId: string; createdAt: string })[] {
  requireAction(who, 'teams.read');
  return teamAlerts(ctx)
    .filter((a) => a.topic === 'coaching' && a.audience.kind === 'manager' && inTeam(who, (a.payload as unknown as CoachingPayload).team, a.audience.email))
    .map((a) => ({ ...(a.payload as unknown as CoachingPayload), alertId: a.id, createdAt: a.createdAt }))
    .sort((a, b) => b.week.localeCompare(a.week) || a.index - b.index);
}
