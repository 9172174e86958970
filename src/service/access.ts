/**
 * Who may do what. Every service function takes the principal asking and checks here, whatever
 * face (CLI, REST API, console) it came through; the HTTP edge checks the same table before it
 * calls in, so a route that forgets cannot open a door the service keeps shut.
 *
 * Scope: a regional head sees only the regions listed on their user, a manager only their teams,
 * a salesperson (sales) only what is addressed to their own email.
 * Something outside your scope is answered as if it did not exist (not_found), so scope leaks
 * neither data nor existence. HR data (attrition) is for the hr role alone: not admin, not ops.
 */
import { RadarError } from '../core/errors.js';

export const ROLES = ['admin', 'ops', 'hr', 'head', 'manager', 'sales'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** Login name, as written to the audit log. */
  user: string;
  /** `local` is whoever runs the CLI on this machine: they can read the state files anyway. */
  role: Role | 'local';
  /** head: the regions (rules/owners.yaml ids) they see. */
  regions: readonly string[];
  /** manager: the teams (org export) they lead. */
  teams: readonly string[];
  /** manager: their email, as the org export names them (team digests are addressed to it); sales: their own (邮箱). */
  email: string | null;
  via: 'session' | 'token' | 'cli';
}

export type Action =
  | 'targets.read'
  | 'targets.write'
  | 'targets.run'
  | 'alerts.read'
  | 'alerts.act'
  | 'compare.read'
  | 'outbox.read'
  | 'outbox.act'
  | 'attrition.read'
  | 'attrition.act'
  | 'teams.read'
  | 'scorecards.read'
  | 'audit.read'
  | 'users.manage'
  | 'rules.edit';

/** The whole permission table. `local` (the CLI) may do everything. */
export const PERMISSIONS: Record<Action, readonly Role[]> = {
  'targets.read': ['admin', 'ops', 'head'],
  'targets.write': ['admin', 'ops'],
  'targets.run': ['admin', 'ops'],
  'alerts.read': ['admin', 'ops', 'head', 'manager'],
  'alerts.act': ['admin', 'ops', 'head'],
  'compare.read': ['admin', 'ops', 'head'],
  'outbox.read': ['admin', 'ops'],
  'outbox.act': ['admin', 'ops'],
  'attrition.read': ['hr'],
  'attrition.act': ['hr'],
  'teams.read': ['manager'],
  // A person's scorecard is for them and their manager only: not admins, ops, heads or HR.
  'scorecards.read': ['sales', 'manager'],
  'audit.read': ['admin'],
  'users.manage': ['admin'],
  'rules.edit': ['admin'],
};

/** Why a role is refused, in words that name no data. */
const REFUSALS: Partial<Record<Action, string>> = {
  'attrition.read': 'only HR may see attrition alerts',
  'attrition.act': 'only HR may review attrition alerts',
  'teams.read': "team health is shown to each team's manager",
  'scorecards.read': 'a scorecard is shown to the person and their manager only',
  'users.manage': 'only an admin may manage users',
  'rules.edit': 'only an admin may change the rules',
  'audit.read': 'only an admin may read the audit log',
};

export function can(p: Principal | null, action: Action): boolean {
  if (!p) return false;
  return p.role === 'local' || PERMISSIONS[action].includes(p.role);
}

/** Throws unauthorized (nobody logged in) or forbidden (the role may not). */
export function requireAction(p: Principal | null, action: Action): asserts p is Principal {
  if (!p) throw new RadarError('unauthorized', 'log in first');
  if (!can(p, action)) throw new RadarError('forbidden', REFUSALS[action] ?? `the ${p.role} role may not do this (${action})`);
}

/** A head sees their regions; every other role allowed the action sees all regions. */
export function inRegion(p: Principal, region: string): boolean {
  return p.role !== 'head' || p.regions.includes(region);
}

/** A manager sees their teams (or, for digests addressed to them, by their email). */
export function inTeam(p: Principal, team: string | null, managerEmail?: string | null): boolean {
  if (p.role !== 'manager') return p.role === 'local';
  if (team !== null && p.teams.includes(team)) return true;
  return !!managerEmail && !!p.email && managerEmail.toLowerCase() === p.email.toLowerCase();
}

export function notFound(what: string): RadarError {
  return new RadarError('not_found', `no ${what}`);
}

export function localPrincipal(user: string): Principal {
  return { user, role: 'local', regions: [], teams: [], email: null, via: 'cli' };
}
