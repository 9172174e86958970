import { z } from 'zod';
import { listOutbox, resend } from '../../service/outbox.js';
import type { ServerDeps } from '../deps.js';
import { authErrors, body, errorSchema, idParam, who, type Api } from './types.js';

const tags = ['outbox'];

export function registerOutbox(api: Api, { ctx }: ServerDeps): void {
  api.get('/api/outbox', {
    config: { action: 'outbox.read' },
    schema: {
      tags,
      summary: 'Messages per channel: pending, sending, sent, stuck (failed, will retry), dead. HR messages show no subject or recipient.',
      querystring: z.object({ status: z.enum(['pending', 'sending', 'sent', 'stuck', 'dead']).optional(), channel: z.string().optional(), limit: z.coerce.number().int().min(1).max(5000).optional() }),
      response: { 200: body('{ messages: [{ id, channel, to, subject, hr, status, attempts, createdAt, sentAt, nextAttemptAt, lastError, alerts, part }], counts }'), ...authErrors },
    },
  }, async (req) => listOutbox(ctx, who(req), req.query));

  api.post('/api/outbox/:id/resend', {
    config: { action: 'outbox.act' },
    schema: { tags, summary: 'Send a dead or waiting message again now (handed to the daemon when it runs)', params: idParam, response: { 200: body('{ status: done, ids }'), 202: body('{ status: queued, ids }'), 404: errorSchema, 409: errorSchema, ...authErrors } },
  }, async (req, reply) => {
    const r = await resend(ctx, who(req), req.params.id);
    return reply.code(r.status === 'queued' ? 202 : 200).send(r);
  });
}
