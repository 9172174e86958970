import type { Command } from 'commander';
import { displayPath } from '../config/load.js';
import { failureText } from '../core/verdict.js';
import { runAll, type RunSummary } from '../pipeline/run.js';
import { removeStaleTempFiles } from '../schedule/housekeeping.js';
import { acquireLock } from '../schedule/lock.js';
import { opsView } from '../store/outbox.js';
import { pathsFrom, out, err, sentLine, setExitCode } from './common.js';
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
Mail goes over SMTP when SMTP_URL is set (e.g. smtp://user:pass@mail.example.com:587);
otherwise each email is written to data/outbox/ as .eml plus an .html preview.
A manual run sends everything waiting, whatever the delivery window (rules/delivery.yaml).
It refuses to start while \`radar daemon\` uses the same state folder.`,
    )
    .action(async (opts: { target?: string[]; json?: boolean; progress: boolean }, cmd: Command) => {
      const paths = pathsFrom(cmd);
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

export function printSummary(s: RunSummary): void {
  for (const e of s.configErrors) err(`✗ ${e.toLine()}`);
  for (const e of s.analyserErrors) err(`✗ ${e}`);
  for (const r of s.results) {
    if (r.verdict === 'good') {
      const d = r.diff!;
      out(`✓ ${r.target.id}  ${r.items} items, ${r.pages.length} pages  +${d.added.length} ~${d.changed.length} -${d.removed.length}  ${r.alerts.length} alerts`);
    } else {
      out(`✗ ${r.target.id}  ${failureText(r.failure!)}`);
    }
  }
  for (const m of s.delivery.sent) out(sentLine(m));
  for (const f of s.delivery.failed) {
    const v = opsView(f.msg);
    err(`! ${isEmail(f.msg) ? 'mail' : `${f.msg.channel} post`} to ${v.to} not sent (attempt ${f.msg.attempts}): ${v.lastError ?? f.error}`);
  }
  const good = s.results.filter((r) => r.verdict === 'good').length;
  const emails = s.delivery.sent.filter(isEmail).length;
  const posts = s.delivery.sent.length - emails;
  out(`${good}/${s.results.length} targets good, ${s.alerts.length} alerts, ${emails} emails sent${posts ? `, ${posts} chat posts` : ''}`);
}

function isEmail(m: { channel?: string }): boolean {
  return !m.channel || m.channel === 'email';
}

function summaryJson(s: RunSummary) {
  return {
    exitCode: s.exitCode,
    configErrors: s.configErrors.map((e) => e.toLine()),
    targets: s.results.map((r) => ({
      id: r.target.id,
      verdict: r.verdict,
      failure: r.failure ?? null,
      items: r.items,
      pages: r.pages.length,
      added: r.diff?.added.length ?? 0,
      changed: r.diff?.changed.length ?? 0,
      removed: r.diff?.removed.length ?? 0,
      alerts: r.alerts.map((a) => a.id),
    })),
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
