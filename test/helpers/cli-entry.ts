// The CLI as a child process through tsx (tests that need a real process: signals, SIGKILL, locks).
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
