// Daemon at rest: `radar daemon` (compiled, as bin/radar.js runs it) with N targets scheduled
// and nothing due. Samples the daemon's resident memory from /proc after it started and settled,
// then edits one target file and times the SIGHUP reload until the daemon logs it applied.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { args, report } from '../lib/child.js';

const a = args();
const root = join(import.meta.dirname, '..', '..');
const n = Number(a.targets);
const settleMs = Number(a.settle ?? 8000);
const launcher = join(a.dist, '..', 'bin', 'radar.js');
if (!existsSync(join(a.dist, 'cli', 'daemon.js')) || !existsSync(launcher)) {
  report(a.out, { notBuilt: 'radar daemon is not in this build' });
  process.exit(0);
}

const home = mkdtempSync(join(a.dir, 'daemon-'));
mkdirSync(join(home, 'scrapers'));
mkdirSync(join(home, 'rules'));
for (const f of ['owners.yaml', 'price.yaml']) copyFileSync(join(root, 'rules', f), join(home, 'rules', f));
for (let i = 1; i <= n; i++) {
  const id = `shop-${String(i).padStart(5, '0')}`;
  // 03:00 on 1 January: scheduled, and not due while the benchmark runs.
  writeFileSync(
    join(home, 'scrapers', `${id}.yaml`),
    `id: ${id}\nkind: price\ncompetitor: Shop ${i}\nregion: ${i % 2 ? 'east' : 'south'}\nschedule: "0 3 1 1 *"\nfetch:\n  url: http://127.0.0.1:9/${id}/list?page={page}\n  pages: 1..5\nitems:\n  each: ".product"\n  key: "@data-sku"\n  fields:\n    name: ".title"\n    price: ".price"\n    url: "a@href"\n`,
  );
}

const status = (pid) => {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return '';
  }
};
const kb = (text, field) => Number(new RegExp(`${field}:\\s+(\\d+)\\s+kB`).exec(text)?.[1] ?? NaN) * 1024;
const cpuOf = (pid) => {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return NaN;
  }
};

const child = spawn(process.execPath, [launcher, '--home', home, '--state', join(home, 'state'), 'daemon', '--log', 'json', '--no-watch'], {
  env: { ...process.env, RADAR_TEMPLATES_DIR: join(root, 'templates'), RADAR_OUTBOX_DIR: join(home, 'outbox') },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let log = '';
let started = false;
let targets = null;
let reloaded = null;
let pending = '';
const t0Start = Date.now();
let startMs = null;
child.stdout.on('data', (d) => {
  log = (log + d).slice(-20_000);
  const lines = (pending + d).split('\n');
  pending = lines.pop();
  for (const line of lines) {
    try {
      const o = JSON.parse(line);
      if (o.msg === 'daemon started') {
        started = true;
        targets = o.targets;
        startMs = Date.now() - t0Start;
      }
      if (o.msg === 'config reloaded') reloaded = o;
    } catch {
      /* not a JSON line */
    }
  }
});
child.stderr.on('data', (d) => (log = (log + d).slice(-20_000)));
const exited = new Promise((r) => child.on('exit', r));

const deadline = Date.now() + 60_000;
while (!started && Date.now() < deadline && child.exitCode === null) await sleep(100);
if (!started) {
  child.kill('SIGKILL');
  console.error(`daemon did not start: ${log.slice(-1000)}`);
  process.exit(1);
}
// At rest: after start-up garbage is collected. Sampled twice a second; the last samples count.
const samples = [];
const t0 = Date.now();
while (Date.now() - t0 < settleMs) {
  await sleep(500);
  samples.push(kb(status(child.pid), 'VmRSS'));
}
const peak = kb(status(child.pid), 'VmHWM');
const cpuS = cpuOf(child.pid);

// A sales-ops edit: one target moves region; SIGHUP; done when the daemon says the config is applied.
const edited = join(home, 'scrapers', 'shop-00001.yaml');
writeFileSync(edited, readFileSync(edited, 'utf8').replace('region: east', 'region: south'));
const r0 = performance.now();
child.kill('SIGHUP');
while (!reloaded && performance.now() - r0 < 60_000 && child.exitCode === null) await sleep(5);
const reloadMs = reloaded ? performance.now() - r0 : NaN;
const afterReloadRss = kb(status(child.pid), 'VmRSS');
child.kill('SIGTERM');
// An unref'd timer: a pending 15 s wait must not keep this process (and the bench) alive after the daemon exits.
const code = await Promise.race([exited, sleep(15_000, undefined, { ref: false }).then(() => 'timeout')]);
if (code === 'timeout') child.kill('SIGKILL');
rmSync(home, { recursive: true, force: true });
if (!reloaded) {
  console.error(`daemon did not log a reload after SIGHUP: ${log.slice(-1000)}`);
  process.exit(1);
}
if (targets !== n) {
  console.error(`daemon scheduled ${targets} targets, expected ${n}: ${log.slice(-1000)}`);
  process.exit(1);
}
const rest = samples.slice(-4);
report(a.out, { targets, startMs, reloadMs, afterReloadRssBytes: afterReloadRss, restRssBytes: Math.min(...rest), restRssMaxBytes: Math.max(...rest), peakRssBytes: peak, cpuS, rssSamplesMB: samples.map((s) => Math.round(s / 2 ** 20)) });
