import type { Target } from '../config/target-schema.js';
import { interpolateEnv } from '../config/env.js';
import { FetchFailure } from '../core/verdict.js';
import { USER_AGENT } from '../core/version.js';
import { decodeBytes, detectCharset } from './charset.js';
import { describeProxy, proxyDispatcher, proxyFor } from './proxy.js';
import { bodyContentType, requestBody } from './request.js';
import type { FetchContext, FetchedPage, PageOptions } from './types.js';

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
  /** Proxy URL (from `proxyFor`); null or absent = direct. */
  proxy?: string | null;
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
      // Node's fetch is undici: it takes a dispatcher, which is how a proxy is used.
      const init = { method, headers, body, redirect: 'manual', signal, ...(req.proxy ? { dispatcher: proxyDispatcher(req.proxy) } : {}) };
      res = await fetch(url, init as RequestInit);
    } catch (err) {
      throw classifyError(err, url, deadline.aborted, req.timeoutMs, req.proxy);
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
    const content = detectCharset(bytes, res.headers.get('content-type'), req.charset);
    return {
      requestedUrl: req.url,
      url,
      status: res.status,
      headers: headerObj,
      // Decoded where it is read, not here: the page crosses several queue and retry promises
      // before it is read, and a ~100 KB string held across them was promoted to the old
      // generation for nearly every page of a long crawl (bench crawl row). A read takes the
      // text once (see readPage) and the string dies young.
      get text() {
        return decodeBytes(content.bytes, content.charset);
      },
      charset: content.charset,
      charsetSource: content.source,
      ...(content.note ? { charsetNote: content.note } : {}),
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
    const f = classifyError(err, url, deadline.aborted, timeoutMs).failure;
    // A body cut off half way is not a page: say so, with how much arrived.
    throw new FetchFailure({ ...f, message: `${f.message} after ${total} bytes of the page`, httpStatus: res.status }, err);
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.byteLength;
  }
  return out;
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  UND_ERR_SOCKET: 'the server closed the connection',
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection broken',
};

function causeChain(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, i = 0; e && i < 6; e = (e as { cause?: unknown }).cause, i++) {
    parts.push(e instanceof Error ? e.message : String(e));
  }
  return parts.join(' | ');
}

function classifyError(err: unknown, url: string, timedOut: boolean, timeoutMs: number, proxy?: string | null): FetchFailure {
  if (err instanceof FetchFailure) return err;
  const cause = (err as { cause?: { code?: string; message?: string; name?: string } }).cause;
  if (timedOut || (err instanceof Error && err.name === 'TimeoutError') || cause?.code === 'UND_ERR_CONNECT_TIMEOUT' || cause?.code === 'UND_ERR_HEADERS_TIMEOUT') {
    return new FetchFailure({ class: 'timeout', message: `no complete response within ${timeoutMs} ms`, url }, err);
  }
  const code = cause?.code ?? '';
  let detail = NETWORK_CODES[code] ? `${NETWORK_CODES[code]} (${code})` : code || cause?.message || (err instanceof Error ? err.message : String(err));
  if (/^(CERT_|ERR_TLS|UNABLE_TO_VERIFY|DEPTH_ZERO|SELF_SIGNED)/.test(code)) detail = `TLS certificate problem (${code})`;
  if (proxy) {
    // The proxy's own answer is deep in undici's cause chain ("Proxy response (407) !== 200 ...").
    const proxyStatus = /Proxy response \((\d{3})\)/.exec(causeChain(err))?.[1];
    const via = `proxy ${describeProxy(proxy)}`; // host:port only, never its credentials
    detail = proxyStatus
      ? `${via} answered HTTP ${proxyStatus}${proxyStatus === '407' ? ' (proxy credentials refused)' : ''}`
      : `${detail.replace(/\/\/[^@\s]*@/g, '//')} (via ${via})`;
  }
  return new FetchFailure({ class: 'network', message: `network error: ${detail}`, url }, err);
}

function lower(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

/** The request a target describes, for one page: its headers, cookies, body, proxy and limits. */
export function targetRequest(url: string, target: Target, ctx: FetchContext, opts: PageOptions = {}, extraHeaders: Record<string, string> = {}): HttpRequest {
  const body = opts.body ?? requestBody(target);
  const type = bodyContentType(target);
  return {
    url,
    method: target.fetch.method,
    headers: { ...extraHeaders, ...(body !== undefined && type ? { 'content-type': type } : {}), ...targetHeaders(target) },
    ...(body !== undefined ? { body } : {}),
    timeoutMs: target.fetch.timeout_ms,
    maxBytes: target.fetch.max_bytes,
    maxRedirects: target.fetch.max_redirects,
    charset: target.fetch.charset,
    proxy: proxyFor(url, target),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  };
}
