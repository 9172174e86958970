import { z } from 'zod';
import * as alerts from '../../service/alerts.js';
import type { ServerDeps } from '../deps.js';
import { authErrors, body, errorSchema, idParam, who, type Api } from './types.js';

const tags = ['alerts'];

export function registerAlerts(api: Api, { ctx }: ServerDeps): void {
  api.get('/api/alerts', {
    config: { action: 'alerts.read' },
    schema: {
      tags,
      summary: 'Alerts in your scope: what was decided, sent to whom and when (never attrition: see /api/attrition)',
      querystring: z.object({
        topic: z.string().optional(),
        region: z.string().optional(),
        target: z.string().optional(),
        status: z.enum(['open', 'acked', 'muted']).optional(),
        q: z.string().max(200).optional().describe('search in the title and id'),
        limit: z.coerce.number().int().min(1).max(5000).optional(),
      }),
      response: { 200: body('{ alerts: [{ id, topic, audience, region, targetId, key, createdAt, recordedAt, suppressed, title, deliveries, ack, mute, payload }], total }'), ...authErrors },
    },
  }, async (req) => alerts.listAlerts(ctx, who(req), req.query));

  api.get('/api/alerts/:id', {
    config: { action: 'alerts.read' },
    schema: { tags, summary: 'One alert', params: idParam, response: { 200: body('an alert as in the list'), 404: errorSchema, ...authErrors } },
  }, async (req) => alerts.getAlert(ctx, who(req), req.params.id));

  api.post('/api/alerts/:id/ack', {
    config: { action: 'alerts.act' },
    schema: { tags, summary: 'Acknowledge, with an optional note', params: idParam, body: z.object({ note: z.string().max(2000).default('') }), response: { 200: body('the alert'), 404: errorSchema, 409: errorSchema, ...authErrors } },
  }, async (req) => alerts.ackAlert(ctx, who(req), req.params.id, req.body.note));

  api.get('/api/mutes', {
    config: { action: 'alerts.read' },
    schema: { tags, summary: 'Mutes in force', response: { 200: body('[{ id, targetId, key, until, by, at, note }]'), ...authErrors } },
  }, async (req) => alerts.listMutes(ctx, who(req)));

  api.post('/api/mutes', {
    config: { action: 'alerts.act' },
    schema: {
      tags,
      summary: 'Mute an item (key) or a whole target for N days: its alerts are recorded, not sent',
      body: z.object({ targetId: z.string().min(1), key: z.string().min(1).nullable().optional(), days: z.coerce.number().int().min(1).max(365), note: z.string().max(500).optional() }),
      response: { 201: body('the mute'), 400: errorSchema, 404: errorSchema, ...authErrors },
    },
  }, async (req, reply) => reply.code(201).send(alerts.addMute(ctx, who(req), { targetId: req.body.targetId, key: req.body.key ?? null, days: req.body.days, ...(req.body.note ? { note: req.body.note } : {}) })));

  api.delete('/api/mutes/:id', {
    config: { action: 'alerts.act' },
    schema: { tags, summary: 'End a mute', params: idParam, response: { 204: z.null(), 404: errorSchema, ...authErrors } },
  }, async (req, reply) => {
    alerts.removeMute(ctx, who(req), req.params.id);
    return reply.code(204).send(null);
  });
}
