import { z } from 'zod';
import { VERSION } from '../../core/version.js';
import { checkPassword, principalOf } from '../../service/users.js';
import { RadarError } from '../../core/errors.js';
import { clearSessionCookie, SESSION_COOKIE, setSessionCookie } from '../auth.js';
import type { ServerDeps } from '../deps.js';
import { errorSchema, type Api } from './types.js';

const me = z.object({
  user: z.string(),
  role: z.string(),
  regions: z.array(z.string()),
  teams: z.array(z.string()),
  csrf: z.string().nullable().describe('send as x-csrf-token with every change made with this session'),
});

export function registerSession(api: Api, deps: ServerDeps, loginRate: number): void {
  api.get('/api/health', {
    config: { action: 'public' },
    schema: { tags: ['system'], summary: 'Liveness: answers without login', security: [], response: { 200: z.object({ ok: z.literal(true), version: z.string() }) } },
  }, async () => ({ ok: true as const, version: VERSION }));

  api.post('/api/session', {
    config: { action: 'login', rateLimit: { max: loginRate, timeWindow: '1 minute' } },
    schema: {
      tags: ['session'],
      summary: 'Log in: sets an HTTP-only session cookie and returns the CSRF token',
      security: [],
      body: z.object({ user: z.string().min(1).max(64), password: z.string().min(1).max(256) }),
      response: { 200: me, 401: errorSchema, 429: errorSchema },
    },
  }, async (req, reply) => {
    const u = await checkPassword(deps.ctx.paths.stateDir, req.body.user, req.body.password);
    if (!u) throw new RadarError('unauthorized', 'wrong user name or password');
    deps.sessions.destroy(req.cookies[SESSION_COOKIE]);
    const s = deps.sessions.create(u.name);
    setSessionCookie(reply, s.sid, deps.secure(req));
    const p = principalOf(u, 'session');
    return { user: p.user, role: p.role, regions: [...p.regions], teams: [...p.teams], csrf: s.csrf };
  });

  api.get('/api/session', {
    config: { action: 'public' },
    schema: { tags: ['session'], summary: 'Who is logged in (401 if nobody)', response: { 200: me, 401: errorSchema } },
  }, async (req) => {
    const p = req.who.principal;
    if (!p) throw new RadarError('unauthorized', 'not logged in');
    return { user: p.user, role: p.role, regions: [...p.regions], teams: [...p.teams], csrf: req.who.csrf };
  });

  api.delete('/api/session', {
    config: { action: 'self' },
    schema: { tags: ['session'], summary: 'Log out', response: { 204: z.null() } },
  }, async (req, reply) => {
    deps.sessions.destroy(req.cookies[SESSION_COOKIE]);
    clearSessionCookie(reply, deps.secure(req));
    return reply.code(204).send(null);
  });
}
