import { Command, CommanderError } from 'commander';
import { commands } from './registry.js';
import { errorLine, RadarError } from '../core/errors.js';

/** Exit codes scripts can rely on. */
export const EXIT = { ok: 0, targetsFailed: 1, usage: 2 } as const;

export function buildProgram(): Command {
  const program = new Command('radar')
    .description('sales-radar: watches competitor prices, tenders and hiring; scores team signals; emails the right people.')
    .version('0.1.0')
    .showHelpAfterError()
    .option('--home <dir>', 'folder with scrapers/, rules/, templates/ (default: $RADAR_HOME or the current folder)')
    .option('--state <dir>', 'state folder (default: $RADAR_STATE_DIR or <home>/data/state)')
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

/** Runs the CLI and resolves to an exit code; never calls process.exit itself. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  let code: number = EXIT.ok;
  // Commands report their outcome through this hook rather than process.exit, so tests can run them in-process.
  program.hook('postAction', (_thisCommand, actionCommand) => {
    const c = (actionCommand as Command & { exitCode?: number }).exitCode;
    if (typeof c === 'number') code = c;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof RadarError && (err.code === 'config' || err.code === 'usage')) {
      process.stderr.write(`radar: ${errorLine(err)}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`radar: ${errorLine(err)}\n`);
    return EXIT.targetsFailed;
  }
  return code;
}
