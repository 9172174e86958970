/**
 * The demo's console logins, one per role, so `npx radar serve --demo` can be tried right after
 * `npm start`. Demo passwords are printed: this is for the bundled demo state only.
 */
import type { Paths } from '../config/load.js';
import { localPrincipal } from '../service/access.js';
import { createUser, loadUsers } from '../service/users.js';

export interface DemoLogin {
  role: string;
  user: string;
  password: string;
  scope: string;
}

export const DEMO_LOGINS: (DemoLogin & { regions?: string[]; teams?: string[]; email?: string })[] = [
  { role: 'admin', user: 'admin', password: 'admin-radar-demo', scope: 'users, rules, audit, delivery' },
  { role: 'ops', user: 'ops', password: 'ops-radar-demo', scope: 'targets, alerts, 比价, delivery' },
  { role: 'hr', user: 'hr', password: 'hr-radar-demo', scope: 'attrition review only' },
  { role: 'head', user: 'east-head', password: 'east-head-radar-demo', scope: 'region east (华东)', regions: ['east'] },
  { role: 'manager', user: 'manager', password: 'manager-radar-demo', scope: 'teams 华东一组, 华东二组', teams: ['华东一组', '华东二组'], email: 'sales-east-head@example.com' },
];

export async function seedDemoUsers(paths: Paths): Promise<DemoLogin[]> {
  const ctx = {
    paths,
    now: () => new Date(),
    runner: { run: async () => ({ status: 'queued' as const, by: 'nobody' }) },
    outbox: { retry: async () => ({ status: 'queued' as const, ids: [] }) },
  };
  const have = loadUsers(paths.stateDir).users;
  for (const l of DEMO_LOGINS) {
    if (have[l.user]) continue;
    await createUser(ctx, localPrincipal('demo'), { name: l.user, role: l.role, password: l.password, regions: l.regions ?? [], teams: l.teams ?? [], email: l.email ?? null });
  }
  return DEMO_LOGINS.map(({ role, user, password, scope }) => ({ role, user, password, scope }));
}
