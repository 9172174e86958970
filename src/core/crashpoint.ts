/**
 * Fault injection for the crash-safety tests: `RADAR_CRASH_AT=<point>:<n>` kills this process
 * with SIGKILL the n-th time execution passes the named point (n defaults to 1). Unset, it is a
 * single map lookup. SIGKILL, not an exception: no finally block, flush or exit handler runs,
 * exactly like a power cut or the OOM killer as far as our files are concerned.
 */
const spec = parse(process.env.RADAR_CRASH_AT);
const hits = new Map<string, number>();

function parse(v: string | undefined): { point: string; n: number } | null {
  if (!v) return null;
  const m = /^(.+?)(?::(\d+))?$/.exec(v.trim());
  if (!m) return null;
  return { point: m[1]!, n: m[2] ? Number(m[2]) : 1 };
}

export function crashPoint(point: string): void {
  if (!spec || spec.point !== point) return;
  const n = (hits.get(point) ?? 0) + 1;
  hits.set(point, n);
  if (n === spec.n) {
    process.stderr.write(`radar: crash point ${point}:${n} reached, SIGKILL\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}

/** Names a state file by its role, so a crash point can target "the snapshot write" rather than a path. */
export function fileRole(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  if (base.endsWith('.snapshot.json')) return 'snapshot';
  if (base.endsWith('.runs.json')) return 'runlog';
  if (base === 'outbox.json') return 'outbox';
  if (base.endsWith('.eml') || /[\\/]mail[\\/][^\\/]+\.(html|json)$/.test(file)) return 'mail';
  if (base === 'schedule.json') return 'schedule';
  return 'file';
}
