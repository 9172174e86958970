import { spawn } from 'node:child_process';
import { buildSync } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readSnapshot } from '../../src/store/snapshot.js';

export const REPO = resolve(import.meta.dirname, '../..');

export interface BuiltCli {
  /** An ESM entry that runs the CLI with process.argv. */
  entry: string;
  cleanup(): void;
}

/**
 * Compiles src/ once into a folder inside the repo, so node_modules resolves. A child from plain
 * JS starts in about half the time of one through tsx, which matters for the crash test's many
 * short processes. esbuild strips the types file by file (what tsc --noCheck emitted, in well
 * under a second; tsc took ~20 CPU s and 600 MB per test file that built it); `npm run
 * typecheck` checks the types.
 */
export function buildCli(name: string): BuiltCli {
  const dir = join(REPO, '.radar-tmp', `${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const src = join(REPO, 'src');
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  buildSync({ entryPoints: files.map((f) => join(src, f)), outdir: dir, outbase: src, format: 'esm', platform: 'node', target: 'node20', logLevel: 'error' });
  const entry = join(dir, 'entry.mjs');
  writeFileSync(entry, "const { main } = await import('./cli/main.js');\nprocess.exitCode = await main(process.argv.slice(2));\n");
  return { entry, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs the CLI through tsx (no build step; slower start). */
export function tsxCli(): string[] {
  return ['--import', 'tsx', join(REPO, 'test/helpers/cli-entry.ts')];
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function runChild(nodeArgs: string[], args: string[], env: Record<string, string | undefined>, timeoutMs = 60_000): Promise<ChildResult> {
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete childEnv[k];
      else childEnv[k] = v;
    }
    const child = spawn(process.execPath, [...nodeArgs, ...args], { cwd: REPO, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child timed out after ${timeoutMs} ms: ${args.join(' ')}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/**
 * Every state file a crash may have touched must still parse: JSON files as JSON, stored mail
 * as MIME with its Message-ID, and each message the outbox names must have its body on disk.
 * Returns the problems found (empty = healthy).
 */
/** Reads a snapshot through the product's reader, every item's data and every price series: null when all of it reads. */
function snapshotProblem(stateDir: string, targetId: string): string | null {
  try {
    const snap = readSnapshot(stateDir, targetId);
    if (!snap) return 'vanished';
    for (const item of snap.items.values()) void item.data;
    for (const points of snap.history.values()) if (!Array.isArray(points)) return 'a price series is not a list';
    return null;
  } catch (e) {
    return `unreadable (${(e as Error).message})`;
  }
}

export function checkStateFiles(stateDir: string): string[] {
  const problems: string[] = [];
  const walk = (dir: string): string[] =>
    existsSync(dir) ? readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)])) : [];
  for (const file of walk(stateDir)) {
    const base = file.split('/').pop()!;
    if (base.endsWith('.tmp')) continue; // an interrupted write's leftover; removed at the next start
    if (base.endsWith('.snapshot.json')) {
      // Snapshot format 3 is a header line and binary records: a torn one fails the product's own reader.
      const problem = snapshotProblem(stateDir, base.slice(0, -'.snapshot.json'.length));
      if (problem) problems.push(`${file}: ${problem}`);
      continue;
    }
    const text = readFileSync(file, 'utf8');
    if (base.endsWith('.json') || base === 'radar.lock') {
      try {
        JSON.parse(text);
      } catch (e) {
        problems.push(`${file}: not valid JSON (${(e as Error).message})`);
      }
    } else if (base.endsWith('.eml')) {
      if (!/^Message-ID: <[0-9a-f]{24}@sales-radar>$/m.test(text) || !text.includes('\r\n\r\n')) problems.push(`${file}: not a complete MIME message`);
    }
  }
  const outboxFile = join(stateDir, 'outbox.json');
  if (existsSync(outboxFile)) {
    try {
      const outbox = JSON.parse(readFileSync(outboxFile, 'utf8')) as { messages: Record<string, { id: string; alertIds: string[]; channel?: string }>; alerts: Record<string, unknown> };
      for (const m of Object.values(outbox.messages)) {
        // Email bodies are MIME (.eml); a chat channel's are the request JSON (.json, parsed above).
        const body = `mail/${m.id}.${!m.channel || m.channel === 'email' ? 'eml' : 'json'}`;
        if (!existsSync(join(stateDir, body))) problems.push(`outbox names message ${m.id} but ${body} is missing`);
        for (const id of m.alertIds) if (!outbox.alerts[id]) problems.push(`message ${m.id} carries unknown alert ${id}`);
      }
    } catch {
      /* reported above */
    }
  }
  return problems;
}
