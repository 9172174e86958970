import { createRequire } from 'node:module';
import type { Command } from 'commander';
import { loadRules } from '../config/load.js';
import type { OwnersRules } from '../config/rules-schema.js';
import { errorLine, RadarError } from '../core/errors.js';
import { subscription } from '../config/channels-schema.js';
import { ChannelError } from '../deliver/channels/types.js';
import { loadChannel } from '../deliver/deliver.js';
import { fill, loadStrings } from '../deliver/i18n.js';
import { mailFrom, makeTransport, redactUrl } from '../deliver/transport.js';
import type { OutboxMessage } from '../store/outbox.js';
import { out, pathsFrom, setExitCode } from './common.js';
import { formatTable } from './table.js';

const requireLazy = createRequire(import.meta.url);

export function register(program: Command): void {
  const cmd = program
    .command('channels')
    .description('The delivery channels in rules/owners.yaml (WeCom, DingTalk, Feishu, Slack, webhooks) and email: list them, send a test message.')
    .addHelpText(
      'after',
      `
Webhook URLs and signing secrets are read from the environment variables each channel names
(url_env, secret_env); they are never printed. See README, "Chat channels".`,
    );

  cmd
    .command('list')
    .description('Each channel: its type, whether its environment variables are set, who it serves.')
    .option('--json', 'as JSON')
    .action((opts: { json?: boolean }, sub: Command) => {
      const owners = loadRules(pathsFrom(sub).rulesDir).owners;
      const rows = Object.entries(owners.channels).map(([name, def]) => ({
        name,
        type: def.type,
        hr_private: def.hr_private,
        env: [def.url_env, ...(def.secret_env ? [def.secret_env] : [])].map((v) => `${v}${process.env[v] ? '' : ' (not set)'}`),
        serves: servedBy(name, owners),
      }));
      if (opts.json) {
        out(JSON.stringify({ email: emailLine(), channels: rows }, null, 2));
        return;
      }
      out(`email: ${emailLine()}`);
      if (!rows.length) {
        out('no chat channels (rules/owners.yaml channels:)');
        return;
      }
      out(formatTable(['channel', 'type', 'HR', 'environment', 'serves'], rows.map((r) => [r.name, r.type, r.hr_private ? 'private' : '-', r.env.join(', '), r.serves.join('; ') || '(nobody)'])));
    });

  cmd
    .command('test')
    .description('Send a test message through one channel now (not through the outbox) and print the service\'s answer.')
    .argument('<name>', 'a channel from rules/owners.yaml, or "email" with --to')
    .option('--to <address>', 'email: who gets the test message')
    .option('--text <text>', 'the message (default: a line naming the channel and the time)')
    .action(async (name: string, opts: { to?: string; text?: string }, sub: Command) => {
      const paths = pathsFrom(sub);
      const owners = loadRules(paths.rulesDir).owners;
      const now = new Date();
      const t = loadStrings(paths.templatesDir, owners.channels[name]?.locale ?? owners.locale);
      const text = opts.text ?? fill(t['chat.test'] ?? 'sales-radar test message: channel {channel} works ({at})', { channel: name, at: now.toISOString() });
      const msg: OutboxMessage = { id: `test-${now.getTime()}`, to: name, locale: owners.locale, subject: text, alertIds: [], createdAt: now.toISOString(), status: 'sending', attempts: 1 };
      try {
        if (name === 'email') {
          if (!opts.to) throw new RadarError('usage', 'radar channels test email needs --to ADDRESS');
          const transport = makeTransport(paths.outboxDir);
          try {
            const MailComposer = requireLazy('nodemailer/lib/mail-composer/index.js') as typeof import('nodemailer/lib/mail-composer/index.js');
            const eml = await new MailComposer({ from: mailFrom(), to: opts.to, subject: text, text }).compile().build();
            const res = await transport.send({ ...msg, to: opts.to, channel: 'email' }, { eml });
            out(`email to ${opts.to}: accepted: ${res.detail}`);
          } finally {
            transport.close();
          }
          return;
        }
        const def = owners.channels[name];
        if (!def) throw new RadarError('usage', `no channel "${name}" in rules/owners.yaml (channels: ${Object.keys(owners.channels).join(', ') || 'none'})`);
        const channel = await loadChannel(def.type);
        if (!channel.testBody) throw new RadarError('usage', `${def.type} channels have no test message`);
        const res = await channel.send({ ...msg, channel: def.type }, channel.testBody(text), { transport: makeTransport(paths.outboxDir), def, env: process.env, from: mailFrom(), now: () => new Date() });
        out(`${name} (${def.type}): accepted: ${res.detail}`);
      } catch (e) {
        const answer = e instanceof ChannelError && e.answer ? `\n  the service answered: ${e.answer}` : '';
        out(`${name}: refused: ${errorLine(e)}${answer}`);
        setExitCode(sub, e instanceof RadarError && e.code === 'usage' ? 2 : 1);
      }
    });
}

function emailLine(): string {
  return process.env.SMTP_URL ? `SMTP ${redactUrl(process.env.SMTP_URL)}` : 'written as .eml files (SMTP_URL not set)';
}

/** "region east (urgent only: comparison)", "ops", "hr", "person a@b" — who reads a channel. */
function servedBy(name: string, o: OwnersRules): string[] {
  const out: string[] = [];
  const describe = (who: string, subs: OwnersRules['ops_channels']) => {
    for (const raw of subs) {
      const s = subscription(raw);
      if (s.channel !== name) continue;
      const filters = [s.urgent_only ? 'urgent only' : '', s.topics ? s.topics.join(', ') : ''].filter(Boolean).join(': ');
      out.push(filters ? `${who} (${filters})` : who);
    }
  };
  for (const [id, r] of Object.entries(o.regions)) describe(`region ${id}`, r.channels);
  describe('ops', o.ops_channels);
  describe('hr', o.hr_channels);
  for (const [email, p] of Object.entries(o.people)) describe(email, p.channels);
  return out;
}
