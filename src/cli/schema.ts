import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { targetSchema } from '../config/target-schema.js';
import { out } from './common.js';

/** JSON Schema of a target file, for editors (YAML language server: `# yaml-language-server: $schema=...`). */
export function targetJsonSchema(): object {
  return { title: 'sales-radar target', ...z.toJSONSchema(targetSchema, { io: 'input', unrepresentable: 'any' }) };
}

export function register(program: Command): void {
  program
    .command('schema')
    .description('Print the JSON Schema of scrapers/*.yaml files (for editor completion and checks).')
    .option('-o, --out <file>', 'write it to a file instead')
    .action((opts: { out?: string }) => {
      const text = JSON.stringify(targetJsonSchema(), null, 2) + '\n';
      if (opts.out) writeFileSync(opts.out, text);
      else out(text.trimEnd());
    });
}
