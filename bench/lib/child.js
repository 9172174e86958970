// What every measured child process shares: reading its arguments, timing a window of work,
// and reporting its own peak RSS and CPU time at the end, so each row measures only itself.
import { readFileSync, writeFileSync } from 'node:fs';

/** `--key value` pairs into an object (values stay strings). */
export function args(argv = process.argv.slice(2)) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) out[a.slice(2)] = argv[i + 1]?.startsWith('--') || argv[i + 1] === undefined ? 'true' : argv[++i];
  }
  return out;
}

/** Peak resident set size of this process in bytes (VmHWM; getrusage where /proc is absent). */
export function peakRss() {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    /* not Linux */
  }
  return process.resourceUsage().maxRSS * 1024;
}

export function cpuSeconds(since) {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

/** Starts a measured window: call the result to get its wall time and CPU time. */
export function window() {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  return () => ({ wallMs: performance.now() - t0, windowCpuS: cpuSeconds(c0) });
}

/**
 * Writes the row's measurements where the parent asked, with this process's peak RSS and total
 * CPU unless the row measured another process (the daemon) and reports those itself.
 */
export function report(file, data) {
  const result = { peakRssBytes: peakRss(), cpuS: cpuSeconds(), ...data };
  writeFileSync(file, JSON.stringify(result));
}
