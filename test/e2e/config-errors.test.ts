import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type FixtureServer } from '../helpers/server.js';
import { makeWorkspace, type Workspace } from '../helpers/workspace.js';

describe('config errors name the file, line and field, and the run goes on', () => {
  let ws: Workspace;
  let site: FixtureServer;
  beforeEach(async () => {
    ws = makeWorkspace();
    site = await startServer({
      '/ok': (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<p class="i" id="a"><span class="n">A</span><span class="p">¥10</span></p>');
      },
    });
    ws.writeTarget('good.yaml', `id: good\ncompetitor: X\nregion: east\nfetch: { url: "${site.url}/ok", min_interval_ms: 0 }\nitems: { each: ".i", key: "@id", fields: { name: ".n", price: ".p" } }\n`);
  });
  afterEach(async () => {
    ws.cleanup();
    await site.close();
  });

  it('broken YAML → one line with file:line', async () => {
    ws.writeTarget('broken.yaml', 'id: broken\ncompetitor: X\nregion: east\nfetch:\n  url: "http://x\n  pages: 1..2\n');
    const r = await ws.radar('validate');
    expect(r.code).toBe(2);
    const line = r.stderr.split('\n').find((l) => l.includes('broken.yaml'))!;
    // Where the quote opened (line 5, column 8), not where the parser gave up.
    expect(line).toMatch(/scrapers\/broken\.yaml:5:8: YAML syntax: the double quote opened here is never closed/);
  });

  it('unknown field → file:line: field: unknown field', async () => {
    ws.writeTarget('typo.yaml', 'id: typo\ncompetitor: X\nregion: east\nfetch:\n  url: "http://x/?p={page}"\n  pages: 1..2\n  pagez: 3\n');
    const r = await ws.radar('validate');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/scrapers\/typo\.yaml:7: fetch\.pagez: unknown field; did you mean "pages"\?/);
    ws.writeTarget('typo.yaml', 'id: typo\ncompetitor: X\nregion: east\nfetch:\n  url: "http://x/"\n  colour: red\n');
    expect((await ws.radar('validate')).stderr).toMatch(/scrapers\/typo\.yaml:6: fetch\.colour: unknown field \(allowed: url, mode, pages, next/);
  });

  it('a wrong value names its field and line', async () => {
    ws.writeTarget('acme.yaml', 'id: acme\ncompetitor: X\nregion: east\nfetch:\n  url: "http://x/?p={page}"\n  mode: http\n  pages: "one to five"\n');
    const r = await ws.radar('validate');
    expect(r.stderr).toMatch(/scrapers\/acme\.yaml:7: fetch\.pages: expected "1\.\.5" or a number/);
  });

  it('a region nobody owns is reported by validate', async () => {
    ws.writeTarget('w.yaml', 'id: w\ncompetitor: X\nregion: mars\nfetch: { url: "http://x/" }\n');
    const r = await ws.radar('validate');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/w\.yaml:3: region: "mars" has no owners in rules\/owners\.yaml; add it under regions: there, or use one of east, south, north/);
  });

  it('radar run still scrapes the good targets, reports the broken file and exits 1', async () => {
    ws.writeTarget('typo.yaml', 'id: typo\ncompetitor: X\nregion: east\nfetch:\n  url: "http://x/"\n  colour: red\n');
    const first = await ws.radar('run');
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('✓ good');
    expect(first.stderr).toMatch(/typo\.yaml:6: fetch\.colour: unknown field/);
    const ops = (await ws.emails()).filter((m) => (Array.isArray(m.to) ? m.to[0] : m.to)!.text === 'sales-ops@example.com');
    expect(ops).toHaveLength(1);
    expect(ops[0]!.text).toContain('fetch.colour: unknown field');
    // Named as sales ops know the file, not by the agent's folder on the server (a temp dir here).
    expect(ops[0]!.text).toContain('! scrapers/typo.yaml (-, scrapers/typo.yaml:6)');
    expect(ops[0]!.text).not.toContain(ws.home);
    expect(ops[0]!.html).not.toContain(ws.home);
  });

  it('validate also checks the comparison rules and our price list, naming file:line', async () => {
    ws.writeRule('compare.yaml', 'price_list:\n  file: prices.csv\n');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${ws.home}/prices.csv`, 'SKU,商品名称,型号,品牌,品类,指导价\nR1,Radar 空调,KFR-35GW,Radar,空调,2499\nR2,Radar 风扇,FS-1,Radar,风扇,not-a-price\n');
    const r = await ws.radar('validate');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/prices\.csv:3: /);
  });

  it('bad rules file stops the run with exit code 2', async () => {
    ws.writeRule('owners.yaml', 'regions:\n  east: { owners: [not-an-email] }\n');
    const r = await ws.radar('run');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rules\/owners\.yaml:2: regions\.east\.owners\.0: expected an email address/);
  });
});
