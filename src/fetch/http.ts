import type { Target } from '../config/target-schema.js';
import { interpolateEnv } from '../config/env.js';
import { FetchFailure } from '../core/verdict.js';
import { USER_AGENT } from '../core/version.js';
import { decodeBody } from './charset.js';
import type { FetchContext, FetchedPage, Fetcher } from './types.js';

export interface HttpRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  charset?: string;
  signal?: AbortSignal;
}

/** Headers every request sends unless the target overrides them. */
export function defaultHeaders(): Record<string, string> {
  return {
    'user-agent': USER_AGENT,
    accept: 'text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8',
    'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8',
  };
}

/** Target headers and cookies, with `${ENV}` values resolved at request time (never stored resolved). */
export function targetHeaders(target: Target): Record<string, string> {
  const where = target.file;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(target.fetch.headers)) headers[k.toLowerCase()] = interpolateEnv(v, process.env, where);
  const cookies = Object.entries(target.fetch.cookies).map(([k, v]) => `${k}=${interpolateEnv(v, process.env, where)}`);
  if (cookies.length) headers.cookie = [headers.cookie, ...cookies].filter(Boolean).join('; ');
  return headers;
}

/**
 * One HTTP exchange with the limits a monitor needs on the open web: a deadline for the whole
 * exchange (not just the headers), a cap on redirects and on body size, and charset decoding.
 */
export async function httpRequest(req: HttpRequest): Promise<FetchedPage> {
  const deadline = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([deadline, req.signal]) : deadline;
  const headers = { ...defaultHeaders(), ...lower(req.headers ?? {}) };
  let url = req.url;
  let method = req.method ?? 'GET';
  let body = req.body;
  const seen = new Set<string>();
  for (let hop = 0; ; hop++) {
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body, redirect: 'manual', signal });
    } catch (err) {
      throw classifyError(err, url, deadline.aborted, req.timeoutMs);
    }
    if (res.status >= 300 && res.status < 400 && res.headers.has('location')) {
      await res.body?.cancel().catch(() => undefined);
      const next = new URL(res.headers.get('location')!, url).toString();
      if (seen.has(next) || hop >= req.maxRedirects) {
        throw new FetchFailure({
          class: 'redirect_loop',
          message: seen.has(next) ? 'redirect loop' : `more than ${req.maxRedirects} redirects`,
          url: req.url,
          httpStatus: res.status,
        });
      }
      seen.add(url);
      url = next;
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      continue;
    }
    const bytes = await readLimited(res, req.maxBytes, url, deadline, req.timeoutMs);
    const headerObj: Record<string, string> = {};
    res.headers.forEach((v, k) => (headerObj[k] = v));
    const decoded = decodeBody(bytes, res.headers.get('content-type'), req.charset);
    return {
      requestedUrl: req.url,
      url,
      status: res.status,
      headers: headerObj,
      text: decoded.text,
      charset: decoded.charset,
      bytes: bytes.byteLength,
    };
  }
}

async function readLimited(res: Response, maxBytes: number, url: string, deadline: AbortSignal, timeoutMs: number): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new FetchFailure({ class: 'too_large', message: `body of ${declared} bytes exceeds max_bytes ${maxBytes}`, url, httpStatus: res.status });
  }
  if (!res.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new FetchFailure({ class: 'too_large', message: `body exceeds max_bytes ${maxBytes}`, url, httpStatus: res.status });
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof FetchFailure) throw err;
    throw classifyError(err, url, deadline.aborted, timeoutMs);
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.byteLength;
  }
  return out;
}

function classifyError(err: unknown, url: string, timedOut: boolean, timeoutMs: number): FetchFailure {
  if (err instanceof FetchFailure) return err;
  if (timedOut || (err instanceof Error && (err.name === 'TimeoutError'))) {
    return new FetchFailure({ class: 'timeout', message: `no complete response within ${timeoutMs} ms`, url }, err);
  }
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
  return new FetchFailure({ class: 'network', message: `network error: ${detail}`, url }, err);
}

function lower(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

/** Static pages over plain HTTP. */
export const httpFetcher: Fetcher = {
  mode: 'http',
  async fetchPage(url: string, target: Target, ctx: FetchContext): Promise<FetchedPage> {
    return ctx.schedule(url, () =>
      httpRequest({
        url,
        headers: targetHeaders(target),
        timeoutMs: target.fetch.timeout_ms,
        maxBytes: target.fetch.max_bytes,
        maxRedirects: target.fetch.max_redirects,
        charset: target.fetch.charset,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      }),
    );
  },
};
