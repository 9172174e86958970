/**
 * Who is asking, at the HTTP edge: a session cookie (console and browser scripts) or an API token
 * (`Authorization: Bearer rdr_...`, for scripts). Sessions live in this process's memory, keyed
 * by a hash of the cookie; each request re-reads the user, so a changed role or a removed user
 * takes effect at once. Every change made with a session carries its CSRF token (header
 * `x-csrf-token` or form field `_csrf`) and, where the browser sends one, a same-origin Origin.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RadarError } from '../core/errors.js';
import type { Principal } from '../service/access.js';
import { loadUsers, principalOf, userByToken } from '../service/users.js';

export const SESSION_COOKIE = 'radar_session';
const IDLE_MS = 12 * 3_600_000;
const MAX_MS = 7 * 86_400_000;

interface Session {
  user: string;
  csrf: string;
  createdAt: number;
  seenAt: number;
}

const hash = (sid: string) => createHash('sha256').update(sid).digest('hex');

export class Sessions {
  private readonly byHash = new Map<string, Session>();

  create(user: string): { sid: string; csrf: string } {
    this.sweep();
    const sid = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    const now = Date.now();
    this.byHash.set(hash(sid), { user, csrf, createdAt: now, seenAt: now });
    return { sid, csrf };
  }

  get(sid: string | undefined): Session | null {
    if (!sid) return null;
    const s = this.byHash.get(hash(sid));
    if (!s) return null;
    const now = Date.now();
    if (now - s.seenAt > IDLE_MS || now - s.createdAt > MAX_MS) {
      this.byHash.delete(hash(sid));
      return null;
    }
    s.seenAt = now;
    return s;
  }

  destroy(sid: string | undefined): void {
    if (sid) this.byHash.delete(hash(sid));
  }

  /** Ends every session of a user (password changed, user removed). */
  destroyUser(user: string): void {
    for (const [h, s] of this.byHash) if (s.user === user) this.byHash.delete(h);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [h, s] of this.byHash) if (now - s.seenAt > IDLE_MS || now - s.createdAt > MAX_MS) this.byHash.delete(h);
  }
}

export interface Who {
  principal: Principal | null;
  /** The session's CSRF token; null for token auth and anonymous requests. */
  csrf: string | null;
  via: 'session' | 'token' | null;
}

export function identify(req: FastifyRequest, sessions: Sessions, stateDir: string): Who {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) {
    const u = userByToken(stateDir, auth.slice(7).trim());
    if (!u) throw new RadarError('unauthorized', 'unknown or revoked API token');
    return { principal: principalOf(u, 'token'), csrf: null, via: 'token' };
  }
  const s = sessions.get(req.cookies[SESSION_COOKIE]);
  if (!s) return { principal: null, csrf: null, via: null };
  const u = loadUsers(stateDir).users[s.user];
  if (!u) return { principal: null, csrf: null, via: null };
  return { principal: principalOf(u, 'session'), csrf: s.csrf, via: 'session' };
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Refuses a change made with a session that does not carry the session's CSRF token, or that
 * comes from another origin. Token requests carry no ambient credential and need neither.
 */
export function checkCsrf(req: FastifyRequest, who: Who): void {
  if (!UNSAFE.has(req.method)) return;
  checkOrigin(req);
  if (who.via !== 'session') return;
  const sent = (req.headers['x-csrf-token'] as string | undefined) ?? ((req.body as Record<string, unknown> | undefined)?._csrf as string | undefined);
  if (typeof sent !== 'string' || !who.csrf || !same(sent, who.csrf)) throw new RadarError('forbidden', 'missing or stale CSRF token: reload the page and try again', { field: '_csrf' });
}

/** A browser names the page a request came from: it must be one of ours (also for the login form). */
export function checkOrigin(req: FastifyRequest): void {
  if (!UNSAFE.has(req.method)) return;
  const origin = req.headers.origin;
  if (origin && origin !== 'null') {
    let host: string | null = null;
    try {
      host = new URL(origin).host;
    } catch {
      /* unreadable origin */
    }
    if (host !== req.headers.host) throw new RadarError('forbidden', 'cross-origin request refused');
  }
}

export function setSessionCookie(reply: FastifyReply, sid: string, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, sid, { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: MAX_MS / 1000 });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
}
