/** `radar users ...`: console users and API tokens, through the same service the admin page uses. */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { loadRules } from '../config/load.js';
import { RadarError } from '../core/errors.js';
import { localPrincipal } from '../service/access.js';
import type { ServiceContext } from '../service/context.js';
import { createToken, createUser, deleteUser, listUsers, updateUser } from '../service/users.js';
import { out, pathsFrom } from './common.js';
import { formatTable } from './table.js';

function context(cmd: Command): ServiceContext {
  const paths = pathsFrom(cmd);
  const nope = async (): Promise<never> => {
    throw new RadarError('usage', 'not available here');
  };
  return { paths, now: () => new Date(), runner: { run: nope }, outbox: { retry: nope } };
}

const me = () => localPrincipal(process.env.RADAR_USER ?? safeUser());
function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'cli';
  }
}

async function password(o: { password?: string; passwordStdin?: boolean }): Promise<string | undefined> {
  if (o.password) return o.password;
  if (!o.passwordStdin) return undefined;
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.split(/\r?\n/)[0];
}

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

export function register(program: Command): void {
  const users = program.command('users').description('Console users (roles admin, ops, hr, head, manager, sales) and API tokens.');

  users
    .command('add')
    .description('add a user; heads need --regions, managers --teams or --email, salespeople --email')
    .argument('<name>', 'login name')
    .requiredOption('--role <role>', 'admin | ops | hr | head | manager | sales')
    .option('--password <pw>', 'the password (or --password-stdin)')
    .option('--password-stdin', 'read the password from the first line of stdin')
    .option('--regions <ids>', 'head: comma-separated region ids from rules/owners.yaml', list)
    .option('--teams <names>', 'manager: comma-separated team names as in the org export', list)
    .option('--email <addr>', 'manager or sales: the email the org export names them by')
    .option('--locale <zh-CN|en>', 'console language')
    .action(async (name: string, o: { role: string; password?: string; passwordStdin?: boolean; regions?: string[]; teams?: string[]; email?: string; locale?: string }, cmd: Command) => {
      const ctx = context(cmd);
      const pw = await password(o);
      if (!pw) throw new RadarError('usage', 'give a password: --password PW or --password-stdin');
      const u = await createUser(ctx, me(), { name, role: o.role, password: pw, regions: o.regions ?? [], teams: o.teams ?? [], email: o.email ?? null, locale: o.locale ?? null }, { knownRegions: Object.keys(loadRules(ctx.paths.rulesDir).owners.regions) });
      out(`added ${u.name} (${u.role}${u.regions.length ? `, regions ${u.regions.join(', ')}` : ''}${u.teams.length ? `, teams ${u.teams.join(', ')}` : ''})`);
    });

  users
    .command('list')
    .description('list users')
    .option('--json', 'as JSON')
    .action((o: { json?: boolean }, cmd: Command) => {
      const r = listUsers(context(cmd), me());
      if (o.json) return out(JSON.stringify(r.users, null, 2));
      out(formatTable(['name', 'role', 'scope', 'tokens'], r.users.map((u) => [u.name, u.role, [...u.regions, ...u.teams, u.email ?? ''].filter(Boolean).join(', '), String(u.tokens.length)])));
    });

  users
    .command('passwd')
    .description("set a user's password")
    .argument('<name>')
    .option('--password <pw>', 'the new password (or --password-stdin)')
    .option('--password-stdin', 'read it from the first line of stdin')
    .action(async (name: string, o: { password?: string; passwordStdin?: boolean }, cmd: Command) => {
      const pw = await password(o);
      if (!pw) throw new RadarError('usage', 'give a password: --password PW or --password-stdin');
      await updateUser(context(cmd), me(), name, { password: pw }, null);
      out(`password of ${name} changed`);
    });

  users
    .command('remove')
    .description('remove a user')
    .argument('<name>')
    .action((name: string, _o: unknown, cmd: Command) => {
      deleteUser(context(cmd), me(), name, null);
      out(`removed ${name}`);
    });

  users
    .command('token')
    .description('make an API token for scripts (printed once: Authorization: Bearer TOKEN)')
    .argument('<name>')
    .option('--label <text>', 'what it is for', 'script')
    .action((name: string, o: { label: string }, cmd: Command) => {
      const t = createToken(context(cmd), me(), name, o.label);
      out(t.token);
    });
}
