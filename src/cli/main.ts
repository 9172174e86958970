import { Command, CommanderError } from 'commander';
import { commands, type LazyCommand, type RegisterCommand } from './registry.js';
import { errorLine, RadarError } from '../core/errors.js';

/** Exit codes scripts can rely on. */
export const EXIT = { ok: 0, targetsFailed: 1, usage: 2 } as const;

/**
 * The program with every command, or, given the arguments, with only the command they name (its
 * file and libraries are all that get loaded). Without a known command name (`radar --help`,
 * `radar help x`, a typo) every command is loaded, so help and suggestions are complete.
 */
export async function buildProgram(argv?: string[]): Promise<Command> {
  const program = new Command('radar')
    .description('sales-radar: watches competitor prices, tenders and hiring; scores team signals; emails the right people.')
    .version('0.1.0')
    .showHelpAfterError()
    .option('--home <dir>', 'folder with scrapers/, rules/, templates/ (default: $RADAR_HOME or the current folder)')
    .option('--state <dir>', 'state folder (default: $RADAR_STATE_DIR or <home>/data/state)')
    .exitOverride();
  const eager = commands.filter((c): c is RegisterCommand => typeof c === 'function');
  const lazy = commands.filter((c): c is LazyCommand => typeof c !== 'function');
  for (const register of eager) register(program);
  const name = argv ? commandName(program, argv) : undefined;
  const only = lazy.find((c) => c.name === name);
  for (const c of only ? [only] : lazy) {
    if (program.commands.some((x) => x.name() === c.name)) continue;
    (await c.load()).register(program);
    if (!program.commands.some((x) => x.name() === c.name)) throw new Error(`cli/registry: the file loaded for "${c.name}" registers no command of that name`);
  }
  return program;
}

/** The first argument that is not a program option or its value: the command being run. */
function commandName(program: Command, argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return undefined;
    if (!a.startsWith('-')) return a;
    if (a.includes('=')) continue;
    const opt = program.options.find((o) => o.long === a || o.short === a);
    if (opt && (opt.required || opt.optional)) i++;
  }
  return undefined;
}

/** Runs the CLI and resolves to an exit code; never calls process.exit itself. */
export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv);
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
    if (err instanceof RadarError && ['config', 'usage', 'invalid', 'not_found', 'conflict', 'forbidden'].includes(err.code)) {
      process.stderr.write(`radar: ${errorLine(err)}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`radar: ${errorLine(err)}\n`);
    return EXIT.targetsFailed;
  }
  return code;
}
