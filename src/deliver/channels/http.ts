import { ChannelError } from './types.js';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The body as JSON, or null when it is not JSON. */
  json: Record<string, unknown> | null;
}

/** A channel's secret from the environment, read when sending; unset is a retryable failure (set it and the message goes). */
export function secretFromEnv(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const v = env[name];
  if (!v) throw new ChannelError(`environment variable ${name} (${what}) is not set`);
  return v;
}

/**
 * POSTs JSON to a chat service with a deadline. Nothing about the request is in the error (the
 * URL carries the robot's key): only what went wrong, with every secret replaced by "***".
 */
export async function postJson(url: string, body: Buffer | string, opts: { headers?: Record<string, string>; signal?: AbortSignal; timeoutMs?: number; secrets: string[] }): Promise<HttpAnswer> {
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 30_000);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'sales-radar', ...opts.headers },
      body: typeof body === 'string' ? body : new Uint8Array(body),
      signal: opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout,
      redirect: 'error',
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = timeout.aborted ? 'no answer within 30 s' : (cause?.code ?? cause?.message ?? (err as Error).message);
    throw new ChannelError(redact(`network error: ${why}`, opts.secrets));
  }
  const text = redact(await res.text(), opts.secrets);
  let json: Record<string, unknown> | null = null;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === 'object') json = parsed as Record<string, unknown>;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, text, json };
}

export function redact(text: string, secrets: string[]): string {
  let s = text;
  for (const v of secrets) {
    if (!v || v.length < 4) continue;
    s = s.split(v).join('***');
    const enc = encodeURIComponent(v);
    if (enc !== v) s = s.split(enc).join('***');
  }
  return s;
}

/** The query-string value a URL carries (WeCom's key, DingTalk's access_token): a secret too. */
export function urlSecrets(url: string): string[] {
  try {
    const u = new URL(url);
    return [url, ...[...u.searchParams.values()], ...u.pathname.split('/').filter((p) => p.length >= 16)];
  } catch {
    return [url];
  }
}

/** Seconds in a Retry-After header (or a reset header), as ms; `fallback` when absent. */
export function retryAfterMs(headers: Headers, fallback: number, name = 'retry-after'): number {
  const v = Number(headers.get(name));
  return Number.isFinite(v) && v > 0 ? v * 1000 : fallback;
}
