import { z } from 'zod';
import { ackAttrition, attritionAudit, getAttrition, listAttrition } from '../../service/attrition.js';
import type { ServerDeps } from '../deps.js';
import { authErrors, body, errorSchema, idParam, who, type Api } from './types.js';

const tags = ['attrition (HR only)'];

export function registerHr(api: Api, { ctx }: ServerDeps): void {
  api.get('/api/attrition', {
    config: { action: 'attrition.read' },
    schema: {
      tags,
      summary: 'Open attrition alerts (score, trend, drivers in words); ?reviewed=1 adds acknowledged ones. HR only; the listing is audited.',
      querystring: z.object({ reviewed: z.enum(['1', 'true']).optional() }),
      response: { 200: body('[{ alertId, personId, status, score, lastScore, lastWeek, raisedAt, payload: { name, department, score, trend, drivers }, ack }]'), ...authErrors },
    },
  }, async (req) => listAttrition(ctx, who(req), { reviewed: !!req.query.reviewed }));

  api.get('/api/attrition/audit', {
    config: { action: 'attrition.read' },
    schema: { tags, summary: 'Who saw and did what with attrition alerts, newest first', querystring: z.object({ alertId: z.string().optional(), limit: z.coerce.number().int().min(1).max(5000).optional() }), response: { 200: body('[{ at, event, by?, alertId?, ... }]'), ...authErrors } },
  }, async (req) => attritionAudit(ctx, who(req), req.query));

  api.get('/api/attrition/:id', {
    config: { action: 'attrition.read' },
    schema: { tags, summary: 'One attrition alert; the view is audited', params: idParam, response: { 200: body('an alert record'), 404: errorSchema, ...authErrors } },
  }, async (req) => getAttrition(ctx, who(req), req.params.id));

  api.post('/api/attrition/:id/ack', {
    config: { action: 'attrition.act' },
    schema: { tags, summary: 'Mark reviewed with a note; quiet until the score rises by ack_quiet_delta', params: idParam, body: z.object({ note: z.string().min(1).max(2000) }), response: { 200: body('the alert record'), 400: errorSchema, 404: errorSchema, 409: errorSchema, ...authErrors } },
  }, async (req) => ackAttrition(ctx, who(req), req.params.id, req.body.note));
}
