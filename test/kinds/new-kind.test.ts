import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { html, startServer, type FixtureServer } from '../helpers/server.js';
import { makeWorkspace, REPO, runCli, type Workspace } from '../helpers/workspace.js';
// The one file that adds the kind; importing it is how a build would include it.
import './fixtures/rating-kind.js';

describe('a new kind is one file: registered from a test, it runs through the whole pipeline', () => {
  let site: FixtureServer;
  let ws: Workspace;
  let templates: string;
  let rating = '4.8';

  beforeEach(async () => {
    site = await startServer({
      '/reviews': (q, res, u) => html(`<ul><li class="r" data-id="kfr35"><b>KFR-35GW</b> <i>${rating}</i></li><li class="r" data-id="kfr26"><b>KFR-26GW</b> <i>4.5</i></li></ul>`)(q, res, u),
    });
    ws = makeWorkspace();
    // Its templates sit next to everyone else's: copy the repo's and add the kind's two.
    templates = mkdtempSync(join(tmpdir(), 'radar-templates-'));
    cpSync(join(REPO, 'templates'), templates, { recursive: true });
    writeFileSync(join(templates, 'sections', 'rating.html.hbs'), '<ul>{{#each rows}}<li>{{competitor}} {{name}}: {{from}} → {{to}}</li>{{/each}}</ul>');
    writeFileSync(join(templates, 'sections', 'rating.text.hbs'), '{{#each rows}}* {{competitor}} {{name}}: {{from}} -> {{to}}\n{{/each}}');
    ws.writeRule('ratings.yaml', 'min_drop: 0.5\n');
    ws.writeTarget('acme-ratings.yaml', `id: acme-ratings\nkind: rating\ncompetitor: Acme\nregion: east\nfetch:\n  url: ${site.url}/reviews\n  min_interval_ms: 0\nitems:\n  each: "li.r"\n  key: "@data-id"\n  fields:\n    name: "b"\n    rating: "i"\n`);
  });

  afterEach(async () => {
    await site.close();
    ws.cleanup();
    rmSync(templates, { recursive: true, force: true });
  });

  const radar = (...args: string[]) => runCli(['--home', ws.home, '--state', ws.state, ...args], { RADAR_OUTBOX_DIR: ws.outbox, RADAR_TEMPLATES_DIR: templates });

  it('validates, loads its own rules file, stores items, alerts and gets its digest section', async () => {
    const v = await radar('validate');
    expect(v.stdout).toContain('ok  acme-ratings');
    expect(v.code).toBe(0);

    expect((await radar('run')).code).toBe(0);
    rating = '4.4'; // -0.4: below min_drop 0.5 from rules/ratings.yaml
    await radar('run');
    expect(await ws.emails()).toHaveLength(0);
    rating = '4.1'; // -0.3 from 4.4 only, but the kind compares run to run: still nothing
    await radar('run');
    expect(await ws.emails()).toHaveLength(0);

    ws.writeRule('ratings.yaml', 'min_drop: 0.2\n');
    rating = '3.8';
    await radar('run');
    const mails = await ws.emails();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('[华东] 1 rating drops');
    expect(mails[0]!.text).toContain('商品评分 (1)');
    expect(mails[0]!.text).toContain('* Acme KFR-35GW: 4.1 -> 3.8');
  });

  it('its rules file is checked like any other, with file:line', async () => {
    ws.writeRule('ratings.yaml', 'min_drop: 0.5\nmin_dorp: 1\n');
    const v = await radar('validate');
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/ratings\.yaml:2: min_dorp: unknown field; did you mean "min_drop"\?/);
  });
});
