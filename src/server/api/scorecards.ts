import { z } from 'zod';
import { getScorecard, listScorecards } from '../../service/scorecards.js';
import type { ServerDeps } from '../deps.js';
import { authErrors, body, errorSchema, idParam, who, type Api } from './types.js';

const tags = ['monthly scorecard (the person and their manager)'];
const monthQuery = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM').optional() });

export function registerScorecards(api: Api, { ctx }: ServerDeps): void {
  api.get('/api/scorecards', {
    config: { action: 'scorecards.read' },
    schema: {
      tags,
      summary: "The month's scorecards you may see: a salesperson their own, a manager their teams' people",
      querystring: monthQuery,
      response: { 200: body('{ month, months, people: [{ employeeId, name, team, score, band, rank, peers }] }'), ...authErrors },
    },
  }, async (req) => listScorecards(ctx, who(req), req.query.month ? { month: req.query.month } : {}));

  api.get('/api/scorecards/:id', {
    config: { action: 'scorecards.read' },
    schema: {
      tags,
      summary: "One person's scorecard (by 工号): score, rank, gap to green, each dimension's value, peers' median and percentile, courses; 404 outside your scope",
      params: idParam,
      querystring: monthQuery,
      response: { 200: body('{ name, employeeId, month, score, band, rank, peers, peerGroup, prevScore, delta, gapToGreen, peerMedianScore, dims: [{ id, weight, value, peerMedian, score, band }], courses, explain, months }'), 404: errorSchema, ...authErrors },
    },
  }, async (req) => getScorecard(ctx, who(req), req.params.id, req.query.month ? { month: req.query.month } : {}));
}
