import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { commands, type LazyCommand } from '../../src/cli/registry.js';
import { REPO, tsxCli } from '../helpers/crash-harness.js';

const lazyNames = commands.filter((c): c is LazyCommand => typeof c !== 'function').map((c) => c.name);
const names = async (argv?: string[]) => (await buildProgram(argv)).commands.map((c) => c.name());

describe('CLI registry: a command file is loaded when that command runs', () => {
  it('each registry line names the command its file registers, and only that one is loaded to run it', async () => {
    expect(lazyNames).toEqual(expect.arrayContaining(['run', 'daemon', 'signals', 'health']));
    for (const name of lazyNames) expect(await names([name]), name).toEqual([name]);
    expect(await names(['--home', '/srv/radar', '--state=/tmp/s', 'daemon', '--log', 'json'])).toEqual(['daemon']);
  });

  it('help, help <command>, --version and unknown commands see every command, in registry order', async () => {
    for (const argv of [undefined, [], ['--help'], ['help', 'daemon'], ['--version'], ['no-such-command'], ['--home', 'daemon']]) {
      expect(await names(argv), JSON.stringify(argv)).toEqual(lazyNames);
    }
  });
});

describe('radar daemon at rest', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'radar-lazy-'));
    for (const d of ['scrapers', 'rules']) mkdirSync(join(home, d));
    // A chat channel configured too: its settings are read at start, its code only on first use.
    writeFileSync(
      join(home, 'rules', 'owners.yaml'),
      'channels:\n  east-wecom: { type: wecom, url_env: RADAR_WECOM_EAST }\nregions:\n  east: { name: 华东, owners: [east-head@example.com], channels: [east-wecom] }\nops: [sales-ops@example.com]\n',
    );
    // Not due while the test runs; a price target and a job target (its kind reads JSON-LD with cheerio).
    const target = (id: string, kind: string) =>
      `id: ${id}\nkind: ${kind}\ncompetitor: Acme\nregion: east\nschedule: "0 3 1 1 *"\nfetch: { url: "http://127.0.0.1:9/${id}" }\nitems: { each: ".p", key: "@data-id", fields: { name: ".n", price: ".pr" } }\n`;
    writeFileSync(join(home, 'scrapers', 'shop.yaml'), target('shop', 'price'));
    writeFileSync(join(home, 'scrapers', 'careers.yaml'), `id: careers\nkind: job\ncompetitor: Acme\nregion: east\nschedule: "0 3 1 1 *"\nfetch: { url: "http://127.0.0.1:9/jobs" }\n`);
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('has loaded none of the libraries for scraping, mail, charts, jobs, the demo or terminal output', async () => {
    const list = join(home, 'modules.txt');
    const proc = spawn(
      process.execPath,
      [...tsxCli().slice(0, 2), '--import', join(REPO, 'test/cli/record-modules.mjs'), ...tsxCli().slice(2), '--home', home, '--state', join(home, 'state'), 'daemon', '--log', 'json', '--no-watch'],
      { cwd: REPO, env: { ...process.env, NODE_OPTIONS: '', RECORD_MODULES_TO: list, RADAR_LOG_LEVEL: 'debug', RADAR_OUTBOX_DIR: join(home, 'outbox') }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => proc.on('close', (code) => r(code)));
    // At rest: started, and the delivery round it runs at start (nothing to send) has finished.
    const until = Date.now() + 45_000;
    while (!/"job":"deliver:due".*"msg":"run finished"/.test(out) && proc.exitCode === null && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    proc.kill('SIGTERM');
    expect(await exited, out).toBe(0);
    expect(out).toContain('"targets":2');

    const loaded = readFileSync(list, 'utf8');
    // The recorder sees both kinds of module: the daemon's own ES modules and CommonJS packages.
    expect(loaded).toContain('/src/schedule/daemon.ts');
    expect(loaded).toContain('/node_modules/yaml/');
    const heavy = ['handlebars', 'nodemailer', 'cheerio', 'htmlparser2', 'pino-pretty', 'playwright-core', '@resvg/resvg-js', 'vega', 'vega-lite', 'exceljs', 'undici', 'robots-parser', 'iconv-lite', 'bullmq', 'ioredis'];
    const channels = ['email', 'wecom', 'dingtalk', 'feishu', 'webhook', 'slack', 'chat', 'http'].map((c) => `src/deliver/channels/${c}.ts`);
    const ours = ['src/pipeline/', 'src/fetch/registry', 'src/deliver/render', 'src/deliver/sections/', ...channels, 'src/signals/', 'src/health/', 'src/demo/', 'src/cli/run.ts', 'src/cli/signals.ts', 'src/queue/coordinator', 'src/queue/worker'];
    const found = [...heavy.map((p) => `/node_modules/${p}/`), ...ours.map((p) => `/${p}`)].filter((p) => loaded.includes(p));
    expect(found).toEqual([]);
    // The web console and API load only with radar serve or daemon --serve.
    expect(['/node_modules/fastify/', '/node_modules/@fastify/swagger/', '/src/server/', '/src/service/'].filter((p) => loaded.includes(p))).toEqual([]);
  });
});
