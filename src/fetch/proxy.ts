/**
 * Which proxy a request goes through, and the undici dispatcher that does it.
 *
 *   target `fetch.proxy`  >  RADAR_PROXY  >  HTTPS_PROXY (https:) / HTTP_PROXY (http:)
 *
 * `fetch.proxy: direct` opts a target out of the environment's proxy. NO_PROXY applies to the
 * proxies from the environment, not to one a target names. Credentials in a proxy URL are never
 * shown: messages name the proxy by host and port only.
 */
import { createRequire } from 'node:module';
import type { Dispatcher, ProxyAgent } from 'undici';

// undici (~20 MB loaded) only when a proxy is actually used.
const requireLazy = createRequire(import.meta.url);
import type { Target } from '../config/target-schema.js';
import { interpolateEnv } from '../config/env.js';
import { RadarError } from '../core/errors.js';

const DIRECT = new Set(['direct', 'none', 'off']);

export function proxyFor(url: string, target: Pick<Target, 'fetch' | 'file'> | undefined, env: NodeJS.ProcessEnv = process.env): string | null {
  const own = target?.fetch.proxy?.trim();
  if (own) {
    const value = interpolateEnv(own, env, target?.file).trim();
    return DIRECT.has(value.toLowerCase()) || value === '' ? null : checked(value, target?.file);
  }
  let scheme: string;
  let host: string;
  try {
    const u = new URL(url);
    scheme = u.protocol;
    host = u.host.toLowerCase();
  } catch {
    return null;
  }
  const fromEnv =
    env.RADAR_PROXY ||
    (scheme === 'https:' ? env.HTTPS_PROXY || env.https_proxy : scheme === 'http:' ? env.HTTP_PROXY || env.http_proxy : undefined);
  if (!fromEnv || noProxy(host, env.NO_PROXY ?? env.no_proxy ?? '')) return null;
  return checked(fromEnv.trim(), 'RADAR_PROXY/HTTPS_PROXY');
}

function checked(value: string, where: string | undefined): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new RadarError('config', 'fetch.proxy: expected a URL like http://host:8080', where ? { where } : {});
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new RadarError('config', `fetch.proxy: ${u.protocol} proxies are not supported (use http:// or https://)`, where ? { where } : {});
  }
  return value;
}

/** `NO_PROXY=localhost,.corp.example,10.0.0.1:8080,*` */
export function noProxy(host: string, list: string): boolean {
  const hostname = host.replace(/:\d+$/, '');
  for (const raw of list.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const bare = entry.replace(/^\*?\./, '');
    if (entry.includes(':') && !entry.startsWith('[')) {
      if (host === entry) return true;
      continue;
    }
    if (hostname === bare || hostname.endsWith(`.${bare}`)) return true;
  }
  return false;
}

/** `http://user:secret@proxy.corp:3128` → `proxy.corp:3128`, for messages. */
export function describeProxy(proxyUrl: string): string {
  try {
    return new URL(proxyUrl).host;
  } catch {
    return 'the proxy';
  }
}

const agents = new Map<string, ProxyAgent>();

/** One agent per proxy for the life of the process, so connections to the proxy are reused. */
export function proxyDispatcher(proxyUrl: string): Dispatcher {
  let agent = agents.get(proxyUrl);
  if (!agent) {
    const { ProxyAgent: Agent } = requireLazy('undici') as typeof import('undici');
    agent = new Agent({ uri: proxyUrl });
    agents.set(proxyUrl, agent);
  }
  return agent;
}

/** The same proxy in the shape Playwright wants (credentials separate from the server). */
export function playwrightProxy(proxyUrl: string): { server: string; username?: string; password?: string } {
  const u = new URL(proxyUrl);
  const out: { server: string; username?: string; password?: string } = { server: `${u.protocol}//${u.host}` };
  if (u.username) out.username = decodeURIComponent(u.username);
  if (u.password) out.password = decodeURIComponent(u.password);
  return out;
}
