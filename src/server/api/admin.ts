import { z } from 'zod';
import { loadRules } from '../../config/load.js';
import { readChanges } from '../../service/audit.js';
import { getRuleFile, putRuleFile } from '../../service/rules.js';
import { createToken, createUser, deleteUser, getUser, listUsers, revokeToken, updateUser, userInputSchema, userPatchSchema } from '../../service/users.js';
import type { ServerDeps } from '../deps.js';
import { authErrors, body, errorSchema, ifMatch, who, type Api } from './types.js';

const nameParam = z.object({ name: z.string().min(1).max(64) });
const version = (v: string | null) => (v === null ? null : Number(v.replace(/"/g, '')));

export function registerAdmin(api: Api, deps: ServerDeps): void {
  const { ctx } = deps;
  const knownRegions = () => Object.keys(loadRules(ctx.paths.rulesDir).owners.regions);

  api.get('/api/audit', {
    config: { action: 'audit.read' },
    schema: { tags: ['admin'], summary: 'Changes to targets, rules, users, acknowledgements and mutes: who, when, through what', querystring: z.object({ subject: z.string().optional(), limit: z.coerce.number().int().min(1).max(5000).optional() }), response: { 200: body('[{ at, by, role, via, action, subject, detail }]'), ...authErrors } },
  }, async (req) => readChanges(ctx, who(req), req.query));

  api.get('/api/users', {
    config: { action: 'users.manage' },
    schema: { tags: ['admin'], summary: 'Users (ETag: the users version)', response: { 200: body('{ version, users: [{ name, role, regions, teams, email, locale, tokens }] }'), ...authErrors } },
  }, async (req, reply) => {
    const r = listUsers(ctx, who(req));
    return reply.header('etag', `"${r.version}"`).send(r);
  });

  api.post('/api/users', {
    config: { action: 'users.manage' },
    schema: { tags: ['admin'], summary: 'Create a user (password hashed with scrypt)', body: userInputSchema, response: { 201: body('the user'), 400: errorSchema, 409: errorSchema, ...authErrors } },
  }, async (req, reply) => reply.code(201).send(await createUser(ctx, who(req), req.body, { knownRegions: knownRegions() })));

  api.get('/api/users/:name', {
    config: { action: 'users.manage' },
    schema: { tags: ['admin'], summary: 'One user', params: nameParam, response: { 200: body('{ version, user }'), 404: errorSchema, ...authErrors } },
  }, async (req, reply) => {
    const r = getUser(ctx, who(req), req.params.name);
    return reply.header('etag', `"${r.version}"`).send(r);
  });

  api.patch('/api/users/:name', {
    config: { action: 'users.manage' },
    schema: { tags: ['admin'], summary: 'Change role, scope, password; If-Match: the users version (412 if changed meanwhile)', params: nameParam, body: userPatchSchema, response: { 200: body('{ version, user }'), 400: errorSchema, 404: errorSchema, 409: errorSchema, ...authErrors } },
  }, async (req, reply) => {
    const r = await updateUser(ctx, who(req), req.params.name, req.body, version(ifMatch(req)), { knownRegions: knownRegions() });
    // A new role or password ends the user's sessions: they log in again with the new rights.
    deps.sessions.destroyUser(req.params.name);
    return reply.header('etag', `"${r.version}"`).send(r);
  });

  api.delete('/api/users/:name', {
    config: { action: 'users.manage' },
    schema: { tags: ['admin'], summary: 'Remove a user (their sessions and tokens end)', params: nameParam, response: { 204: z.null(), 404: errorSchema, 409: errorSchema, ...authErrors } },
  }, async (req, reply) => {
    deleteUser(ctx, who(req), req.params.name, version(ifMatch(req)));
    deps.sessions.destroyUser(req.params.name);
    return reply.code(204).send(null);
  });

  api.post('/api/users/:name/tokens', {
    config: { action: 'users.manage' },
    schema: { tags: ['admin'], summary: 'A new API token for scripts; shown once, only its hash is kept', params: nameParam, body: z.object({ label: z.string().max(100).default('script') }), response: { 201: z.object({ id: z.string(), token: z.string() }), 404: errorSchema, ...authErrors } },
  }, async (req, reply) => reply.code(201).send(createToken(ctx, who(req), req.params.name, req.body.label)));

  api.delete('/api/users/:name/tokens/:id', {
    config: { action: 'users.manage' },
    schema: { tags: ['admin'], summary: 'Revoke a token', params: nameParam.extend({ id: z.string() }), response: { 204: z.null(), 404: errorSchema, ...authErrors } },
  }, async (req, reply) => {
    revokeToken(ctx, who(req), req.params.name, req.params.id);
    return reply.code(204).send(null);
  });

  api.get('/api/rules/:name', {
    config: { action: 'rules.edit' },
    schema: { tags: ['admin'], summary: 'A rule file (owners.yaml, price.yaml, delivery.yaml) with its ETag', params: z.object({ name: z.string() }), response: { 200: body('{ name, yaml, etag }'), 404: errorSchema, ...authErrors } },
  }, async (req, reply) => {
    const r = getRuleFile(ctx, who(req), req.params.name);
    return reply.header('etag', r.etag).send(r);
  });

  api.put('/api/rules/:name', {
    config: { action: 'rules.edit' },
    schema: { tags: ['admin'], summary: 'Replace a rule file; validated as radar validate; If-Match required', params: z.object({ name: z.string() }), body: z.object({ yaml: z.string().max(1024 * 1024), etag: z.string().optional() }), response: { 200: body('{ name, yaml, etag }'), 400: errorSchema, 404: errorSchema, 412: errorSchema, 428: errorSchema, ...authErrors } },
  }, async (req, reply) => {
    const r = putRuleFile(ctx, who(req), req.params.name, req.body.yaml, ifMatch(req));
    return reply.header('etag', r.etag).send(r);
  });
}
