import { z } from 'zod';
import { exportTable, priceTable } from '../../service/compare.js';
import type { ServerDeps } from '../deps.js';
import { authErrors, body, who, type Api } from './types.js';

const tags = ['比价'];
const filter = z.object({ region: z.string().optional(), q: z.string().max(200).optional(), undercut: z.enum(['1', 'true']).optional() });

export function registerCompare(api: Api, { ctx }: ServerDeps): void {
  api.get('/api/compare', {
    config: { action: 'compare.read' },
    schema: { tags, summary: 'Our price against each matched competitor per region, the price index, undercuts and stale prices', querystring: filter, response: { 200: body('{ configured, regions, rows, competitors, skipped, staleHours, generatedAt }'), ...authErrors } },
  }, async (req) => priceTable(ctx, who(req), { ...(req.query.region ? { region: req.query.region } : {}), ...(req.query.q ? { q: req.query.q } : {}), undercutOnly: !!req.query.undercut }));

  api.get('/api/compare/export', {
    config: { action: 'compare.read' },
    schema: {
      tags,
      summary: 'The same table as CSV (UTF-8 with BOM) or XLSX; cells starting with = + - @ are prefixed with \' so they stay text',
      querystring: filter.extend({ format: z.enum(['csv', 'xlsx']).default('xlsx') }),
      response: { 200: body('the file'), ...authErrors },
    },
  }, async (req, reply) => {
    const f = await exportTable(ctx, who(req), req.query.format, { ...(req.query.region ? { region: req.query.region } : {}), ...(req.query.q ? { q: req.query.q } : {}) });
    return reply
      .type(f.contentType)
      .header('content-disposition', `attachment; filename="${f.filename}"`)
      .header('cache-control', 'no-store')
      .send(f.body);
  });
}
