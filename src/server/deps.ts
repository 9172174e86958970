import type { FastifyRequest } from 'fastify';
import type { ServiceContext } from '../service/context.js';
import type { Sessions } from './auth.js';

/** What every route group gets from the app. */
export interface ServerDeps {
  ctx: ServiceContext;
  sessions: Sessions;
  /** Mark cookies Secure for this request. */
  secure: (req: FastifyRequest) => boolean;
}
