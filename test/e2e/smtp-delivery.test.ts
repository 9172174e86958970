import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type FixtureServer } from '../helpers/server.js';
import { startSmtp, type SmtpSink } from '../helpers/smtp.js';
import { DEFAULT_OWNERS, makeWorkspace, runCli, REPO, type Workspace } from '../helpers/workspace.js';

describe('SMTP delivery against a real smtp-server on 127.0.0.1', () => {
  let site: FixtureServer;
  let smtp: SmtpSink;
  let ws: Workspace;
  let price = '¥1,000';

  beforeEach(async () => {
    price = '¥1,000';
    site = await startServer({
      '/p': (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<div class="item" data-id="X1"><b class="n">Widget &lt;script&gt;alert(1)&lt;/script&gt; {{title}}</b><i class="p">${price}</i></div>`);
      },
    });
    smtp = await startSmtp({ user: 'radar', pass: 's3cret-pa55' });
    ws = makeWorkspace();
    ws.writeTarget(
      'w.yaml',
      `id: widgets\ncompetitor: Acme\nregion: south\nfetch: { url: "${site.url}/p", min_interval_ms: 0 }\nitems: { each: ".item", key: "@data-id", fields: { name: ".n", price: ".p" } }\n`,
    );
  });

  afterEach(async () => {
    await site.close();
    await smtp.close();
    ws.cleanup();
  });

  const run = () =>
    runCli(['--home', ws.home, '--state', ws.state, 'run'], {
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Radar <radar@example.com>',
      RADAR_TEMPLATES_DIR: join(REPO, 'templates'),
      RADAR_OUTBOX_DIR: ws.outbox,
    });

  it('delivers the digest over SMTP with the right envelope, subject and escaped content, and never stores the password', async () => {
    expect((await run()).code).toBe(0);
    price = '¥800';
    const r = await run();
    expect(r.code).toBe(0);
    expect(smtp.messages).toHaveLength(1);
    const m = smtp.messages[0]!;
    expect(m.envelopeTo).toEqual(['south-head@example.com']);
    expect(m.from?.text).toContain('radar@example.com');
    expect(m.subject).toBe('[South China] Competitor price cut -20%: Acme Widget <script>alert(1)…');
    expect(m.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; {{title}}');
    expect(m.html).not.toContain('<script>');
    expect(m.text).toContain('¥1,000 -> ¥800 (-20%)');
    expect(m.messageId).toMatch(/^<[0-9a-f]{24}@sales-radar>$/);
    // Secrets come from the environment and are never written down or printed.
    const outbox = readFileSync(join(ws.state, 'outbox.json'), 'utf8');
    expect(outbox).not.toContain('s3cret-pa55');
    expect(r.stdout + r.stderr).not.toContain('s3cret-pa55');
  });

  it('keeps a message pending while the SMTP server refuses it, and sends it once on the next run', async () => {
    await run();
    price = '¥800';
    smtp.failing = true;
    const down = await run();
    expect(down.stderr).toContain('not sent');
    expect(smtp.messages).toHaveLength(0);
    smtp.failing = false;
    await run();
    await run();
    expect(smtp.messages).toHaveLength(1);
  });

  it.each([
    ['zh-CN', 1, '[运营] 1 个采集任务失败，1 个配置文件有错'],
    ['en', 2, '[Ops] 1 scraper failing, 2 config files have errors'],
  ])("counts broken config files apart from failed scrapes in the ops email's subject and summary (%s)", async (locale, broken, subject) => {
    ws.writeRule('owners.yaml', `${DEFAULT_OWNERS}locale: ${locale}\n`);
    ws.writeRule('price.yaml', 'notify_ops_after_failures: 1\n');
    ws.writeTarget('gone.yaml', `id: gone\ncompetitor: Acme\nregion: south\nfetch: { url: "${site.url}/nothing-here", min_interval_ms: 0, retries: 0 }\nitems: { each: ".item", key: "@data-id", fields: { name: ".n", price: ".p" } }\n`);
    for (let n = 1; n <= broken; n++) ws.writeTarget(`typo${n}.yaml`, `id: typo${n}\ncompetitor: X\nregion: east\nfetch:\n  url: "http://x/"\n  colour: red\n`);
    await run();
    const ops = smtp.messages.filter((m) => m.envelopeTo.includes('sales-ops@example.com'));
    expect(ops).toHaveLength(1);
    expect(ops[0]!.subject).toBe(subject);
    // The summary at the top of the mail says the same.
    expect(ops[0]!.text).toContain(subject.replace(/^\[.*?\] /, ''));
  });
});
