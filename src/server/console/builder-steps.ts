/**
 * The builder's step recorder in the console: the live page's picture (click an element to pick
 * it), what can be done with the element picked (click it, type into it, choose an option, wait
 * for it), scrolling and waiting, the steps so far (each removable) and a replay from the
 * address. Every change is a POST with the session's CSRF token; each answer is a redirect to the
 * recorder's page, so reloading it does nothing twice.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RadarError } from '../../core/errors.js';
import { parsePick } from '../../service/builder.js';
import { closeBuilderSessions, endSteps, recordedSteps, recordStep, removeStep, replaySteps, startSteps, stepsView, type StepAction } from '../../service/builder-steps.js';
import type { ServiceContext } from '../../service/context.js';

type Body = Record<string, string | string[] | undefined>;
const str = (v: unknown): string => (Array.isArray(v) ? String(v[0] ?? '') : typeof v === 'string' ? v : '');

/** What the console's pages share with this one (rendering, translation, form errors). */
export interface ConsoleKit {
  page(req: FastifyRequest, reply: FastifyReply, view: string, titleKey: string, extra: Record<string, unknown>, status?: number): FastifyReply;
  t(req: FastifyRequest, key: string, vars?: Record<string, unknown>): string;
  formError(e: unknown): { message: string; field: string | null; where: string | null };
  statusOf(e: unknown): number;
}

const ID = /^[0-9a-f-]{36}$/;

export function registerBuilderSteps(app: FastifyInstance, ctx: ServiceContext, kit: ConsoleKit): void {
  // The builder's browser goes with the server.
  app.addHook('onClose', async () => closeBuilderSessions(ctx));

  const stepsPage = async (req: FastifyRequest, reply: FastifyReply, id: string, pickText: string, extra: Record<string, unknown> = {}, status = 200) => {
    const pick = parsePick(pickText);
    const view = await stepsView(ctx, req.who.principal, id, pick);
    const self = `/targets/build/steps/${id}`;
    // Big boxes first, so the small ones inside them are on top and get the click.
    const boxes = [...view.boxes].sort((a, c) => c.w * c.h - a.w * a.h).map((x) => ({ ...x, href: `${self}?pick=${x.path.join('.')}` }));
    const products = `/targets/build?url=${encodeURIComponent(view.url)}&session=${id}`;
    return kit.page(req, reply, 'target-steps', 'steps.title', { view: { ...view, boxes }, self, products, buildUrl: view.url, ...extra }, status);
  };

  app.post<{ Body: Body }>('/targets/build/steps', { config: { action: 'targets.write' } }, async (req, reply) => {
    const url = str(req.body.url).trim();
    try {
      const { id } = await startSteps(ctx, req.who.principal, url);
      return reply.redirect(`/targets/build/steps/${id}`, 303);
    } catch (e) {
      if (!(e instanceof RadarError) || e.code === 'forbidden') throw e;
      // The page could not be opened (robots.txt, a timeout): 502 with the reason, as the builder says it.
      return kit.page(req, reply, 'target-steps', 'steps.title', { buildUrl: url, error: kit.formError(e) }, e.code === 'fetch' ? 502 : kit.statusOf(e));
    }
  });

  app.get<{ Params: { id: string }; Querystring: Body }>('/targets/build/steps/:id', { config: { action: 'targets.write' } }, async (req, reply) => {
    if (!ID.test(req.params.id)) throw new RadarError('not_found', 'no such builder session');
    return stepsPage(req, reply, req.params.id, str(req.query.pick));
  });

  app.post<{ Params: { id: string }; Body: Body }>('/targets/build/steps/:id', { config: { action: 'targets.write' } }, async (req, reply) => {
    const id = req.params.id;
    if (!ID.test(id)) throw new RadarError('not_found', 'no such builder session');
    const b = req.body;
    const who = req.who.principal;
    const act = str(b.do);
    const back = () => reply.redirect(`/targets/build/steps/${id}`, 303);
    try {
      if (act === 'end') {
        const { url } = recordedSteps(ctx, who, id);
        await endSteps(ctx, who, id);
        return reply.redirect(`/targets/build?url=${encodeURIComponent(url)}`, 303);
      }
      if (act === 'remove') {
        await removeStep(ctx, who, id, Number(str(b.n)));
        return back();
      }
      if (act === 'replay') {
        await replaySteps(ctx, who, id);
        return back();
      }
      const action = actionOf(act, b);
      if (!action) throw new RadarError('invalid', `unknown action "${act}"`, { field: 'do' });
      const { recorded } = await recordStep(ctx, who, id, action);
      // A step that did nothing keeps the element picked, so it can be tried another way.
      return recorded || !str(b.pick) ? back() : reply.redirect(`/targets/build/steps/${id}?pick=${encodeURIComponent(str(b.pick))}`, 303);
    } catch (e) {
      if (!(e instanceof RadarError) || e.code === 'forbidden' || e.code === 'not_found') throw e;
      return stepsPage(req, reply, id, str(b.pick), { error: kit.formError(e) }, e.code === 'fetch' ? 502 : kit.statusOf(e));
    }
  });
}

function actionOf(act: string, b: Body): StepAction | null {
  const selector = str(b.selector);
  switch (act) {
    case 'click':
    case 'wait_for':
      return { do: act, selector };
    case 'fill':
      return { do: 'fill', selector, value: str(b.value), submit: str(b.submit) === '1' };
    case 'select':
      return { do: 'select', selector, value: str(b.value) };
    case 'scroll':
      return { do: 'scroll', times: Number(str(b.times) || '1') };
    case 'wait':
      return { do: 'wait', ms: Number(str(b.ms) || '0') };
    default:
      return null;
  }
}
