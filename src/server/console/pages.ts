/**
 * The console: server-rendered pages over the same service functions as the API. Forms post
 * with the session's CSRF token; a failed save shows the form again with the error next to its
 * field and the text the user typed. Stable URLs other tools may link to (email and chat cards):
 *   /targets/{id}   /alerts/{id}   /hr/alerts/{id}   /compare?region={id}   /team   /delivery
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { loadRules } from '../../config/load.js';
import { RadarError } from '../../core/errors.js';
import { kindNames } from '../../kinds/registry.js';
import { can, ROLES, type Action, type Principal } from '../../service/access.js';
import * as alerts from '../../service/alerts.js';
import { ackAttrition, attritionAudit, getAttrition, listAttrition } from '../../service/attrition.js';
import { readChanges } from '../../service/audit.js';
import { priceTable } from '../../service/compare.js';
import { listOutbox, resend } from '../../service/outbox.js';
import { queueTotals, queueView } from '../../service/queue.js';
import { editableRules, getRuleFile, putRuleFile } from '../../service/rules.js';
import * as targets from '../../service/targets.js';
import type { TryResult } from '../../service/try.js';
import { builderView, fileDiff, parsePick } from '../../service/builder.js';
import { REPAIRABLE, repairedYaml, repairStart, saveRepair } from '../../service/builder-repair.js';
import { endSteps, recordedSteps } from '../../service/builder-steps.js';
import { registerBuilderSteps } from './builder-steps.js';
import { coachingPrompts, teamHealth } from '../../service/teams.js';
import { getScorecard, listScorecards, type ScorecardDetail } from '../../service/scorecards.js';
import { money, percent, signed } from '../../sales/format.js';
import { BAND_COLORS } from '../../deliver/heatmap.js';
import { radarSvg } from '../../deliver/radar-chart.js';
import { checkPassword, createToken, createUser, deleteUser, getUser, listUsers, revokeToken, updateUser } from '../../service/users.js';
import { clearSessionCookie, SESSION_COOKIE, setSessionCookie } from '../auth.js';
import type { ServerDeps } from '../deps.js';
import type { ErrorBody } from '../errors.js';
import { CONSOLE_ROOT, LOCALES, render, translate, type Locale } from './render.js';

type Body = Record<string, string | string[] | undefined>;
const LANG_COOKIE = 'radar_lang';

/** Where each role lands after login. */
function home(p: Principal): string {
  if (p.role === 'hr') return '/hr';
  if (p.role === 'manager') return '/team';
  if (p.role === 'sales') return '/scorecard';
  return '/targets';
}

function localeOf(req: FastifyRequest): Locale {
  const c = req.cookies[LANG_COOKIE];
  if (c === 'en' || c === 'zh-CN') return c;
  const al = req.headers['accept-language'] ?? '';
  return /^\s*zh/i.test(al) || !al ? 'zh-CN' : 'en';
}

const NAV: { href: string; key: string; action: Action }[] = [
  { href: '/targets', key: 'nav.targets', action: 'targets.read' },
  { href: '/compare', key: 'nav.compare', action: 'compare.read' },
  { href: '/alerts', key: 'nav.alerts', action: 'alerts.read' },
  { href: '/hr', key: 'nav.hr', action: 'attrition.read' },
  { href: '/team', key: 'nav.team', action: 'teams.read' },
  { href: '/scorecard', key: 'nav.scorecard', action: 'scorecards.read' },
  { href: '/delivery', key: 'nav.delivery', action: 'outbox.read' },
  { href: '/admin', key: 'nav.admin', action: 'users.manage' },
];

/** Flash messages are codes, never text from the URL, so a link cannot make the console say anything. */
const FLASH = new Set(['created', 'saved', 'deleted', 'paused', 'resumed', 'ran', 'queued', 'acked', 'muted', 'unmuted', 'resent', 'user_saved', 'user_deleted', 'token_revoked', 'rules_saved']);

const str = (v: unknown): string => (Array.isArray(v) ? String(v[0] ?? '') : typeof v === 'string' ? v : '');

export function registerConsole(app: FastifyInstance, deps: ServerDeps): void {
  const { ctx } = deps;
  const rules = () => loadRules(ctx.paths.rulesDir);

  const model = (req: FastifyRequest, title: string, extra: Record<string, unknown> = {}) => {
    const p = req.who.principal;
    const locale = localeOf(req);
    const path = req.url.split('?')[0] ?? '/';
    const ok = str((req.query as Body | undefined)?.ok);
    return {
      title,
      locale,
      timeZone: rules().owners.time_zone,
      otherLocale: locale === 'zh-CN' ? 'en' : 'zh-CN',
      otherLocaleName: locale === 'zh-CN' ? 'English' : '中文',
      path,
      pathEnc: encodeURIComponent(req.url),
      user: p,
      csrf: req.who.csrf,
      nav: p ? NAV.filter((n) => can(p, n.action)).map((n) => ({ ...n, label: translate(locale, n.key), current: path === n.href || path.startsWith(n.href + '/') })) : [],
      flash: FLASH.has(ok) ? translate(locale, `flash.${ok}`) : null,
      ...extra,
    };
  };
  const html = (reply: FastifyReply, view: string, m: ReturnType<typeof model>, status = 200) =>
    reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(render(view, m));
  const t = (req: FastifyRequest, key: string, vars?: Record<string, unknown>) => translate(localeOf(req), key, vars);

  // ---- static files, language, login ----
  const STATIC: Record<string, string> = { 'console.css': 'text/css; charset=utf-8', 'console.js': 'text/javascript; charset=utf-8' };
  const files = new Map<string, Buffer>();
  app.get<{ Params: { file: string } }>('/static/:file', { config: { action: 'public' } }, async (req, reply) => {
    const type = STATIC[req.params.file];
    if (!type) throw new RadarError('not_found', 'no such file');
    let b = files.get(req.params.file);
    if (!b) files.set(req.params.file, (b = readFileSync(join(CONSOLE_ROOT, 'static', req.params.file))));
    return reply.type(type).header('cache-control', 'public, max-age=300').send(b);
  });

  app.get<{ Querystring: Body }>('/lang', { config: { action: 'public' } }, async (req, reply) => {
    const to = str(req.query.to);
    const back = str(req.query.back);
    if (LOCALES.includes(to as Locale)) reply.setCookie(LANG_COOKIE, to, { path: '/', sameSite: 'lax', httpOnly: true, maxAge: 365 * 86_400 });
    return reply.redirect(back.startsWith('/') && !back.startsWith('//') ? back : '/');
  });

  app.get<{ Querystring: Body }>('/login', { config: { action: 'public' } }, async (req, reply) => {
    if (req.who.principal) return reply.redirect(home(req.who.principal));
    return html(reply, 'login', model(req, t(req, 'login.title'), { next: safeNext(str(req.query.next)) }));
  });

  app.post<{ Body: Body }>('/login', { config: { action: 'login', rateLimit: { max: 10, timeWindow: '1 minute' } } }, async (req, reply) => {
    const name = str(req.body.user);
    const u = name ? await checkPassword(ctx.paths.stateDir, name, str(req.body.password)) : null;
    if (!u) return html(reply, 'login', model(req, t(req, 'login.title'), { error: t(req, 'login.wrong'), userName: name, next: safeNext(str(req.body.next)) }), 401);
    deps.sessions.destroy(req.cookies[SESSION_COOKIE]);
    const s = deps.sessions.create(u.name);
    setSessionCookie(reply, s.sid, deps.secure(req));
    if (u.locale) reply.setCookie(LANG_COOKIE, u.locale, { path: '/', sameSite: 'lax', httpOnly: true, maxAge: 365 * 86_400 });
    const next = safeNext(str(req.body.next));
    return reply.redirect(next ?? home({ user: u.name, role: u.role, regions: u.regions, teams: u.teams, email: u.email, via: 'session' }));
  });

  app.post('/logout', { config: { action: 'self' } }, async (req, reply) => {
    deps.sessions.destroy(req.cookies[SESSION_COOKIE]);
    clearSessionCookie(reply, deps.secure(req));
    return reply.redirect('/login');
  });

  app.get('/', { config: { action: 'self' } }, async (req, reply) => reply.redirect(home(req.who.principal!)));

  // ---- targets ----
  app.get<{ Querystring: Body }>('/targets', { config: { action: 'targets.read' } }, async (req, reply) => {
    const q = req.query;
    const list = targets.listTargets(ctx, req.who.principal, { ...(str(q.region) ? { region: str(q.region) } : {}), ...(str(q.status) ? { status: str(q.status) } : {}), ...(str(q.q) ? { q: str(q.q) } : {}) });
    const counts: Record<string, number> = {};
    for (const x of list.targets) counts[x.health.status] = (counts[x.health.status] ?? 0) + 1;
    // Distributed mode: the queue and its workers under the targets, for those who run targets (as radar status prints it).
    const queue = ctx.queueUrl && can(req.who.principal, 'targets.run') ? await queueView(ctx, req.who.principal) : null;
    const queueShown = queue && queue.mode === 'distributed' ? { ...queue, ...(queue.reachable ? queueTotals(queue) : {}) } : null;
    return html(reply, 'targets', model(req, t(req, 'targets.title'), { list, counts, regions: regionsFor(req.who.principal!), filter: { region: str(q.region), status: str(q.status), q: str(q.q) }, canWrite: can(req.who.principal, 'targets.write'), queue: queueShown }));
  });

  const newForm = (req: FastifyRequest, extra: Record<string, unknown> = {}) =>
    model(req, t(req, 'new.title'), { regions: regionsFor(req.who.principal!), kinds: kindNames(), modes: ['http', 'browser', 'json'], ...extra });

  app.get<{ Querystring: Body }>('/targets/new', { config: { action: 'targets.write' } }, async (req, reply) =>
    html(reply, 'target-new', newForm(req, { form: { kind: 'price', fetchMode: 'http', schedule: '0 8 * * *', yaml: '' }, yamlMode: str(req.query.yaml) === '1' })),
  );

  app.post<{ Body: Body }>('/targets/new', { config: { action: 'targets.write' } }, async (req, reply) => {
    const b = req.body;
    const yamlMode = str(b.mode) === 'yaml';
    const form = Object.fromEntries(['id', 'competitor', 'region', 'kind', 'url', 'fetchMode', 'schedule', 'each', 'key', 'name', 'price', 'link', 'yaml'].map((k) => [k, str(b[k])]));
    let text = form.yaml ?? '';
    try {
      if (!yamlMode) {
        for (const k of ['id', 'competitor', 'url'] as const) if (!form[k]) throw new RadarError('invalid', t(req, 'new.required', { field: t(req, `new.${k}`) }), { field: k });
        text = targets.targetYaml({ id: form.id!, kind: form.kind!, competitor: form.competitor!, region: form.region!, url: form.url!, mode: form.fetchMode!, schedule: form.schedule!, each: form.each!, key: form.key!, name: form.name!, price: form.price!, link: form.link! });
      }
      if (str(b.do) === 'save') {
        const d = targets.createTarget(ctx, req.who.principal, { yaml: text });
        return reply.redirect(`/targets/${encodeURIComponent(d.target.id)}?ok=created`);
      }
      const tried = await targets.tryTarget(ctx, req.who.principal, { yaml: text });
      return html(reply, 'target-new', newForm(req, { form: { ...form, yaml: text }, yamlMode, generated: text, tried: tryView(tried) }));
    } catch (e) {
      const err = formError(e);
      return html(reply, 'target-new', newForm(req, { form: { ...form, yaml: text }, yamlMode, generated: text, error: err, errorInput: inputFor(err.field) }), statusOf(e));
    }
  });

  // ---- the point-and-click builder (ops): the page's picture, a click, the proposal, the file ----
  registerBuilderSteps(app, ctx, { page: (req, reply, view, titleKey, extra, status) => html(reply, view, model(req, t(req, titleKey), extra), status), t, formError, statusOf });
  const buildPage = async (req: FastifyRequest, reply: FastifyReply, b: Body, extra: Record<string, unknown> = {}, status = 200) => {
    // Repairing an existing target: its page, its old selectors read there, its file diffed on save.
    const repair = str(b.repair) ? repairStart(ctx, req.who.principal, str(b.repair)) : null;
    const url = str(b.url).trim() || repair?.url || '';
    const pickText = str(b.pick);
    const pick = parsePick(pickText);
    // A step-recording session: the products are picked on its live page, and its steps go into the file.
    const session = /^[0-9a-f-]{36}$/.test(str(b.session)) ? str(b.session) : null;
    const steps = session ? recordedSteps(ctx, req.who.principal, session) : null;
    const base = { regions: regionsFor(req.who.principal!), modes: ['http', 'browser'], url, pick: pick ? pickText : '', repair: repair ? { id: repair.id, etag: str(b.etag) || repair.etag, failure: repair.failure } : null, session: session ?? '', stepsYaml: steps?.steps.length ? stringify({ steps: steps.steps }, { lineWidth: 0 }) : '' };
    if (!url) return html(reply, 'target-build', model(req, t(req, 'build.title'), { ...base, form: {}, ...extra }), status);
    const typed = extra.form as Record<string, string> | undefined;
    const fields = typed ? Object.fromEntries(Object.entries({ name: typed.name, price: typed.price, url: typed.link, stock: typed.availability }).filter(([, v]) => v)) : {};
    let view: Awaited<ReturnType<typeof builderView>>;
    try {
      view = await builderView(ctx, req.who.principal, { url, pick, click: parsePick(str(b.click)), nextPick: parsePick(str(b.nextpick)), typed: typed?.each ? { each: typed.each, key: typed.key || null, fields } : null, typedPages: typed ? { next: typed.next ?? '', pattern: typed.pattern ?? '', pages: typed.pages ?? '' } : null, old: repair?.old ?? null, session });
    } catch (e) {
      // The page could not be read (robots.txt, a timeout): the form again, saying why.
      if (!(e instanceof RadarError) || e.code !== 'fetch') throw e;
      return html(reply, 'target-build', model(req, t(req, 'build.title'), { ...base, form: {}, ...extra, error: formError(e) }), 502);
    }
    const p = view.proposal;
    const state = `${view.pick ? `&pick=${view.pick.join('.')}` : ''}${view.nextPick ? `&nextpick=${view.nextPick.join('.')}` : ''}${repair ? `&repair=${encodeURIComponent(repair.id)}` : ''}`;
    const back = (path: number[]) => `/targets/build?url=${encodeURIComponent(url)}${session ? `&session=${session}` : ''}&click=${path.join('.')}${state}`;
    // Big boxes first, so the small ones inside them are on top and get the click.
    const boxes = [...view.boxes].sort((a, c) => c.w * c.h - a.w * a.h).map((x) => ({ ...x, href: back(x.path) }));
    const hl = Object.entries(view.highlights).flatMap(([kind, bs]) => bs.map((x) => ({ ...x, kind })));
    const host = (() => {
      try {
        const h = new URL(view.url).hostname;
        // A shop's name is in its host (www.acme.com → acme); an address or localhost says nothing.
        return /^[\d.]+$|^\[|^localhost$/.test(h) ? '' : (h.replace(/^www\./, '').split('.')[0] ?? '');
      } catch {
        return '';
      }
    })();
    const proposed = {
      id: host ? `${host.toLowerCase().replace(/[^a-z0-9-]/g, '-')}-prices` : '',
      competitor: host,
      region: base.regions[0]?.id ?? '',
      // Steps, or items only the rendered page has (drawn by script): read in a browser, or the first run finds nothing.
      fetchMode: session || view.needsBrowser ? 'browser' : 'http',
      schedule: '0 8 * * *',
      each: p?.each ?? '',
      key: p?.key ?? '',
      name: p?.fields.name ?? '',
      price: p?.fields.price ?? '',
      link: p?.fields.url ?? '',
      availability: p?.fields.stock ?? '',
      ...pagesForm(view.pages.config),
      ...(repair ? { id: repair.id, competitor: repair.target.competitor, region: repair.target.region, fetchMode: repair.target.fetch.mode, schedule: repair.target.schedule } : {}),
    };
    return html(reply, 'target-build', model(req, t(req, 'build.title'), { ...base, pick: view.pick?.join('.') ?? '', view: { ...view, boxes }, hl, form: proposed, ...extra }), status);
  };

  app.get<{ Querystring: Body }>('/targets/build', { config: { action: 'targets.write' } }, async (req, reply) => buildPage(req, reply, req.query));

  app.post<{ Body: Body; Querystring: Body }>('/targets/build', { config: { action: 'targets.write' } }, async (req, reply) => {
    const b = req.body;
    const form = Object.fromEntries(['id', 'competitor', 'region', 'url', 'fetchMode', 'schedule', 'each', 'key', 'name', 'price', 'link', 'availability', 'next', 'pattern', 'pages'].map((k) => [k, str(b[k]).trim()]));
    try {
      if (str(b.repair)) {
        const rs = repairStart(ctx, req.who.principal, str(b.repair));
        const pages = form.pattern ? { url: form.pattern, pages: form.pages || '1..5' } : form.next ? { next: form.next } : null;
        const text = repairedYaml(rs.yaml, { each: form.each!, key: form.key!, fields: { name: form.name!, price: form.price!, url: form.link!, stock: form.availability! }, pages });
        if (str(b.do) === 'save') {
          const d = saveRepair(ctx, req.who.principal, rs.id, text, str(b.etag));
          const tried = await targets.tryTarget(ctx, req.who.principal, { id: d.target.id });
          return targetPage(Object.assign(req, { params: { id: d.target.id }, query: { ok: 'saved' } }), reply, { tried: tryView(tried) });
        }
        targets.validateTargetText(ctx, text, rs.file);
        return buildPage(req, reply, b, { form: { ...form, id: rs.id }, diff: fileDiff(ctx, rs.id, text, rs.file) });
      }
      for (const k of ['id', 'competitor', 'url'] as const) if (!form[k]) throw new RadarError('invalid', t(req, 'new.required', { field: t(req, `new.${k}`) }), { field: k });
      const session = /^[0-9a-f-]{36}$/.test(str(b.session)) ? str(b.session) : null;
      const steps = session ? recordedSteps(ctx, req.who.principal, session).steps : [];
      // Steps run in a browser: a target with steps is a browser target whatever the form said.
      const text = targets.targetYaml({ id: form.id!, kind: 'price', competitor: form.competitor!, region: form.region!, url: form.pattern || form.url!, mode: steps.length ? 'browser' : form.fetchMode!, schedule: form.schedule!, each: form.each!, key: form.key!, name: form.name!, price: form.price!, link: form.link!, stock: form.availability!, next: form.pattern ? '' : form.next!, pages: form.pattern ? form.pages || '1..5' : '', steps });
      if (str(b.do) === 'save') {
        const d = targets.createTarget(ctx, req.who.principal, { yaml: text });
        // Saved: the live page is done with.
        if (session) await endSteps(ctx, req.who.principal, session);
        // Saved: try it once, as a run would read it, and show that on the target's page.
        const tried = await targets.tryTarget(ctx, req.who.principal, { id: d.target.id });
        return targetPage(Object.assign(req, { params: { id: d.target.id }, query: { ok: 'created' } }), reply, { tried: tryView(tried) });
      }
      targets.checkTarget(ctx, req.who.principal, { yaml: text });
      // The page again with what the user typed (not a fresh proposal) and the file it would write.
      return buildPage(req, reply, b, { form, diff: fileDiff(ctx, form.id!, text) });
    } catch (e) {
      if (!(e instanceof RadarError) || e.code === 'forbidden') throw e;
      return buildPage(req, reply, b, { form, error: formError(e) }, statusOf(e));
    }
  });

  /** The form's pagination fields from what the builder found: a next link, or a numbered pattern. */
  const pagesForm = (c: { next: string } | { url: string; pages: string } | null) => ({ next: c && 'next' in c ? c.next : '', pattern: c && 'url' in c ? c.url : '', pages: c && 'url' in c ? c.pages : '' });

  const targetPage = async (req: FastifyRequest<{ Params: { id: string }; Querystring: Body }>, reply: FastifyReply, extra: Record<string, unknown> = {}, status = 200) => {
    const d = targets.getTarget(ctx, req.who.principal, req.params.id, { ...(str(req.query.q) ? { q: str(req.query.q) } : {}) });
    const item = str(req.query.item) || d.items[0]?.key || '';
    let history: { key: string; item: Record<string, unknown> | null; history: { at: string; amount?: unknown }[] } | null = null;
    if (item && d.items.some((i) => i.key === item) && d.target.kind === 'price') history = targets.itemHistory(ctx, req.who.principal, req.params.id, item);
    return html(
      reply,
      'target',
      model(req, d.target.id, {
        d,
        rows: d.items.map((i) => ({ key: i.key, cells: d.columns.map((c) => i.data[c] ?? null), points: i.points, lastSeen: i.lastSeen, selected: i.key === item })),
        history: history ? { key: history.key, name: (history.item as { data?: { name?: unknown } } | null)?.data?.name ?? history.key, points: history.history.map((h) => ({ at: h.at, amount: h.amount })) } : null,
        lastRun: d.runs[0] ?? null,
        canWrite: can(req.who.principal, 'targets.write'),
        canRepair: can(req.who.principal, 'targets.write') && d.target.health.status === 'failing' && REPAIRABLE.has(d.target.health.failureClass ?? ''),
        canRun: can(req.who.principal, 'targets.run'),
        canMute: can(req.who.principal, 'alerts.act'),
        q: str(req.query.q),
        ...extra,
      }),
      status,
    );
  };

  app.get<{ Params: { id: string }; Querystring: Body }>('/targets/:id', { config: { action: 'targets.read' } }, async (req, reply) => targetPage(req, reply));

  app.post<{ Params: { id: string }; Body: Body; Querystring: Body }>('/targets/:id/run', { config: { action: 'targets.run' } }, async (req, reply) => {
    const r = await targets.runTargetNow(ctx, req.who.principal, req.params.id);
    return reply.redirect(`/targets/${encodeURIComponent(req.params.id)}?ok=${r.status === 'queued' ? 'queued' : 'ran'}`);
  });

  app.post<{ Params: { id: string }; Body: Body; Querystring: Body }>('/targets/:id/try', { config: { action: 'targets.write' } }, async (req, reply) => {
    const tried = await targets.tryTarget(ctx, req.who.principal, { id: req.params.id });
    return targetPage(req, reply, { tried: tryView(tried) });
  });

  for (const [verb, enabled] of [['pause', false], ['resume', true]] as const) {
    app.post<{ Params: { id: string }; Body: Body }>(`/targets/:id/${verb}`, { config: { action: 'targets.write' } }, async (req, reply) => {
      targets.setEnabled(ctx, req.who.principal, req.params.id, enabled);
      const back = str(req.body.back);
      return reply.redirect(`${back === 'list' ? '/targets' : `/targets/${encodeURIComponent(req.params.id)}`}?ok=${enabled ? 'resumed' : 'paused'}`);
    });
  }

  app.get<{ Params: { id: string } }>('/targets/:id/edit', { config: { action: 'targets.write' } }, async (req, reply) => {
    const d = targets.getTarget(ctx, req.who.principal, req.params.id, { itemLimit: 1 });
    return html(reply, 'target-edit', model(req, t(req, 'edit.title', { id: d.target.id }), { id: d.target.id, yaml: d.yaml, etag: d.etag }));
  });

  app.post<{ Params: { id: string }; Body: Body }>('/targets/:id/edit', { config: { action: 'targets.write' } }, async (req, reply) => {
    const yaml = str(req.body.yaml);
    try {
      if (str(req.body.do) === 'try') {
        const tried = await targets.tryTarget(ctx, req.who.principal, { yaml });
        return html(reply, 'target-edit', model(req, t(req, 'edit.title', { id: req.params.id }), { id: req.params.id, yaml, etag: str(req.body.etag), tried: tryView(tried) }));
      }
      targets.updateTarget(ctx, req.who.principal, req.params.id, { yaml }, str(req.body.etag) || null);
      return reply.redirect(`/targets/${encodeURIComponent(req.params.id)}?ok=saved`);
    } catch (e) {
      if (!(e instanceof RadarError) || e.code === 'not_found' || e.code === 'forbidden') throw e;
      const err = formError(e);
      // On a conflict, show what is there now beside what the user typed.
      const current = e.code === 'conflict' && err.field === 'etag' ? targets.getTarget(ctx, req.who.principal, req.params.id, { itemLimit: 1 }) : null;
      return html(reply, 'target-edit', model(req, t(req, 'edit.title', { id: req.params.id }), { id: req.params.id, yaml, etag: current?.etag ?? str(req.body.etag), error: err, current: current?.yaml ?? null }), statusOf(e));
    }
  });

  app.post<{ Params: { id: string }; Body: Body }>('/targets/:id/delete', { config: { action: 'targets.write' } }, async (req, reply) => {
    targets.deleteTarget(ctx, req.who.principal, req.params.id, str(req.body.etag) || null);
    return reply.redirect('/targets?ok=deleted');
  });

  // ---- 比价 ----
  app.get<{ Querystring: Body }>('/compare', { config: { action: 'compare.read' } }, async (req, reply) => {
    const q = req.query;
    const filter = { ...(str(q.region) ? { region: str(q.region) } : {}), ...(str(q.q) ? { q: str(q.q) } : {}), undercutOnly: str(q.undercut) === '1' };
    const view = await priceTable(ctx, req.who.principal, filter);
    const exportQuery = new URLSearchParams({ ...(filter.region ? { region: filter.region } : {}), ...(filter.q ? { q: filter.q } : {}) }).toString();
    return html(reply, 'compare', model(req, t(req, 'compare.title'), { view, filter: { region: str(q.region), q: str(q.q), undercut: filter.undercutOnly }, exportQuery: exportQuery ? `&${exportQuery}` : '' }));
  });

  // ---- alerts ----
  app.get<{ Querystring: Body }>('/alerts', { config: { action: 'alerts.read' } }, async (req, reply) => {
    const q = req.query;
    const status = str(q.status);
    const list = alerts.listAlerts(ctx, req.who.principal, {
      ...(str(q.topic) ? { topic: str(q.topic) } : {}),
      ...(str(q.region) ? { region: str(q.region) } : {}),
      ...(str(q.target) ? { target: str(q.target) } : {}),
      ...(status === 'open' || status === 'acked' || status === 'muted' ? { status } : {}),
      ...(str(q.q) ? { q: str(q.q) } : {}),
      limit: 200,
    });
    const mutes = alerts.listMutes(ctx, req.who.principal);
    return html(reply, 'alerts', model(req, t(req, 'alerts.title'), { list, mutes, topics: ['price', 'comparison', 'tender', 'job', 'scraper', 'mail', 'team', 'coaching'], filter: { topic: str(q.topic), status, q: str(q.q), target: str(q.target) }, canAct: can(req.who.principal, 'alerts.act') }));
  });

  app.get<{ Params: { id: string } }>('/alerts/:id', { config: { action: 'alerts.read' } }, async (req, reply) => {
    const a = alerts.getAlert(ctx, req.who.principal, req.params.id);
    return html(reply, 'alert', model(req, a.title, { a, payload: Object.entries(a.payload).filter(([, v]) => v === null || typeof v !== 'object').map(([k, v]) => ({ k, v })), canAct: can(req.who.principal, 'alerts.act') }));
  });

  app.post<{ Params: { id: string }; Body: Body }>('/alerts/:id/ack', { config: { action: 'alerts.act' } }, async (req, reply) => {
    alerts.ackAlert(ctx, req.who.principal, req.params.id, str(req.body.note));
    return reply.redirect(backTo(str(req.body.back), `/alerts/${encodeURIComponent(req.params.id)}`) + 'ok=acked');
  });

  app.post<{ Body: Body }>('/mutes', { config: { action: 'alerts.act' } }, async (req, reply) => {
    const b = req.body;
    alerts.addMute(ctx, req.who.principal, { targetId: str(b.targetId), key: str(b.key) || null, days: Number(str(b.days)), ...(str(b.note) ? { note: str(b.note) } : {}) });
    return reply.redirect(backTo(str(b.back), '/alerts') + 'ok=muted');
  });

  app.post<{ Params: { id: string }; Body: Body }>('/mutes/:id/delete', { config: { action: 'alerts.act' } }, async (req, reply) => {
    alerts.removeMute(ctx, req.who.principal, req.params.id);
    return reply.redirect(backTo(str(req.body.back), '/alerts') + 'ok=unmuted');
  });

  // ---- HR review ----
  app.get('/hr', { config: { action: 'attrition.read' } }, async (req, reply) => {
    const all = await listAttrition(ctx, req.who.principal, { reviewed: true });
    return html(reply, 'hr', model(req, t(req, 'hr.title'), { open: all.filter((r) => r.status === 'open'), reviewed: all.filter((r) => r.status === 'acked') }));
  });

  app.get<{ Params: { id: string } }>('/hr/alerts/:id', { config: { action: 'attrition.read' } }, async (req, reply) => {
    const a = await getAttrition(ctx, req.who.principal, req.params.id);
    const audit = await attritionAudit(ctx, req.who.principal, { alertId: a.alertId, limit: 50 });
    return html(reply, 'hr-alert', model(req, t(req, 'hr.alert_title'), { a, audit }));
  });

  app.post<{ Params: { id: string }; Body: Body }>('/hr/alerts/:id/ack', { config: { action: 'attrition.act' } }, async (req, reply) => {
    try {
      await ackAttrition(ctx, req.who.principal, req.params.id, str(req.body.note));
      return reply.redirect(`/hr/alerts/${encodeURIComponent(req.params.id)}?ok=acked`);
    } catch (e) {
      if (!(e instanceof RadarError) || e.code === 'not_found' || e.code === 'forbidden') throw e;
      const a = await getAttrition(ctx, req.who.principal, req.params.id);
      const audit = await attritionAudit(ctx, req.who.principal, { alertId: a.alertId, limit: 50 });
      return html(reply, 'hr-alert', model(req, t(req, 'hr.alert_title'), { a, audit, error: formError(e), note: str(req.body.note) }), statusOf(e));
    }
  });

  app.get('/hr/audit', { config: { action: 'attrition.read' } }, async (req, reply) => {
    const audit = await attritionAudit(ctx, req.who.principal, { limit: 300 });
    return html(reply, 'hr-audit', model(req, t(req, 'hr.audit'), { audit }));
  });

  // ---- managers ----
  app.get('/team', { config: { action: 'teams.read' } }, async (req, reply) => {
    const view = teamHealth(ctx, req.who.principal);
    return html(reply, 'team', model(req, t(req, 'team.title'), { view, prompts: coachingPrompts(ctx, req.who.principal) }));
  });

  // ---- monthly scorecard: a salesperson their own, a manager their teams' people ----
  const scorecardPage = (req: FastifyRequest, reply: FastifyReply, c: ScorecardDetail, back: boolean) => {
    const locale = localeOf(req);
    const one = (x: number | null) => (x === null ? '–' : x.toFixed(1));
    const unit = (id: string, v: number | null): string => {
      if (v === null) return '–';
      if (id === 'collections' || id === 'margin') return money(v, locale);
      if (id === 'satisfaction') return `${v.toFixed(2)} / 5`;
      if (id === 'compliance') return percent(v);
      return String(v);
    };
    const label = (id: string) => t(req, `scorecard.dim_${id}`);
    const dims = c.dims.map((d) => ({
      label: label(d.id),
      weight: d.weight,
      value: unit(d.id, d.value),
      median: unit(d.id, d.peerMedian),
      score: one(d.score),
      band: d.band,
      // The raw gap to the peers' median, in the dimension's own unit.
      gap: d.value !== null && d.peerMedian !== null ? (d.id === 'collections' || d.id === 'margin' ? `${d.value >= d.peerMedian ? '+' : '−'}${money(Math.abs(d.value - d.peerMedian), locale)}` : d.id === 'compliance' ? `${signed(d.value - d.peerMedian, 0)}%` : signed(d.value - d.peerMedian, d.id === 'new_customers' ? 1 : 2)) : '–',
    }));
    const radar = radarSvg({ axes: c.dims.map((d) => ({ label: label(d.id), score: d.score })), middleLabel: t(req, 'scorecard.middle'), color: BAND_COLORS[c.band ?? 'none'].text });
    return html(
      reply,
      'scorecard',
      model(req, `${t(req, 'scorecard.title')} · ${c.name}`, {
        c,
        back,
        self: req.url.split('?')[0],
        dims,
        radar: radar.svg,
        medianScore: one(c.peerMedianScore),
        prevScore: one(c.prevScore),
        delta: c.delta === null ? '' : signed(c.delta),
        gap: c.gapToGreen === null ? '' : c.gapToGreen.toFixed(1),
        cycle: c.cycleDays !== null && c.peerCycleDays !== null ? t(req, 'scorecard.cycle', { days: c.cycleDays.toFixed(0), median: c.peerCycleDays.toFixed(0) }) : null,
        courses: c.courses.map((x) => ({ dim: x.dim === 'collection_cycle' ? label('collection_cycle') : label(x.dim), name: locale === 'zh-CN' ? x.zh : x.en, link: x.link ?? null })),
      }),
    );
  };

  app.get<{ Querystring: Body }>('/scorecard', { config: { action: 'scorecards.read' } }, async (req, reply) => {
    const month = str(req.query.month) || undefined;
    const list = listScorecards(ctx, req.who.principal, month ? { month } : {});
    // A salesperson has one card a month, their own: shown at once.
    if (req.who.principal?.role === 'sales') {
      const own = list.people[0];
      if (own) return scorecardPage(req, reply, getScorecard(ctx, req.who.principal, own.employeeId, list.month ? { month: list.month } : {}), false);
    }
    return html(reply, 'scorecards', model(req, t(req, 'scorecard.team_title'), { list }));
  });

  app.get<{ Params: { id: string }; Querystring: Body }>('/scorecard/:id', { config: { action: 'scorecards.read' } }, async (req, reply) => {
    const month = str(req.query.month) || undefined;
    const c = getScorecard(ctx, req.who.principal, req.params.id, month ? { month } : {});
    return scorecardPage(req, reply, c, req.who.principal?.role !== 'sales');
  });

  // ---- delivery (ops and admins) ----
  app.get<{ Querystring: Body }>('/delivery', { config: { action: 'outbox.read' } }, async (req, reply) => {
    const status = str(req.query.status);
    const r = listOutbox(ctx, req.who.principal, { ...(['pending', 'sending', 'sent', 'stuck', 'dead'].includes(status) ? { status: status as 'sent' } : {}), limit: 300 });
    return html(reply, 'delivery', model(req, t(req, 'delivery.title'), { r, status, statuses: ['pending', 'sending', 'stuck', 'dead', 'sent'], canAct: can(req.who.principal, 'outbox.act') }));
  });

  app.post<{ Params: { id: string } }>('/delivery/:id/resend', { config: { action: 'outbox.act' } }, async (req, reply) => {
    await resend(ctx, req.who.principal, req.params.id);
    return reply.redirect('/delivery?ok=resent');
  });

  // ---- admin ----
  const adminPage = (req: FastifyRequest, extra: Record<string, unknown> = {}) => {
    const users = listUsers(ctx, req.who.principal);
    return model(req, t(req, 'admin.title'), { users, roles: ROLES, regions: regionsFor(req.who.principal!), rules: editableRules, ...extra });
  };

  app.get('/admin', { config: { action: 'users.manage' } }, async (req, reply) => html(reply, 'admin', adminPage(req)));

  app.post<{ Body: Body }>('/admin/users', { config: { action: 'users.manage' } }, async (req, reply) => {
    const b = req.body;
    const input = userForm(b);
    try {
      await createUser(ctx, req.who.principal, { name: str(b.name), password: str(b.password), ...input }, { knownRegions: Object.keys(rules().owners.regions) });
      return reply.redirect('/admin?ok=user_saved');
    } catch (e) {
      if (!(e instanceof RadarError) || e.code === 'forbidden') throw e;
      return html(reply, 'admin', adminPage(req, { error: formError(e), form: { name: str(b.name), ...input } }), statusOf(e));
    }
  });

  const userPage = (req: FastifyRequest<{ Params: { name: string } }>, extra: Record<string, unknown> = {}) => {
    const u = getUser(ctx, req.who.principal, req.params.name);
    return model(req, u.user.name, { u: u.user, version: u.version, roles: ROLES, regions: regionsFor(req.who.principal!), ...extra });
  };

  app.get<{ Params: { name: string } }>('/admin/users/:name', { config: { action: 'users.manage' } }, async (req, reply) => html(reply, 'admin-user', userPage(req)));

  app.post<{ Params: { name: string }; Body: Body }>('/admin/users/:name', { config: { action: 'users.manage' } }, async (req, reply) => {
    const b = req.body;
    try {
      await updateUser(ctx, req.who.principal, req.params.name, { ...userForm(b), ...(str(b.password) ? { password: str(b.password) } : {}) }, Number(str(b.version)) || null, { knownRegions: Object.keys(rules().owners.regions) });
      deps.sessions.destroyUser(req.params.name);
      return reply.redirect('/admin?ok=user_saved');
    } catch (e) {
      if (!(e instanceof RadarError) || e.code === 'forbidden' || e.code === 'not_found') throw e;
      return html(reply, 'admin-user', userPage(req, { error: formError(e) }), statusOf(e));
    }
  });

  app.post<{ Params: { name: string }; Body: Body }>('/admin/users/:name/delete', { config: { action: 'users.manage' } }, async (req, reply) => {
    deleteUser(ctx, req.who.principal, req.params.name, Number(str(req.body.version)) || null);
    deps.sessions.destroyUser(req.params.name);
    return reply.redirect('/admin?ok=user_deleted');
  });

  app.post<{ Params: { name: string }; Body: Body }>('/admin/users/:name/tokens', { config: { action: 'users.manage' } }, async (req, reply) => {
    const tok = createToken(ctx, req.who.principal, req.params.name, str(req.body.label));
    return html(reply, 'admin-user', userPage(req, { newToken: tok.token }));
  });

  app.post<{ Params: { name: string; id: string } }>('/admin/users/:name/tokens/:id/delete', { config: { action: 'users.manage' } }, async (req, reply) => {
    revokeToken(ctx, req.who.principal, req.params.name, req.params.id);
    return reply.redirect(`/admin/users/${encodeURIComponent(req.params.name)}?ok=token_revoked`);
  });

  app.get<{ Params: { name: string } }>('/admin/rules/:name', { config: { action: 'rules.edit' } }, async (req, reply) => {
    const r = getRuleFile(ctx, req.who.principal, req.params.name);
    return html(reply, 'admin-rules', model(req, `rules/${r.name}`, { r }));
  });

  app.post<{ Params: { name: string }; Body: Body }>('/admin/rules/:name', { config: { action: 'rules.edit' } }, async (req, reply) => {
    const yaml = str(req.body.yaml);
    try {
      putRuleFile(ctx, req.who.principal, req.params.name, yaml, str(req.body.etag) || null);
      return reply.redirect(`/admin/rules/${encodeURIComponent(req.params.name)}?ok=rules_saved`);
    } catch (e) {
      if (!(e instanceof RadarError) || e.code === 'forbidden' || e.code === 'not_found') throw e;
      const cur = getRuleFile(ctx, req.who.principal, req.params.name);
      return html(reply, 'admin-rules', model(req, `rules/${req.params.name}`, { r: { name: req.params.name, yaml, etag: str(req.body.etag) }, error: formError(e), current: e.code === 'conflict' ? cur.yaml : null }), statusOf(e));
    }
  });

  app.get('/admin/audit', { config: { action: 'audit.read' } }, async (req, reply) => html(reply, 'admin-audit', model(req, t(req, 'admin.audit'), { audit: readChanges(ctx, req.who.principal, { limit: 300 }) })));

  // Pages get an HTML error page; the API keeps JSON (see app.ts).
  errorPageImpl = (req, reply, status, body) => {
    if (status === 401 && req.method === 'GET') return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`);
    if (status === 401) return reply.redirect('/login');
    return html(reply, 'error', model(req, t(req, `error.${status}`), { status, message: body.error.message }), status);
  };

  function regionsFor(p: Principal) {
    return Object.entries(rules().owners.regions)
      .filter(([id]) => p.role !== 'head' || p.regions.includes(id))
      .map(([id, r]) => ({ id, name: r.name ?? id, nameEn: r.name_en ?? r.name ?? id }));
  }
}

let errorPageImpl: ((req: FastifyRequest, reply: FastifyReply, status: number, body: ErrorBody) => FastifyReply) | null = null;

export function errorPage(req: FastifyRequest, reply: FastifyReply, status: number, body: ErrorBody, _deps: ServerDeps): FastifyReply {
  if (errorPageImpl) return errorPageImpl(req, reply, status, body);
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/** Only a path on this site: never an absolute URL (an open redirect). */
function safeNext(next: string): string | null {
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : null;
}

function backTo(back: string, fallback: string): string {
  const b = safeNext(back) ?? fallback;
  return b + (b.includes('?') ? '&' : '?');
}

function formError(e: unknown): { message: string; field: string | null; where: string | null } {
  if (e instanceof RadarError) return { message: e.message, field: e.field ?? null, where: e.where ?? null };
  throw e;
}

function statusOf(e: unknown): number {
  if (!(e instanceof RadarError)) return 500;
  if (e.code === 'conflict') return e.field === 'etag' ? 412 : 409;
  return 400;
}

/** The form input a target error is about, so it can be marked and described. */
function inputFor(field: string | null): string | null {
  if (!field) return null;
  const map: Record<string, string> = { id: 'id', competitor: 'competitor', region: 'region', kind: 'kind', schedule: 'schedule', 'fetch.url': 'url', 'fetch.mode': 'fetchMode', 'items.each': 'each', 'items.key': 'key', 'items.fields.name': 'name', 'items.fields.price': 'price', 'items.fields.url': 'link', url: 'url' };
  return map[field] ?? (field.startsWith('items') ? 'each' : field.startsWith('fetch') ? 'url' : null);
}

function userForm(b: Body) {
  const list = (v: unknown) => (Array.isArray(v) ? v : str(v).split(',')).map((s) => String(s).trim()).filter(Boolean);
  return {
    role: str(b.role),
    regions: list(b.regions),
    teams: list(b.teams),
    email: str(b.email) || null,
    locale: str(b.locale) === 'en' || str(b.locale) === 'zh-CN' ? str(b.locale) : null,
  };
}

function tryView(r: TryResult) {
  return {
    verdict: r.verdict,
    summary: r.summary,
    pages: r.pages,
    columns: r.columns,
    problems: r.problems.slice(0, 10),
    count: r.items.length,
    rows: r.items.slice(0, 50).map((i) => ({ key: i.key, cells: r.columns.map((c) => i.data[c] ?? null), explain: r.explain[i.key] ?? null })),
    explains: Object.keys(r.explain).length > 0,
  };
}
