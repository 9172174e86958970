/**
 * The request a target describes: method, body (a YAML mapping is sent as JSON) and the page
 * or offset parameter of `fetch.paginate`. `${ENV}` in the body is resolved here, at request time.
 */
import type { Target } from '../config/target-schema.js';
import { interpolateEnv } from '../config/env.js';
import { targetUrl } from '../config/target-url.js';

export interface PageRequest {
  url: string;
  body?: string;
}

export function requestBody(target: Target, set?: { param: string; value: number }): string | undefined {
  const body = target.fetch.body;
  if (body === undefined) return undefined;
  if (typeof body === 'string') return interpolateEnv(body, process.env, target.file);
  const data = resolveEnv(structuredClone(body), target.file) as Record<string, unknown>;
  if (set) setPath(data, set.param, set.value);
  return JSON.stringify(data);
}

/** A mapping body is JSON; a string body says its own type in `headers`, else form-encoded is the safest guess. */
export function bodyContentType(target: Target): string | undefined {
  if (target.fetch.body === undefined) return undefined;
  return typeof target.fetch.body === 'string' ? 'application/x-www-form-urlencoded; charset=utf-8' : 'application/json';
}

/** Page `value` of a `paginate` target: the parameter goes into a POSTed mapping body, else into the query. */
export function paginatedRequest(target: Target, value: number): PageRequest {
  const p = target.fetch.paginate!;
  const inBody = target.fetch.method === 'POST' && target.fetch.body !== undefined && typeof target.fetch.body === 'object';
  if (inBody) return { url: targetUrl(target), body: requestBody(target, { param: p.param, value })! };
  const u = new URL(targetUrl(target));
  u.searchParams.set(p.param, String(value));
  const body = requestBody(target);
  return body === undefined ? { url: u.toString() } : { url: u.toString(), body };
}

function resolveEnv(v: unknown, where: string): unknown {
  if (typeof v === 'string') return interpolateEnv(v, process.env, where);
  if (Array.isArray(v)) return v.map((x) => resolveEnv(x, where));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveEnv(x, where)]));
  return v;
}

/** `page.index` sets data.page.index, creating objects on the way. */
function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur: Record<string, unknown> = obj;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (!next || typeof next !== 'object') cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}
