import type { Command } from 'commander';
import { splitTables } from '../alerts/tables.js';
import { displayPath } from '../config/load.js';
import { failureText } from '../core/verdict.js';
import { senderProblem } from '../deliver/transport.js';
import { runAll, type RunSummary } from '../pipeline/run.js';
import { removeStaleTempFiles } from '../schedule/housekeeping.js';
import { acquireLock } from '../schedule/lock.js';
import { opsView } from '../store/outbox.js';
import { pathsFrom, out, err, plural, sentLine, setExitCode } from './common.js';
import { createProgress } from './progress.js';

export function register(program: Command): void {
  program
    .command('run')
    .description('Scrape every enabled target (or --target ID), compare with the last good snapshot, and send digests.')
    .option('-t, --target <id...>', 'only these target ids')
    .option('--json', 'print the run summary as JSON')
    .option('--no-progress', 'no progress display on stderr')
    .addHelpText(
      'after',
      `
Exit codes: 0 all targets good, 1 some targets failed, 2 bad usage or config.
Mail goes over SMTP when SMTP_URL is set (e.g. smtp://user:pass@mail.example.com:587),
from the sender in MAIL_FROM (required with SMTP_URL); otherwise each email is written to data/outbox/ as .eml plus an .html preview.
A manual run sends everything waiting, whatever the delivery window (rules/delivery.yaml).
It refuses to start while \`radar daemon\` uses the same state folder.`,
    )
    .action(async (opts: { target?: string[]; json?: boolean; progress: boolean }, cmd: Command) => {
      const paths = pathsFrom(cmd);
      // Before any scraping: a run that cannot send should say so now, not after every target.
      const sender = senderProblem();
      if (sender) throw sender;
      const lock = acquireLock(
        paths.stateDir,
        'run',
        (h) =>
          h.command === 'daemon'
            ? `radar daemon (pid ${h.pid}, since ${h.startedAt}) is using ${displayPath(paths.stateDir)} and runs targets on their schedule; use "radar try" to test a target without storing anything, or stop the daemon to run by hand`
            : `another radar ${h.command} (pid ${h.pid}, since ${h.startedAt}) is using ${displayPath(paths.stateDir)}; wait for it to finish`,
      );
      const progress = opts.progress && !opts.json ? createProgress() : null;
      let summary: RunSummary;
      try {
        removeStaleTempFiles(paths.stateDir);
        summary = await runAll({ paths, ...(opts.target ? { only: opts.target } : {}), ...(progress ? { onEvent: progress.onEvent } : {}) });
      } finally {
        progress?.finish();
        lock.release();
      }
      if (opts.json) out(JSON.stringify(summaryJson(summary), null, 2));
      else printSummary(summary);
      setExitCode(cmd, summary.exitCode);
    });
}

/**
 * The numbers a run's summary shows, counted once for the lines, the total and --json alike: each
 * alert is counted where it arose (its target, the comparison pass, a broken file), so the lines
 * add up to the total. A 比价 table is a report, not news: counted as a table (per region), never
 * as an alert.
 */
export function tally(s: RunSummary) {
  const targets = s.results.map((r) => ({ result: r, alerts: s.sources.targets.get(r.target.id) ?? r.alerts }));
  const analysers = s.sources.analysers.map((a) => ({ name: a.name, error: a.error, ...splitTables(a.alerts) }));
  const alerts = targets.reduce((n, t) => n + t.alerts.length, 0) + s.sources.config.length + analysers.reduce((n, a) => n + a.alerts.length, 0);
  const tables = analysers.reduce((n, a) => n + a.tables.length, 0);
  return { targets, analysers, config: s.sources.config, good: s.results.filter((r) => r.verdict === 'good').length, alerts, tables, emails: s.delivery.sent.filter(isEmail).length, posts: s.delivery.sent.filter((m) => !isEmail(m)).length, unsent: s.delivery.failed.length };
}

/** "1 alert" or "1 alert, 2 price tables": tables only when there are some. */
function foundText(alerts: number, tables: number): string {
  return `${plural(alerts, 'alert')}${tables ? `, ${plural(tables, 'price table')}` : ''}`;
}

export function printSummary(s: RunSummary): void {
  const t = tally(s);
  for (const e of s.configErrors) err(`✗ ${e.toLine()}`);
  for (const { result: r, alerts } of t.targets) {
    if (r.verdict === 'good') {
      const d = r.diff!;
      out(`✓ ${r.target.id}  ${plural(r.items, 'item')}, ${plural(r.pages.length, 'page')}  +${d.added.length} ~${d.changed.length} -${d.removed.length}  ${plural(alerts.length, 'alert')}`);
    } else {
      // A failing target's alert is the notice to sales ops (after notify_ops_after_failures runs).
      out(`✗ ${r.target.id}  ${failureText(r.failure!)}${alerts.length ? `  (${plural(alerts.length, 'alert')} to sales ops)` : ''}`);
    }
  }
  for (const a of t.analysers) {
    if (a.error) err(`✗ ${a.name}: ${a.error}`);
    else if (a.alerts.length || a.tables.length) out(`+ ${a.name} (across targets)  ${foundText(a.alerts.length, a.tables.length)}`);
  }
  if (t.config.length) out(`+ broken target files  ${plural(t.config.length, 'alert')} to sales ops`);
  for (const m of s.delivery.sent) out(sentLine(m));
  for (const f of s.delivery.failed) {
    const v = opsView(f.msg);
    err(`! ${isEmail(f.msg) ? 'mail' : `${f.msg.channel} post`} to ${v.to} not sent (attempt ${f.msg.attempts}): ${v.lastError ?? f.error}`);
  }
  out(`${t.good}/${plural(s.results.length, 'target')} good, ${foundText(t.alerts, t.tables)}, ${plural(t.emails, 'email')} sent${t.posts ? `, ${plural(t.posts, 'chat post')}` : ''}${t.unsent ? `, ${t.unsent} not sent` : ''}`);
}

function isEmail(m: { channel?: string }): boolean {
  return !m.channel || m.channel === 'email';
}

function summaryJson(s: RunSummary) {
  const t = tally(s);
  return {
    exitCode: s.exitCode,
    configErrors: s.configErrors.map((e) => e.toLine()),
    totals: { targets: s.results.length, good: t.good, failed: s.results.length - t.good, alerts: t.alerts, tables: t.tables, emails: t.emails, posts: t.posts, unsent: t.unsent },
    targets: t.targets.map(({ result: r, alerts }) => ({
      id: r.target.id,
      verdict: r.verdict,
      failure: r.failure ?? null,
      items: r.items,
      pages: r.pages.length,
      added: r.diff?.added.length ?? 0,
      changed: r.diff?.changed.length ?? 0,
      removed: r.diff?.removed.length ?? 0,
      alerts: alerts.map((a) => a.id),
    })),
    // `tables`: the regions a 比价 table was made for.
    analysers: t.analysers.map((a) => ({ name: a.name, alerts: a.alerts.map((x) => x.id), tables: a.tables, error: a.error })),
    configAlerts: t.config.map((a) => a.id),
    emails: s.delivery.sent.filter(isEmail).map((m) => {
      const v = opsView(m);
      return { to: v.to, subject: v.subject, file: m.file ?? null, ...(v.hr ? { hr: true } : {}) };
    }),
    posts: s.delivery.sent
      .filter((m) => !isEmail(m))
      .map((m) => {
        const v = opsView(m);
        return { to: v.to, channel: m.channel, subject: v.subject, ...(v.hr ? { hr: true } : {}) };
      }),
    unsent: s.delivery.failed.map((f) => {
      const v = opsView(f.msg);
      return { to: v.to, channel: f.msg.channel ?? 'email', error: v.lastError ?? f.error };
    }),
  };
}
