import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Principal } from '../../service/access.js';
import type { FastifyRequest } from 'fastify';

export type Api = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** The principal the edge already checked (routes with an action never run without one). */
export function who(req: FastifyRequest): Principal | null {
  return req.who.principal;
}

/** The version an editor started from: If-Match, or `etag` in the body (HTML forms cannot set headers). */
export function ifMatch(req: FastifyRequest): string | null {
  const h = req.headers['if-match'];
  if (typeof h === 'string' && h) return h;
  const b = req.body as { etag?: unknown } | undefined;
  return typeof b?.etag === 'string' && b.etag ? b.etag : null;
}

export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().nullable(), where: z.string().optional(), line: z.number().optional() }),
});

/** Error responses every authenticated route may give, for the OpenAPI document. */
export const authErrors = { 401: errorSchema, 403: errorSchema };

export const idParam = z.object({ id: z.string().min(1).max(300) });

/**
 * A success body described in words for the OpenAPI document; its shape is the service's
 * TypeScript type (src/service/), serialised as is.
 */
export const body = (description: string) => z.any().describe(description);
