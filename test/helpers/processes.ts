import { spawn, type ChildProcess } from 'node:child_process';
import { REPO } from './crash-harness.js';

export type LogLine = Record<string, unknown> & { msg: string; level: number };

export interface RadarProcess {
  name: string;
  proc: ChildProcess;
  lines: LogLine[];
  raw(): string;
  waitFor(pred: (l: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A radar command as a real process (signals, locks, kills are the point), its JSON log parsed line by line. */
export function startRadar(name: string, entry: string[], args: string[], env: Record<string, string>): RadarProcess {
  const proc = spawn(process.execPath, [...entry, ...args, '--log', 'json'], { cwd: REPO, env: { ...process.env, ...env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const lines: LogLine[] = [];
  proc.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    const parts = out.split('\n');
    out = parts.pop()!;
    for (const p of parts) {
      if (!p.trim()) continue;
      try {
        lines.push(JSON.parse(p) as LogLine);
      } catch {
        err += `${p}\n`;
      }
    }
  });
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.on('close', (code, signal) => r({ code, signal })));
  const self: RadarProcess = {
    name,
    proc,
    lines,
    raw: () => `${name} log:\n${lines.map((l) => JSON.stringify(l)).join('\n')}\n${out}\nstderr: ${err}`,
    exit,
    async waitFor(pred, what, timeoutMs = 45_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const hit = lines.find(pred);
        if (hit) return hit;
        if (proc.exitCode !== null || proc.signalCode !== null || Date.now() > until) throw new Error(`${name}: no "${what}" within ${timeoutMs} ms\n${self.raw()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async kill(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exit;
    },
  };
  return self;
}

export async function until(pred: () => boolean | Promise<boolean>, what: string, timeoutMs = 45_000, explain: () => string = () => ''): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`no ${what} within ${timeoutMs} ms\n${explain()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
