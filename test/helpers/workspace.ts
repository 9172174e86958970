import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { main } from '../../src/cli/main.js';

export const REPO = resolve(import.meta.dirname, '../..');

export interface Workspace {
  home: string;
  state: string;
  outbox: string;
  writeTarget(name: string, yaml: string): string;
  writeRule(name: string, yaml: string): void;
  radar(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  emails(): Promise<(ParsedMail & { file: string })[]>;
  cleanup(): void;
}

export const DEFAULT_OWNERS = `
regions:
  east: { name: 华东, name_en: East China, owners: [east-head@example.com], locale: zh-CN }
  south: { name: 华南, name_en: South China, owners: [south-head@example.com], locale: en }
  north: { name: 华北, owners: [north-head@example.com] }
ops: [sales-ops@example.com]
hr: [hr-partner@example.com]
`;

/** A throwaway radar home (scrapers/, rules/, state, outbox) using the repo's templates. */
export function makeWorkspace(): Workspace {
  const home = mkdtempSync(join(tmpdir(), 'radar-test-'));
  mkdirSync(join(home, 'scrapers'));
  mkdirSync(join(home, 'rules'));
  const state = join(home, 'state');
  const outbox = join(home, 'outbox');
  writeFileSync(join(home, 'rules', 'owners.yaml'), DEFAULT_OWNERS);
  const ws: Workspace = {
    home,
    state,
    outbox,
    writeTarget(name, yaml) {
      const f = join(home, 'scrapers', name);
      writeFileSync(f, yaml);
      return f;
    },
    writeRule(name, yaml) {
      writeFileSync(join(home, 'rules', name), yaml);
    },
    async radar(...args) {
      return runCli(['--home', home, '--state', state, ...args], { RADAR_OUTBOX_DIR: outbox, RADAR_TEMPLATES_DIR: join(REPO, 'templates') });
    },
    async emails() {
      let files: string[] = [];
      try {
        files = readdirSync(outbox).filter((f) => f.endsWith('.eml')).sort();
      } catch {
        return [];
      }
      const mails = await Promise.all(files.map(async (f) => Object.assign(await simpleParser(readFileSync(join(outbox, f))), { file: f })));
      // In the order they were composed: names only sort to the second, and within one by hash.
      const seq = (m: ParsedMail) => Number(m.headers.get('x-sales-radar-seq') ?? 0);
      return mails.sort((a, b) => seq(a) - seq(b) || a.file.localeCompare(b.file));
    },
    cleanup() {
      rmSync(home, { recursive: true, force: true });
    },
  };
  return ws;
}

/** Runs the CLI in this process, capturing what it prints. */
export async function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const saved: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  let stdout = '';
  let stderr = '';
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
