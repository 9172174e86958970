// Memory of a process and all its descendants (a crawler and the browsers it started), sampled
// from /proc. PSS (proportional set size) splits each shared page among the processes that map
// it, so Chromium's dozen processes sharing one binary are counted once; the plain RSS sum,
// which counts shared pages again in every process, is kept alongside.
import { readdirSync, readFileSync } from 'node:fs';

function children() {
  const byParent = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The command may hold spaces and parentheses: fields start after the last ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!byParent.has(ppid)) byParent.set(ppid, []);
      byParent.get(ppid).push(Number(name));
    } catch {
      /* gone meanwhile */
    }
  }
  return byParent;
}

/** The pids of `root` and everything under it, now. */
export function treePids(root) {
  const byParent = children();
  const out = [];
  const todo = [root];
  while (todo.length) {
    const pid = todo.pop();
    out.push(pid);
    todo.push(...(byParent.get(pid) ?? []));
  }
  return out;
}

function kindOf(pid) {
  try {
    // Chromium rewrites its process title: its arguments may come as one space-separated string.
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    const type = /--type=([\w-]+)/.exec(cmd);
    if (type) return type[1];
    const exe = cmd.split(' ')[0];
    return /chrom/.test(exe) ? 'browser' : exe.split('/').pop();
  } catch {
    return '?';
  }
}

const kb = (text, field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;

/**
 * { pss, own, rss, cpuS, processes, cpuByPid } of a tree now (bytes; CPU seconds of the live
 * processes). `own` is the PSS of anonymous and shared memory only (heaps, tiles, buffers): what
 * the tree itself allocated. The rest of PSS is file pages (Chromium's ~250 MB binary, libraries)
 * split with every process mapping them, other users' Chromiums on the machine included: the same
 * tree reads ~100 MB less while someone else runs Chromium, `own` does not move with that.
 */
export function treeUsage(root) {
  let pss = 0;
  let own = 0;
  let rss = 0;
  let cpuS = 0;
  let processes = 0;
  const cpuByPid = new Map();
  const parts = [];
  for (const pid of treePids(root)) {
    try {
      const t = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      parts.push([pid, kb(t, 'Pss')]);
      pss += kb(t, 'Pss');
      own += kb(t, 'Pss_Anon') + kb(t, 'Pss_Shmem');
      rss += kb(t, 'Rss');
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const c = (Number(f[11]) + Number(f[12])) / 100;
      cpuS += c;
      cpuByPid.set(pid, c);
      processes++;
    } catch {
      /* gone meanwhile */
    }
  }
  return { pss, own, rss, cpuS, processes, cpuByPid, parts };
}

/**
 * Samples a tree every `everyMs` until stopped; resolves the peaks and the CPU seconds of every
 * process seen, as of its last sample (a process's last moments before it ended are missed).
 */
export function sampleTree(root, everyMs = 200) {
  const peak = { pss: 0, own: 0, rss: 0, processes: 0, parts: [] };
  const cpu = new Map();
  const tick = () => {
    const u = treeUsage(root);
    for (const [pid, c] of u.cpuByPid) cpu.set(pid, c);
    // Where the memory was at the peak: MB per kind of process (node, browser, renderer, gpu-process, ...).
    if (u.pss > peak.pss) peak.parts = u.parts.map(([pid, bytes]) => [kindOf(pid), Math.round(bytes / 2 ** 20)]);
    peak.pss = Math.max(peak.pss, u.pss);
    peak.own = Math.max(peak.own, u.own);
    peak.rss = Math.max(peak.rss, u.rss);
    peak.processes = Math.max(peak.processes, u.processes);
  };
  const timer = setInterval(tick, everyMs);
  tick();
  return {
    stop() {
      clearInterval(timer);
      let treeCpuS = 0;
      for (const c of cpu.values()) treeCpuS += c;
      return { peakTreePssBytes: peak.pss, peakTreeOwnBytes: peak.own, peakTreeRssBytes: peak.rss, peakProcesses: peak.processes, peakPssByProcessMB: peak.parts, treeCpuS };
    },
  };
}
