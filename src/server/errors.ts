import { RadarError } from '../core/errors.js';

/** The JSON every API error answers with. `field` names the input at fault; `where`/`line` the file position. */
export interface ErrorBody {
  error: { code: string; message: string; field: string | null; where?: string; line?: number };
}

const STATUS: Partial<Record<string, number>> = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid: 400,
  config: 400,
  usage: 400,
  // A page someone asked to read could not be (robots.txt, a timeout): the upstream failed, not us.
  fetch: 502,
};

/**
 * Status and body for an error. Anything that is not a RadarError is a bug: the client gets a
 * generic message (the log has the rest), so no file content or HR datum leaks through a stack.
 */
export function errorReply(err: unknown): { status: number; body: ErrorBody } {
  const v = err as { validation?: { instancePath?: string; params?: { issue?: { path?: unknown[] } }; message?: string }[]; validationContext?: string; statusCode?: number; code?: string; message?: string };
  if (Array.isArray(v.validation) && v.validation.length) {
    const first = v.validation[0]!;
    const path = first.params?.issue?.path?.map(String).join('.') || (first.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    const field = path || null;
    const where = v.validationContext && v.validationContext !== 'body' ? `${v.validationContext}: ` : '';
    return { status: 400, body: { error: { code: 'invalid', message: `${where}${field ? `${field}: ` : ''}${first.message ?? 'invalid input'}`, field } } };
  }
  if (err instanceof RadarError) {
    let status = STATUS[err.code] ?? 500;
    // A stale version is a failed precondition; a missing one, a required precondition.
    if (err.code === 'conflict' && err.field === 'etag') status = /send the version/.test(err.message) ? 428 : 412;
    const line = err.where ? Number(/:(\d+)$/.exec(err.where)?.[1]) : NaN;
    return {
      status,
      body: {
        error: {
          code: err.code,
          message: status === 500 ? 'internal error (see the server log)' : err.message,
          field: err.field ?? null,
          ...(err.where && status !== 500 ? { where: err.where } : {}),
          ...(Number.isFinite(line) ? { line } : {}),
        },
      },
    };
  }
  // Fastify's own client errors (bad JSON, body too large, unsupported media type).
  if (typeof v.statusCode === 'number' && v.statusCode >= 400 && v.statusCode < 500) {
    const code = v.statusCode === 429 ? 'rate_limited' : v.statusCode === 413 ? 'too_large' : 'bad_request';
    return { status: v.statusCode, body: { error: { code, message: v.message ?? 'bad request', field: null } } };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'internal error (see the server log)', field: null } } };
}
