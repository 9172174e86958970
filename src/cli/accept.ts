import type { Command } from 'commander';
import { displayPath } from '../config/load.js';
import { RadarError } from '../core/errors.js';
import { failureText } from '../core/verdict.js';
import { runAll } from '../pipeline/run.js';
import { removeStaleTempFiles } from '../schedule/housekeeping.js';
import { acquireLock } from '../schedule/lock.js';
import { readRunLog } from '../store/runlog.js';
import { err, out, pathsFrom, setExitCode } from './common.js';

export function register(program: Command): void {
  program
    .command('accept')
    .description('Run one target now and take its result as the new normal after a genuine, lasting shrink (a shop that really dropped half its range).')
    .argument('<id>', 'the target id')
    .option('--note <text>', 'why, kept in the run log (e.g. "outlet range closed")')
    .addHelpText(
      'after',
      `
A target whose shop really shrank fails as layout_changed ("found 12 items, the last good run found
24") or truncated (pages much smaller than last time) on every run. accept fetches it once with those
two checks waived; every other check still applies (blocked, login wall, pages cut off mid-document,
a page repeating another, garbled text ...). The items it finds become the snapshot, the run log
records the acceptance with the previous count, and the usual alerts follow: items no longer listed
count as removed after removed_after_runs runs, as always.
Exit codes: 0 accepted, 1 the run failed for another reason (nothing changed), 2 bad usage.`,
    )
    .action(async (id: string, opts: { note?: string }, cmd: Command) => {
      const paths = pathsFrom(cmd);
      const lock = acquireLock(paths.stateDir, 'accept', (h) =>
        h.command === 'daemon'
          ? `radar daemon (pid ${h.pid}, since ${h.startedAt}) is using ${displayPath(paths.stateDir)}; stop it to accept a target by hand, then start it again`
          : `another radar ${h.command} (pid ${h.pid}, since ${h.startedAt}) is using ${displayPath(paths.stateDir)}; wait for it to finish`,
      );
      let summary;
      try {
        removeStaleTempFiles(paths.stateDir);
        summary = await runAll({ paths, only: [id], accept: { targetId: id, ...(opts.note ? { note: opts.note } : {}) } });
      } finally {
        lock.release();
      }
      const r = summary.results.find((x) => x.target.id === id);
      if (!r) throw new RadarError('usage', `no target with id ${id}`);
      if (r.verdict === 'failed') {
        err(`✗ ${id}: not accepted, the run failed for another reason: ${failureText(r.failure!)}`);
        return setExitCode(cmd, 1);
      }
      const previous = readRunLog(paths.stateDir, id).runs.at(-1)?.accepted?.previousCount ?? 0;
      out(`✓ ${id}: accepted ${r.items} items as the new normal (the last good run had ${previous}); recorded in the run log`);
      const d = r.diff!;
      if (d.missing.length || d.removed.length) out(`  ${d.missing.length} items missing now count as removed after rules/price.yaml removed_after_runs runs; ${d.removed.length} removed already`);
      for (const m of summary.delivery.sent) out(`→ ${m.to}: ${m.subject}`);
      setExitCode(cmd, 0);
    });
}
