import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type FixtureServer } from '../helpers/server.js';
import { makeWorkspace, REPO, runCli, type Workspace } from '../helpers/workspace.js';

/** SMTP without a real sender: the run must refuse before it fetches anything, and say what to set. */
describe('a configured sender for SMTP', () => {
  let site: FixtureServer;
  let ws: Workspace;
  let hits = 0;

  beforeEach(async () => {
    hits = 0;
    site = await startServer({
      '/list': (_q, res) => {
        hits++;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<div class="p" data-sku="A"><b class="n">A</b><b class="price">¥10</b></div>');
      },
    });
    ws = makeWorkspace();
    ws.writeTarget('a.yaml', `id: acme\ncompetitor: Acme\nregion: east\nfetch: { url: "${site.url}/list", min_interval_ms: 0, retries: 0 }\nitems: { each: ".p", key: "@data-sku", fields: { name: ".n", price: ".price" } }\n`);
  });

  afterEach(async () => {
    await site.close();
    ws.cleanup();
  });

  // Nothing listens on port 9: a run that got as far as sending would fail differently.
  const radar = (from: string | undefined) => runCli(['--home', ws.home, '--state', ws.state, 'run', '--no-progress'], { SMTP_URL: 'smtp://127.0.0.1:9', MAIL_FROM: from, RADAR_TEMPLATES_DIR: join(REPO, 'templates'), RADAR_OUTBOX_DIR: ws.outbox });

  it('refuses to start with SMTP_URL and no MAIL_FROM, saying what to set, before fetching anything', async () => {
    const r = await radar(undefined);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('radar: SMTP_URL is set but MAIL_FROM is not: set MAIL_FROM to a sender address your mail server accepts');
    expect(r.stderr).not.toContain('127.0.0.1:9');
    expect(hits).toBe(0);
  });

  it('refuses an undeliverable sender (localhost, no domain), and accepts a real one', async () => {
    for (const from of ['sales-radar <sales-radar@localhost>', 'radar']) {
      const r = await radar(from);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`MAIL_FROM "${from}" is not a deliverable sender address`);
    }
    expect(hits).toBe(0);
    const ok = await radar('Radar <radar@example.com>');
    expect(hits).toBeGreaterThan(0);
    expect(ok.stderr).not.toContain('MAIL_FROM');
  });
});
