import { coachingPrompts, teamHealth } from '../../service/teams.js';
import type { ServerDeps } from '../deps.js';
import { authErrors, body, who, type Api } from './types.js';

const tags = ['team health (managers)'];

export function registerTeams(api: Api, { ctx }: ServerDeps): void {
  api.get('/api/teams', {
    config: { action: 'teams.read' },
    schema: { tags, summary: "Your teams' latest health index heat map (per person and metric); never attrition", response: { 200: body('{ week, managers, metrics, bands, teams: [{ team, index, band, trend, people: [{ name, index, band, cells }] }] }'), ...authErrors } },
  }, async (req) => teamHealth(ctx, who(req)));

  api.get('/api/coaching', {
    config: { action: 'teams.read' },
    schema: { tags, summary: 'Coaching prompts for your teams, newest week first', response: { 200: body('[{ alertId, name, team, week, index, band, weeksBelow, metrics, courses }]'), ...authErrors } },
  }, async (req) => coachingPrompts(ctx, who(req)));
}
