import { z } from 'zod';
import { suggestForUser } from '../../service/suggest.js';
import * as targets from '../../service/targets.js';
import type { ServerDeps } from '../deps.js';
import { authErrors, body, errorSchema, idParam, ifMatch, who, type Api } from './types.js';

/** A target as YAML text, or as an object (written out as YAML). */
const source = z.union([
  z.object({ yaml: z.string().min(1).max(256 * 1024).describe('the target file, as sales ops would write it'), etag: z.string().optional() }),
  z.object({ target: z.record(z.string(), z.unknown()).describe('the same fields as an object'), etag: z.string().optional() }),
]);

const srcOf = (b: z.infer<typeof source>): targets.TargetSource => ('yaml' in b ? { yaml: b.yaml } : { target: b.target });
const tags = ['targets'];
const validation = { 400: errorSchema, ...authErrors };

export function registerTargets(api: Api, { ctx }: ServerDeps): void {
  api.get('/api/targets', {
    config: { action: 'targets.read' },
    schema: {
      tags,
      summary: 'Targets with health and last run (a head sees their regions)',
      querystring: z.object({ region: z.string().optional(), status: z.enum(['healthy', 'failing', 'stale', 'never_run', 'disabled']).optional(), q: z.string().optional() }),
      response: { 200: body('{ timeZone, targets: [{ id, kind, competitor, region, enabled, mode, url, schedule, file, health, advice }], configErrors }'), ...authErrors },
    },
  }, async (req) => targets.listTargets(ctx, who(req), req.query));

  api.post('/api/targets', {
    config: { action: 'targets.write' },
    schema: { tags, summary: 'Create a target; validated as `radar validate` (errors name file:line and field)', body: source, response: { 201: body('the target as GET /api/targets/{id} returns it'), ...validation, 409: errorSchema } },
  }, async (req, reply) => {
    const d = targets.createTarget(ctx, who(req), srcOf(req.body));
    return reply.code(201).header('etag', d.etag).header('location', `/api/targets/${encodeURIComponent(d.target.id)}`).send(d);
  });

  api.post('/api/targets/validate', {
    config: { action: 'targets.write' },
    schema: { tags, summary: 'Check a target without saving it', body: source, response: { 200: z.object({ ok: z.literal(true), id: z.string() }), ...validation } },
  }, async (req) => targets.checkTarget(ctx, who(req), srcOf(req.body)));

  api.post('/api/targets/try', {
    config: { action: 'targets.write' },
    schema: { tags, summary: 'Fetch and extract an unsaved target, storing nothing', body: source, response: { 200: body('{ target, verdict, failure, summary, pages, items, problems, columns, explain }'), ...validation } },
  }, async (req) => targets.tryTarget(ctx, who(req), srcOf(req.body)));

  api.post('/api/targets/suggest', {
    config: { action: 'targets.write' },
    schema: {
      tags,
      summary: 'Propose items: (item, key, name/price/link/stock) and fetch.next for a listing page, previewed on every item and on page 2; robots.txt respected, nothing stored',
      body: z.object({ url: z.string().min(1).max(4096), mode: z.enum(['http', 'browser']).optional().describe('browser: render in headless Chromium first'), currency: z.string().length(3).optional().describe('for bare numbers, e.g. CNY') }),
      response: { 200: body('{ url, status, proposal: { source, each, count, key, fields, rows, alternatives } | null, pagination: { next, nextUrl, text, pattern, page2 } | null, yaml }'), ...validation, 502: errorSchema },
    },
  }, async (req) => suggestForUser(who(req), req.body));

  api.get('/api/targets/:id', {
    config: { action: 'targets.read' },
    schema: { tags, summary: 'One target: its YAML (ETag header), health, runs and items', params: idParam, querystring: z.object({ q: z.string().optional(), limit: z.coerce.number().int().min(1).max(5000).optional() }), response: { 200: body('{ target, yaml, etag, runs, columns, items, itemCount }'), 404: errorSchema, ...authErrors } },
  }, async (req, reply) => {
    const d = targets.getTarget(ctx, who(req), req.params.id, { ...(req.query.q ? { q: req.query.q } : {}), ...(req.query.limit ? { itemLimit: req.query.limit } : {}) });
    return reply.header('etag', d.etag).send(d);
  });

  api.put('/api/targets/:id', {
    config: { action: 'targets.write' },
    schema: { tags, summary: 'Replace a target; If-Match: the ETag you edited (412 if someone saved since, 428 without)', params: idParam, body: source, response: { 200: body('the saved target'), ...validation, 404: errorSchema, 412: errorSchema, 428: errorSchema } },
  }, async (req, reply) => {
    const d = targets.updateTarget(ctx, who(req), req.params.id, srcOf(req.body), ifMatch(req));
    return reply.header('etag', d.etag).send(d);
  });

  api.delete('/api/targets/:id', {
    config: { action: 'targets.write' },
    schema: { tags, summary: 'Delete a target file (its history stays); If-Match required', params: idParam, response: { 204: z.null(), 404: errorSchema, 412: errorSchema, 428: errorSchema, ...authErrors } },
  }, async (req, reply) => {
    targets.deleteTarget(ctx, who(req), req.params.id, ifMatch(req));
    return reply.code(204).send(null);
  });

  for (const [verb, enabled] of [['pause', false], ['resume', true]] as const) {
    api.post(`/api/targets/:id/${verb}`, {
      config: { action: 'targets.write' },
      schema: { tags, summary: verb === 'pause' ? 'Pause: sets enabled: false in the file' : 'Resume a paused target', params: idParam, response: { 200: body('the target'), 404: errorSchema, ...authErrors } },
    }, async (req, reply) => {
      const d = targets.setEnabled(ctx, who(req), req.params.id, enabled);
      return reply.header('etag', d.etag).send(d);
    });
  }

  api.post('/api/targets/:id/run', {
    config: { action: 'targets.run' },
    schema: { tags, summary: 'Run now: 200 with the result, or 202 when the daemon queued it', params: idParam, response: { 200: body('{ status: done, targets: [{ id, verdict, items, failure, alerts }], emails }'), 202: body('{ status: queued, by }'), 404: errorSchema, 409: errorSchema, ...authErrors } },
  }, async (req, reply) => {
    const r = await targets.runTargetNow(ctx, who(req), req.params.id);
    return reply.code(r.status === 'queued' ? 202 : 200).send(r);
  });

  api.post('/api/targets/:id/try', {
    config: { action: 'targets.write' },
    schema: { tags, summary: 'Fetch and extract a saved target, storing nothing', params: idParam, response: { 200: body('as POST /api/targets/try'), 404: errorSchema, ...authErrors } },
  }, async (req) => targets.tryTarget(ctx, who(req), { id: req.params.id }));

  api.get('/api/targets/:id/runs', {
    config: { action: 'targets.read' },
    schema: { tags, summary: 'Run log, newest first', params: idParam, response: { 200: body('{ runs, lastFailure, failingSince }'), 404: errorSchema, ...authErrors } },
  }, async (req) => targets.getRuns(ctx, who(req), req.params.id));

  api.get('/api/targets/:id/items/:key/history', {
    config: { action: 'targets.read' },
    schema: { tags, summary: "One item's stored history (price points)", params: z.object({ id: z.string(), key: z.string() }), response: { 200: body('{ key, item, history: [{ at, amount, currency }] }'), 404: errorSchema, ...authErrors } },
  }, async (req) => targets.itemHistory(ctx, who(req), req.params.id, req.params.key));
}
