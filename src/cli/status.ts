import type { Command } from 'commander';
import { loadRules, loadTargets, problemCount } from '../config/load.js';
import { targetHealth, type TargetHealth } from '../pipeline/health.js';
import { formatInZone } from '../time/zone.js';
import { readRunLog } from '../store/runlog.js';
import { readSnapshotHeader } from '../store/snapshot.js';
import { configuredQueueUrl } from '../queue/redis.js';
import type { QueueStatus } from '../queue/status.js';
import { err, out, pathsFrom, plural, setExitCode } from './common.js';
import { formatTable } from './table.js';

export function register(program: Command): void {
  program
    .command('status')
    .description('Show every target with its health, last good run, next run and item count.')
    .option('--json', 'print as JSON')
    .addHelpText(
      'after',
      `
With a queue (distributed mode): its depth per queue, who leads, and every worker with the jobs
it is running now.
Health: healthy | failing (since when, how many runs in a row, failure class) | stale (no good run
for two scheduled runs: is radar running?) | never_run | disabled. Times are in the time_zone of
rules/owners.yaml. Exit codes: 0 all healthy, 1 some target failing or stale (or a broken target file), 2 bad config.`,
    )
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const paths = pathsFrom(cmd);
      const rules = loadRules(paths.rulesDir);
      const tz = rules.owners.time_zone;
      const { targets, errors } = loadTargets(paths.scrapersDir);
      const now = new Date();
      const rows: TargetHealth[] = targets.map((t) => {
        const snap = readSnapshotHeader(paths.stateDir, t.id);
        return targetHealth(t, readRunLog(paths.stateDir, t.id), snap?.lastGoodCount ?? null, now, tz);
      });
      const bad = rows.some((r) => r.status === 'failing' || r.status === 'stale') || errors.length > 0;
      const url = configuredQueueUrl(paths);
      const queue = url ? await (await import('../queue/status.js')).readQueueStatus(url) : null;
      if (opts.json) {
        out(JSON.stringify({ timeZone: tz, targets: rows, configErrors: errors.map((e) => e.toLine()), ...(queue ? { queue } : {}) }, null, 2));
      } else {
        for (const e of errors) err(`✗ ${e.toLine()}`);
        const at = (iso: string | null) => (iso ? localTime(iso, tz) : '-');
        out(
          formatTable(
            ['target', 'health', 'last good', 'next run', 'items', 'detail'],
            rows.map((r) => [r.id, r.status, at(r.lastGoodAt), at(r.nextRunAt), r.items === null ? '-' : String(r.items), detail(r, tz)]),
            60,
          ),
        );
        // The whole reason, untruncated, for whoever has to fix it.
        for (const r of rows.filter((x) => x.status === 'failing' && x.message)) out(`  ${r.id}: ${r.message}`);
        const count = (s: string) => rows.filter((r) => r.status === s).length;
        // Broken files are on stderr; the summary says so too, so "all healthy" is never read into a skipped target.
        const n = problemCount(errors);
        const broken = n ? `; ${n} target file problem${n === 1 ? '' : 's'} (above, not in this table): fix, then radar validate` : '';
        out(`${plural(rows.length, 'target')}: ${count('healthy')} healthy, ${count('failing')} failing, ${count('stale')} stale, ${count('never_run')} never run (times in ${tz})${broken}`);
        if (queue) printQueue(queue, tz);
      }
      setExitCode(cmd, bad ? 1 : 0);
    });
}

function detail(r: TargetHealth, tz: string): string {
  if (r.status === 'failing') {
    const status = r.httpStatus ? ` HTTP ${r.httpStatus}` : '';
    return `${r.failureClass}${status}, ${r.failures} run${r.failures === 1 ? '' : 's'} in a row since ${r.failingSince ? localTime(r.failingSince, tz) : '?'}`;
  }
  if (r.scheduleProblem) return r.scheduleProblem;
  if (r.status === 'stale') return `no good run since ${r.lastGoodAt ? localTime(r.lastGoodAt, tz) : '?'} (schedule "${r.schedule}")`;
  return '';
}

function localTime(iso: string, tz: string): string {
  return formatInZone(new Date(iso), tz);
}

function printQueue(q: QueueStatus, tz: string): void {
  out('');
  if (!q.reachable) {
    out(`queue ${q.url}: unreachable (${q.error})`);
    return;
  }
  const waiting = q.queues.filter((x) => x.name !== 'results').reduce((n, x) => n + x.waiting + x.delayed, 0);
  const running = q.queues.filter((x) => x.name !== 'results').reduce((n, x) => n + x.active, 0);
  out(`queue ${q.url}: ${waiting} waiting, ${running} running; leader ${q.leader ? `${q.leader.host} (pid ${q.leader.pid}, since ${localTime(q.leader.since, tz)})` : 'none'}`);
  if (q.queues.length) {
    out(formatTable(['queue', 'waiting', 'running', 'delayed', 'failed', 'done (kept)'], q.queues.map((x) => [x.name, String(x.waiting), String(x.active), String(x.delayed), String(x.failed), String(x.completed)]), 40));
  }
  if (!q.workers.length) {
    out('no workers: start one with `radar worker`');
    return;
  }
  out(
    formatTable(
      ['worker', 'can', 'jobs', 'running now', 'last seen'],
      q.workers.map((w) => [
        w.id,
        [w.browser ? 'browser' : 'http', ...w.proxyGroups.map((g) => `proxy:${g}`)].join(' '),
        `${w.current.length}/${w.concurrency} (${w.done} done)`,
        w.current.map((c) => `${c.target} (${c.pages} pages, since ${localTime(c.since, tz).slice(11)})`).join(', ') || '-',
        w.stale ? `${localTime(w.seenAt, tz)} (gone?)` : localTime(w.seenAt, tz).slice(11),
      ]),
      60,
    ),
  );
}
