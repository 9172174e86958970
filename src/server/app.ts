/**
 * The HTTP face: one Fastify server with the REST API under /api and the console pages beside it.
 * Route handlers only translate HTTP to service calls and back; every rule lives in src/service/.
 * The edge still checks each route's declared action against the role table before the handler
 * runs (the service checks again), so a route that forgets a check cannot open a door.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireAction, type Action } from '../service/access.js';
import type { ServiceContext } from '../service/context.js';
import { VERSION } from '../core/version.js';
import { checkCsrf, checkOrigin, identify, Sessions, type Who } from './auth.js';
import { RadarError } from '../core/errors.js';
import { errorReply, type ErrorBody } from './errors.js';
import type { ServerDeps } from './deps.js';
import { registerApi } from './api/routes.js';

declare module 'fastify' {
  interface FastifyRequest {
    who: Who;
  }
  interface FastifyContextConfig {
    /**
     * What the route does, checked against the role table before its handler runs. 'public': no
     * login (health, OpenAPI, static files); 'login': the login itself (origin checked, no CSRF
     * token yet); 'self': anyone logged in (their own session). A route without one is refused.
     */
    action?: Action | 'public' | 'login' | 'self';
  }
}

export interface AppOptions {
  ctx: ServiceContext;
  /** Mark cookies Secure (behind HTTPS). Default: when the request came over HTTPS. */
  secureCookies?: boolean;
  /** Trust X-Forwarded-* from a reverse proxy (for the client IP in rate limits and for https). */
  trustProxy?: boolean;
  logger?: boolean;
  /** Console pages (HTML); off for API-only use and in API tests that do not need them. */
  console?: boolean;
  /** Logins per minute per address before 429. */
  loginRate?: number;
}

export type App = FastifyInstance;

export type { ServerDeps } from './deps.js';

export async function buildApp(opts: AppOptions): Promise<App> {
  const app = Fastify({ logger: opts.logger ?? false, trustProxy: opts.trustProxy ?? false, bodyLimit: 1024 * 1024 });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const sessions = new Sessions();
  const deps: ServerDeps = { ctx: opts.ctx, sessions, secure: (req) => opts.secureCookies ?? req.protocol === 'https' };

  await app.register(cookie);
  await app.register(formbody);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    // Plain HTTP on a LAN is a supported setup; HSTS is the reverse proxy's business.
    strictTransportSecurity: false,
  });
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'sales-radar API',
        version: VERSION,
        description:
          'Targets, runs, alerts, 比价, outbox, HR review and team health. Log in with POST /api/session (cookie; send x-csrf-token on changes) or send Authorization: Bearer <token>. Errors: {"error": {"code", "message", "field"}}.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'radar_session' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    transform: jsonSchemaTransform,
  });

  app.decorateRequest('who', null as unknown as Who);
  app.addHook('onRequest', async (req) => {
    req.who = { principal: null, csrf: null, via: null };
    req.who = identify(req, sessions, opts.ctx.paths.stateDir);
  });
  // After the body is parsed (a form's _csrf), before the handler: CSRF, then the route's action.
  app.addHook('preHandler', async (req) => {
    const action = req.routeOptions.config.action;
    if (action === 'public' || req.is404) return;
    if (action === 'login') return checkOrigin(req);
    checkCsrf(req, req.who);
    if (action === 'self') {
      if (!req.who.principal) throw new RadarError('unauthorized', 'log in first');
      return;
    }
    // Deny by default: a route that declares nothing is a bug, not an open door.
    if (!action) throw new RadarError('internal', `route ${req.routeOptions.url ?? req.url} declares no action`);
    requireAction(req.who.principal, action);
  });

  const pages = opts.console !== false ? await import('./console/pages.js') : null;
  // JSON for the API; the console answers with a page (a login form for 401).
  const sendError = (req: FastifyRequest, reply: FastifyReply, status: number, body: ErrorBody) =>
    pages && !req.url.startsWith('/api/') ? pages.errorPage(req, reply, status, body, deps) : reply.code(status).type('application/json; charset=utf-8').send(body);
  app.setErrorHandler((err, req, reply) => {
    const { status, body } = errorReply(err);
    if (status >= 500) req.log.error({ err }, 'request failed');
    return sendError(req, reply, status, body);
  });
  app.setNotFoundHandler((req, reply) => sendError(req, reply, 404, { error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}`, field: null } }));

  app.get('/api/openapi.json', { config: { action: 'public' }, schema: { hide: true } }, async () => app.swagger());
  await app.register(async (api) => registerApi(api.withTypeProvider<ZodTypeProvider>(), deps, { loginRate: opts.loginRate ?? 10 }));
  if (pages) await app.register(async (scope) => pages.registerConsole(scope, deps));
  return app;
}

