import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatInZone } from '../../src/time/zone.js';
import { REPO, tsxCli } from '../helpers/crash-harness.js';
import { startServer, type FixtureServer } from '../helpers/server.js';
import { makeWorkspace, type Workspace } from '../helpers/workspace.js';

interface RunJson {
  totals: { targets: number; good: number; failed: number; alerts: number; tables: number; emails: number; unsent: number };
  targets: { id: string; verdict: string; items: number; pages: number; alerts: string[] }[];
  analysers: { name: string; alerts: string[]; tables: string[]; error: string | null }[];
  configAlerts: string[];
  emails: { to: string }[];
}

/** What a person adds up from the text summary: the count on every line, and the totals line. */
function readSummary(stdout: string) {
  const lines = stdout.split('\n');
  const counted = lines.flatMap((l) => {
    const m = /^[✓✗+] (\S+).*?(\d+) alerts?\b/.exec(l);
    return m ? [{ line: l, id: m[1]!, alerts: Number(m[2]) }] : [];
  });
  const total = /^(\d+)\/(\d+) targets? good, (\d+) alerts?(?:, (\d+) price tables?)?, (\d+) emails? sent/m.exec(stdout);
  return { lines, counted, total: total ? { good: Number(total[1]), targets: Number(total[2]), alerts: Number(total[3]), tables: Number(total[4] ?? 0), emails: Number(total[5]) } : null };
}

describe('radar run summaries: per-line counts add up to the totals, --json carries the same numbers', () => {
  let site: FixtureServer;
  let ws: Workspace;
  let acme = '¥2,599';

  beforeAll(async () => {
    site = await startServer({
      '/east': (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<ul><li class="product" data-sku="N8"><a href="/p/N8?spm=list.1"><span class="title">Acme 空调 KFR-35GW/N8 1.5匹</span></a><span class="price">${acme}</span></li></ul>`);
      },
    });
    ws = makeWorkspace();
    ws.writeTarget('acme.yaml', `id: acme-prices\ncompetitor: Acme\nregion: east\nfetch: { url: "${site.url}/east", min_interval_ms: 0 }\nitems: { each: ".product", key: "@data-sku", fields: { name: ".title", price: ".price", url: "a@href" } }\n`);
    mkdirSync(join(ws.home, 'data'));
    writeFileSync(join(ws.home, 'data', 'pricelist.csv'), '商品编码,商品名称,型号,品牌,品类,指导价,华东价\nR-KFR35,Radar 空调 KFR-35GW/R1 1.5匹,KFR-35GW/R1,Radar,空调,2599,2499\n');
    ws.writeRule('matches.yaml', 'matches:\n  - { our_sku: R-KFR35, competitor: Acme, key: N8 }\n');
  }, 60_000);

  afterAll(async () => {
    await site?.close();
    ws?.cleanup();
  });

  it('counts the comparison pass on its own line, says "1 item", "1 page", "1 alert", "1 email", and agrees with --json', async () => {
    const first = await ws.radar('run', '--no-progress');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^✓ acme-prices {2}1 item, 1 page {2}\+1 ~0 -0 {2}0 alerts$/m);
    // The comparison pass's first table (比价表) is a report, not an alert: counted as what it is, and the one email.
    expect(first.stdout).toMatch(/^\+ comparison \(across targets\) {2}0 alerts, 1 price table$/m);
    expect(first.stdout).toMatch(/^1\/1 target good, 0 alerts, 1 price table, 1 email sent$/m);

    // Acme now undercuts our 华东 price by far: the price move is the target's, the undercut the comparison pass's.
    acme = '¥1,999';
    const text = await ws.radar('run', '--no-progress');
    const s = readSummary(text.stdout);
    expect(s.total).not.toBeNull();
    const target = s.counted.find((c) => c.id === 'acme-prices')!;
    const comparison = s.counted.find((c) => c.id === 'comparison')!;
    expect(target.alerts).toBe(1);
    expect(target.line).toMatch(/ 1 alert$/);
    expect(comparison.alerts).toBeGreaterThanOrEqual(1);
    expect(s.counted.reduce((n, c) => n + c.alerts, 0)).toBe(s.total!.alerts);
    expect(text.stdout).toMatch(/^1\/1 target good, \d+ alerts, 1 price table, 1 email sent$/m);
    // The undercut is the alert; the new table (prices moved) is not.
    expect(comparison.line).toMatch(/ \d+ alerts?, 1 price table$/);

    // The same numbers in JSON (a third run finds nothing new, so compare a fresh run's text and JSON on one state).
    acme = '¥1,899';
    const json = JSON.parse((await ws.radar('run', '--json')).stdout) as RunJson;
    const perSource = json.targets.reduce((n, t) => n + t.alerts.length, 0) + json.analysers.reduce((n, a) => n + a.alerts.length, 0) + json.configAlerts.length;
    expect(json.totals.alerts).toBe(perSource);
    expect(json.totals).toMatchObject({ targets: 1, good: 1, failed: 0, emails: json.emails.length });
    const cmp = json.analysers.find((a) => a.name === 'comparison')!;
    expect(cmp.alerts.length).toBeGreaterThanOrEqual(1);
    expect(cmp.alerts.filter((id) => id.startsWith('pricetable:'))).toEqual([]);
    expect(cmp.tables).toEqual(['east']);
    expect(json.totals.tables).toBe(1);

    // Nothing changed: the comparison pass finds the same undercut again, which is not news twice.
    const again = JSON.parse((await ws.radar('run', '--json')).stdout) as RunJson;
    expect(again.totals).toMatchObject({ alerts: 0, tables: 0, emails: 0 });
    expect(again.analysers.find((a) => a.name === 'comparison')!.alerts).toEqual([]);
  }, 90_000);

  it('history and outbox list show times in the configured zone, and say which', async () => {
    ws.writeRule('owners.yaml', 'regions:\n  east: { owners: [east-head@example.com] }\nops: [ops@example.com]\ntime_zone: America/New_York\n');
    const hist = await ws.radar('history', 'acme-prices');
    const runs = JSON.parse((await ws.radar('history', 'acme-prices', '--json')).stdout) as { runs: { at: string }[] };
    expect(hist.stdout).toContain(formatInZone(new Date(runs.runs[0]!.at), 'America/New_York'));
    expect(hist.stdout).not.toContain(runs.runs[0]!.at.slice(0, 16).replace('T', ' ') + ' ');
    expect(hist.stdout).toContain('(times in America/New_York)');
    const list = await ws.radar('outbox', 'list', '--all');
    expect(list.stdout).toMatch(/\d+ messages?: .*\(times in America\/New_York\)/);
    const sent = (JSON.parse((await ws.radar('outbox', 'list', '--all', '--json')).stdout) as { createdAt: string }[])[0]!;
    expect(list.stdout).toContain(formatInZone(new Date(sent.createdAt), 'America/New_York'));
  }, 60_000);

  it('exits quietly when the reader of its output goes away (radar schema | head -0)', async () => {
    const child = spawn(process.execPath, [...tsxCli(), '--home', ws.home, 'schema'], {
      cwd: REPO,
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    // Like `| head -0`: the reader is gone before the first line is written.
    child.stdout!.destroy();
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    expect(stderr).not.toMatch(/EPIPE|Unhandled 'error' event|at .*common/);
    expect(code).toBe(0);
  }, 60_000);
});
