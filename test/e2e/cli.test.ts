import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { targetJsonSchema } from '../../src/cli/schema.js';
import { buildProgram } from '../../src/cli/main.js';
import { html, startServer, type FixtureServer } from '../helpers/server.js';
import { makeWorkspace, REPO, runCli, type Workspace } from '../helpers/workspace.js';

describe('radar try: how sales ops test a new target', () => {
  let site: FixtureServer;
  let ws: Workspace;
  beforeEach(async () => {
    site = await startServer({
      '/list': html(
        '<ul><li class="p" data-sku="K1"><a href="/x/1"><b>格力 空调 KFR-35GW</b></a><i>￥ 2,599 起</i></li><li class="p" data-sku="K2"><a href="/x/2"><b>风扇</b></a><i>面议</i></li></ul>',
      ),
    });
    ws = makeWorkspace();
  });
  afterEach(async () => {
    await site.close();
    ws.cleanup();
  });

  it('prints the items it would store and stores nothing', async () => {
    const file = ws.writeTarget(
      'new.yaml',
      `id: newshop\ncompetitor: New\nregion: east\nfetch: { url: "${site.url}/list", min_interval_ms: 0 }\nitems: { each: ".p", key: "@data-sku", fields: { name: "b", price: "i", url: "a@href" } }\n`,
    );
    const r = await ws.radar('try', file);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/K1\s+格力 空调 KFR-35GW\s+2599\s+CNY/);
    expect(r.stdout).toContain(`${site.url}/x/1`);
    expect(r.stdout).toContain('verdict: good (2 items). Nothing was stored.');
    expect(existsSync(join(ws.state, 'targets'))).toBe(false);

    const j = await ws.radar('try', 'newshop', '--json');
    const parsed = JSON.parse(j.stdout) as { items: { key: string; data: { amount: number | null; from: boolean } }[] };
    expect(parsed.items.map((i) => [i.key, i.data.amount, i.data.from])).toEqual([
      ['K1', 2599, true],
      ['K2', null, false],
    ]);
  });

  it('exits 1 and says why when the page does not work', async () => {
    const file = ws.writeTarget('bad.yaml', `id: bad\ncompetitor: B\nregion: east\nfetch: { url: "${site.url}/nothing-here" }\nitems: { each: ".p", fields: { name: "b", price: "i" } }\n`);
    const r = await ws.radar('try', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('verdict: failed, http_404');
  });
});

describe('CLI surface', () => {
  it('every command has --help and exits 0 with it; unknown commands exit 2', async () => {
    const names = (await buildProgram()).commands.map((c) => c.name());
    expect(names).toEqual(expect.arrayContaining(['run', 'try', 'validate', 'history', 'schema', 'demo']));
    for (const name of names) {
      const r = await runCli([name, '--help']);
      expect(r.code, name).toBe(0);
      expect(r.stdout, name).toContain(`Usage: radar ${name}`);
    }
    expect((await runCli(['no-such-command'])).code).toBe(2);
    expect((await runCli(['run', '--no-such-flag'])).code).toBe(2);
  });

  it('the committed JSON Schema for target files is up to date (regenerate: npm run schema)', () => {
    const committed = JSON.parse(readFileSync(join(REPO, 'schema', 'target.schema.json'), 'utf8')) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(targetJsonSchema())));
  });
});
