import type { Command } from 'commander';
import { displayPath, loadRules, loadTargetFile, loadTargets } from '../config/load.js';
import { RadarError } from '../core/errors.js';
import { pathsFrom, out, err, setExitCode } from './common.js';
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
      if (files.length) {
        for (const f of files) {
          try {
            targets.push(loadTargetFile(f));
          } catch (e) {
            errors.push(e instanceof RadarError ? e : new RadarError('config', String(e), { where: f }));
          }
        }
      } else {
        const loaded = loadTargets(paths.scrapersDir);
        targets.push(...loaded.targets);
        errors.push(...loaded.errors);
      }
      if (rules) {
        for (const t of targets) {
          if (!rules.owners.regions[t.region]) {
            errors.push(new RadarError('config', `region: "${t.region}" has no owners in rules/owners.yaml (known: ${Object.keys(rules.owners.regions).join(', ')})`, { where: displayPath(t.file) }));
          }
        }
      }
      if (rules && !files.length) for (const c of ruleChecks) errors.push(...(await c.check(paths, rules)));
      for (const t of targets) out(`ok  ${t.id}  (${displayPath(t.file)}, ${t.kind}, ${t.fetch.mode})`);
      for (const e of errors) err(`error  ${e.toLine()}`);
      out(errors.length ? `${errors.length} problem(s)` : `all ${targets.length} targets and rules are valid`);
      setExitCode(cmd, errors.length ? 2 : 0);
    });
}
