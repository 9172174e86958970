import { interpolateEnv, redact, secretValues } from './env.js';
import type { Target } from './target-schema.js';
import type { Failure } from '../core/verdict.js';

/** The target's URL with `${ENV}` resolved (at request time only) and `{page}` filled in. */
export function targetUrl(target: Target, page?: number): string {
  const url = interpolateEnv(target.fetch.url, process.env, target.file);
  return page === undefined ? url : url.replaceAll('{page}', String(page));
}

export function targetSecrets(target: Target): Map<string, string> {
  return secretValues([
    { value: target.fetch.url, alwaysSecret: false },
    ...Object.values(target.fetch.headers).map((value) => ({ value, alwaysSecret: true })),
    ...Object.values(target.fetch.cookies).map((value) => ({ value, alwaysSecret: true })),
    ...(target.fetch.proxy ? [{ value: target.fetch.proxy, alwaysSecret: true }] : []),
  ]);
}

/** A failure as it may be shown, logged or stored: secrets replaced by their variable names. */
export function redactFailure(f: Failure, target: Target): Failure {
  const secrets = targetSecrets(target);
  if (secrets.size === 0) return f;
  return {
    ...f,
    message: redact(f.message, secrets),
    ...(f.url ? { url: redact(f.url, secrets) } : {}),
    ...(f.sample ? { sample: redact(f.sample, secrets) } : {}),
  };
}
