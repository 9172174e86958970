import type { ServerDeps } from '../deps.js';
import { registerAdmin } from './admin.js';
import { registerAlerts } from './alerts.js';
import { registerCompare } from './compare.js';
import { registerHr } from './hr.js';
import { registerOutbox } from './outbox.js';
import { registerQueue } from './queue.js';
import { registerSession } from './session.js';
import { registerTargets } from './targets.js';
import { registerScorecards } from './scorecards.js';
import { registerTeams } from './teams.js';
import type { Api } from './types.js';

/** Every API route group: one line each. */
export function registerApi(api: Api, deps: ServerDeps, opts: { loginRate: number }): void {
  registerSession(api, deps, opts.loginRate);
  registerTargets(api, deps);
  registerAlerts(api, deps);
  registerCompare(api, deps);
  registerOutbox(api, deps);
  registerQueue(api, deps);
  registerHr(api, deps);
  registerTeams(api, deps);
  registerScorecards(api, deps);
  registerAdmin(api, deps);
}
