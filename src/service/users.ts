/**
 * Console users: a role, a scope (regions for heads, teams for managers), a scrypt password hash
 * and API tokens (stored as hashes; the token itself is shown once). Kept in
 * <state>/console/users.json (owner-only), replaced atomically; `version` goes up on every change
 * so two admins editing at once cannot overwrite each other (the API's ETag).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { RadarError } from '../core/errors.js';
import { writeFileAtomic } from '../store/atomic.js';
import { ROLES, notFound, requireAction, type Principal, type Role } from './access.js';
import { recordChange } from './audit.js';
import { consoleDir, type ServiceContext } from './context.js';
import { dummyHash, hashPassword, newToken, tokenHash, verifyPassword } from './passwords.js';

export interface StoredToken {
  id: string;
  label: string;
  hash: string;
  createdAt: string;
}

export interface StoredUser {
  name: string;
  role: Role;
  regions: string[];
  teams: string[];
  email: string | null;
  /** zh-CN or en: the console's language for them. */
  locale: 'zh-CN' | 'en' | null;
  password: string;
  tokens: StoredToken[];
  createdAt: string;
  updatedAt: string;
}

export interface UsersFile {
  version: number;
  users: Record<string, StoredUser>;
}

/** What anyone but the store sees of a user: never a hash. */
export interface UserView {
  name: string;
  role: Role;
  regions: string[];
  teams: string[];
  email: string | null;
  locale: 'zh-CN' | 'en' | null;
  tokens: { id: string; label: string; createdAt: string }[];
  createdAt: string;
  updatedAt: string;
}

export const userNameSchema = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._@-]{0,63}$/, 'letters, digits, . _ @ -, at most 64');

export const userInputSchema = z.strictObject({
  name: userNameSchema,
  role: z.enum(ROLES),
  password: z.string().min(8, 'at least 8 characters').max(256),
  regions: z.array(z.string().min(1)).default([]),
  teams: z.array(z.string().min(1)).default([]),
  email: z.email().nullable().default(null),
  locale: z.enum(['zh-CN', 'en']).nullable().default(null),
});
export type UserInput = z.input<typeof userInputSchema>;

export const userPatchSchema = z.strictObject({
  role: z.enum(ROLES).optional(),
  password: z.string().min(8, 'at least 8 characters').max(256).optional(),
  regions: z.array(z.string().min(1)).optional(),
  teams: z.array(z.string().min(1)).optional(),
  email: z.email().nullable().optional(),
  locale: z.enum(['zh-CN', 'en']).nullable().optional(),
});
export type UserPatch = z.input<typeof userPatchSchema>;

export function usersFile(stateDir: string): string {
  return join(consoleDir(stateDir), 'users.json');
}

let cache: { file: string; mtimeMs: number; size: number; data: UsersFile } | null = null;

/** Read on every request (sessions check the user still exists with that role): cached by mtime. */
export function loadUsers(stateDir: string): UsersFile {
  const file = usersFile(stateDir);
  if (!existsSync(file)) return { version: 0, users: {} };
  const st = statSync(file);
  if (cache && cache.file === file && cache.mtimeMs === st.mtimeMs && cache.size === st.size) return cache.data;
  let data: UsersFile;
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as UsersFile;
  } catch (cause) {
    throw new RadarError('store', 'users file is not valid JSON', { where: file, cause });
  }
  cache = { file, mtimeMs: st.mtimeMs, size: st.size, data };
  return data;
}

/** Writes the next version; refuses if someone else saved since `expect` was read. */
function saveUsers(stateDir: string, data: UsersFile, expect: number): UsersFile {
  const current = loadUsers(stateDir);
  if (current.version !== expect) throw new RadarError('conflict', `the users were changed by someone else meanwhile (version ${current.version}, you had ${expect}); reload and try again`, { field: 'etag' });
  const next = { version: expect + 1, users: data.users };
  writeFileAtomic(usersFile(stateDir), JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
  cache = null;
  return next;
}

export function view(u: StoredUser): UserView {
  return {
    name: u.name,
    role: u.role,
    regions: u.regions,
    teams: u.teams,
    email: u.email,
    locale: u.locale,
    tokens: u.tokens.map((t) => ({ id: t.id, label: t.label, createdAt: t.createdAt })),
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
  };
}

export function principalOf(u: StoredUser, via: Principal['via']): Principal {
  return { user: u.name, role: u.role, regions: u.regions, teams: u.teams, email: u.email, via };
}

/** The user a password logs in as, or null; takes as long for an unknown name as for a wrong password. */
export async function checkPassword(stateDir: string, name: string, password: string): Promise<StoredUser | null> {
  const u = loadUsers(stateDir).users[name];
  if (!u) {
    await verifyPassword(password, await dummyHash());
    return null;
  }
  return (await verifyPassword(password, u.password)) ? u : null;
}

export function userByToken(stateDir: string, token: string): StoredUser | null {
  if (!token.startsWith('rdr_')) return null;
  const h = tokenHash(token);
  for (const u of Object.values(loadUsers(stateDir).users)) if (u.tokens.some((t) => t.hash === h)) return u;
  return null;
}

function checkScope(u: Pick<StoredUser, 'role' | 'regions' | 'teams' | 'email'>, knownRegions: string[] | null): void {
  if (u.role === 'head') {
    if (!u.regions.length) throw new RadarError('invalid', 'a regional head needs at least one region', { field: 'regions' });
    const unknown = knownRegions ? u.regions.filter((r) => !knownRegions.includes(r)) : [];
    if (unknown.length) throw new RadarError('invalid', `unknown region ${unknown.join(', ')} (known: ${knownRegions!.join(', ')})`, { field: 'regions' });
  }
  if (u.role === 'manager' && !u.teams.length && !u.email) throw new RadarError('invalid', 'a manager needs their teams or the email the org export names them by', { field: 'teams' });
  if (u.role === 'sales' && !u.email) throw new RadarError('invalid', 'a salesperson needs the email the org export names them by (邮箱)', { field: 'email' });
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.map(String).join('.');
  throw new RadarError('invalid', field ? `${field}: ${issue.message}` : issue.message, field ? { field } : {});
}

export function listUsers(ctx: ServiceContext, who: Principal | null): { version: number; users: UserView[] } {
  requireAction(who, 'users.manage');
  const f = loadUsers(ctx.paths.stateDir);
  return { version: f.version, users: Object.values(f.users).sort((a, b) => a.name.localeCompare(b.name)).map(view) };
}

export function getUser(ctx: ServiceContext, who: Principal | null, name: string): { version: number; user: UserView } {
  requireAction(who, 'users.manage');
  const f = loadUsers(ctx.paths.stateDir);
  const u = f.users[name];
  if (!u) throw notFound(`user "${name}"`);
  return { version: f.version, user: view(u) };
}

export async function createUser(ctx: ServiceContext, who: Principal | null, input: unknown, opts: { knownRegions?: string[] } = {}): Promise<UserView> {
  requireAction(who, 'users.manage');
  const u = parse(userInputSchema, input);
  checkScope(u, opts.knownRegions ?? null);
  const f = loadUsers(ctx.paths.stateDir);
  if (f.users[u.name]) throw new RadarError('conflict', `user "${u.name}" already exists`, { field: 'name' });
  const at = ctx.now().toISOString();
  const stored: StoredUser = { ...u, password: await hashPassword(u.password), tokens: [], createdAt: at, updatedAt: at };
  saveUsers(ctx.paths.stateDir, { ...f, users: { ...f.users, [u.name]: stored } }, f.version);
  recordChange(ctx, who, 'user.create', u.name, { role: u.role, regions: u.regions, teams: u.teams });
  return view(stored);
}

export async function updateUser(ctx: ServiceContext, who: Principal | null, name: string, patch: unknown, expectVersion: number | null, opts: { knownRegions?: string[] } = {}): Promise<{ version: number; user: UserView }> {
  requireAction(who, 'users.manage');
  const p = parse(userPatchSchema, patch);
  const f = loadUsers(ctx.paths.stateDir);
  const u = f.users[name];
  if (!u) throw notFound(`user "${name}"`);
  const next: StoredUser = {
    ...u,
    ...(p.role ? { role: p.role } : {}),
    ...(p.regions ? { regions: p.regions } : {}),
    ...(p.teams ? { teams: p.teams } : {}),
    ...(p.email !== undefined ? { email: p.email } : {}),
    ...(p.locale !== undefined ? { locale: p.locale } : {}),
    ...(p.password ? { password: await hashPassword(p.password) } : {}),
    updatedAt: ctx.now().toISOString(),
  };
  checkScope(next, opts.knownRegions ?? null);
  if (u.role === 'admin' && next.role !== 'admin' && adminCount(f) === 1) throw new RadarError('conflict', 'this is the last admin; make another admin first', { field: 'role' });
  const saved = saveUsers(ctx.paths.stateDir, { ...f, users: { ...f.users, [name]: next } }, expectVersion ?? f.version);
  const { password: pw, ...changed } = p;
  recordChange(ctx, who, 'user.update', name, { ...changed, ...(pw ? { password: 'changed' } : {}) });
  return { version: saved.version, user: view(next) };
}

const adminCount = (f: UsersFile) => Object.values(f.users).filter((u) => u.role === 'admin').length;

export function deleteUser(ctx: ServiceContext, who: Principal | null, name: string, expectVersion: number | null): void {
  requireAction(who, 'users.manage');
  const f = loadUsers(ctx.paths.stateDir);
  const u = f.users[name];
  if (!u) throw notFound(`user "${name}"`);
  if (u.role === 'admin' && adminCount(f) === 1) throw new RadarError('conflict', 'this is the last admin; make another admin first');
  const { [name]: _gone, ...rest } = f.users;
  saveUsers(ctx.paths.stateDir, { ...f, users: rest }, expectVersion ?? f.version);
  recordChange(ctx, who, 'user.delete', name);
}

/** A new API token for a user; the token is returned once and only its hash is kept. */
export function createToken(ctx: ServiceContext, who: Principal | null, name: string, label: string): { id: string; token: string } {
  requireAction(who, 'users.manage');
  const f = loadUsers(ctx.paths.stateDir);
  const u = f.users[name];
  if (!u) throw notFound(`user "${name}"`);
  const token = newToken();
  const t: StoredToken = { id: randomBytes(6).toString('hex'), label: label || 'script', hash: tokenHash(token), createdAt: ctx.now().toISOString() };
  saveUsers(ctx.paths.stateDir, { ...f, users: { ...f.users, [name]: { ...u, tokens: [...u.tokens, t] } } }, f.version);
  recordChange(ctx, who, 'token.create', name, { token: t.id, label: t.label });
  return { id: t.id, token };
}

export function revokeToken(ctx: ServiceContext, who: Principal | null, name: string, id: string): void {
  requireAction(who, 'users.manage');
  const f = loadUsers(ctx.paths.stateDir);
  const u = f.users[name];
  if (!u || !u.tokens.some((t) => t.id === id)) throw notFound(`token ${id} of "${name}"`);
  saveUsers(ctx.paths.stateDir, { ...f, users: { ...f.users, [name]: { ...u, tokens: u.tokens.filter((t) => t.id !== id) } } }, f.version);
  recordChange(ctx, who, 'token.revoke', name, { token: id });
}
