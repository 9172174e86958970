import type { Command } from 'commander';
import { checkTargetFile, displayPath, loadRules, loadTargets, problemCount } from '../config/load.js';
import { RadarError } from '../core/errors.js';
import { pathsFrom, out, err, plural, setExitCode } from './common.js';
import { ruleChecks } from './validate-checks.js';

export function register(program: Command): void {
  program
    .command('validate')
    .description('Check scrapers/*.yaml and rules/*.yaml (or the given files) without fetching anything.')
    .argument('[files...]', 'target files to check (default: every file in scrapers/)')
    .action(async (files: string[], _opts: unknown, cmd: Command) => {
      const paths = pathsFrom(cmd);
      const errors: RadarError[] = [];
      let rules;
      try {
        rules = loadRules(paths.rulesDir);
      } catch (e) {
        errors.push(e instanceof RadarError ? e : new RadarError('config', String(e)));
      }
      const targets = [];
      // A region nobody owns is checked here rather than on every run: its alerts would reach no one.
      const opts = rules ? { regions: Object.keys(rules.owners.regions) } : {};
      if (files.length) {
        for (const f of files) {
          const r = checkTargetFile(f, opts);
          if (r.target) targets.push(r.target);
          errors.push(...r.errors);
        }
      } else {
        const loaded = loadTargets(paths.scrapersDir, opts);
        targets.push(...loaded.targets);
        errors.push(...loaded.errors);
      }
      if (rules && !files.length) for (const c of ruleChecks) errors.push(...(await c.check(paths, rules)));
      for (const t of targets) out(`ok  ${t.id}  (${displayPath(t.file)}, ${t.kind}, ${t.fetch.mode})`);
      for (const e of errors) err(`error  ${e.toLine()}`);
      out(errors.length ? plural(problemCount(errors), 'problem') : `all ${plural(targets.length, 'target')} and rules are valid`);
      setExitCode(cmd, errors.length ? 2 : 0);
    });
}
