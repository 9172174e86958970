import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type FixtureServer } from '../helpers/server.js';
import { startSmtp, type SmtpSink } from '../helpers/smtp.js';
import { makeWorkspace, runCli, REPO, type Workspace } from '../helpers/workspace.js';

interface OutboxFile {
  messages: Record<string, { id: string; to: string; status: string; attempts: number; lastError?: string; nextAttemptAt?: string; alertIds: string[] }>;
}

describe('SMTP outage: the server is down for the first attempts, then up', () => {
  let site: FixtureServer;
  let smtp: SmtpSink;
  let port: number;
  let ws: Workspace;
  let prices = { A1: '¥1,000', B1: '$500' };

  beforeEach(async () => {
    prices = { A1: '¥1,000', B1: '$500' };
    site = await startServer({
      '/east': (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<div class="i" data-id="A1"><b class="n">空调 A1</b><i class="p">${prices.A1}</i></div>`);
      },
      '/south': (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<div class="i" data-id="B1"><b class="n">Heater B1</b><i class="p">${prices.B1}</i></div>`);
      },
    });
    smtp = await startSmtp();
    port = smtp.port;
    ws = makeWorkspace();
    const items = 'items: { each: ".i", key: "@data-id", fields: { name: ".n", price: ".p" } }';
    ws.writeTarget('e.yaml', `id: east-shop\ncompetitor: Acme\nregion: east\nfetch: { url: "${site.url}/east", min_interval_ms: 0, retries: 0 }\n${items}\n`);
    ws.writeTarget('s.yaml', `id: south-shop\ncompetitor: Bolt\nregion: south\ncurrency: USD\nfetch: { url: "${site.url}/south", min_interval_ms: 0, retries: 0 }\n${items}\n`);
    ws.writeRule('delivery.yaml', 'retry: { max_attempts: 6, backoff_minutes: [1, 5], notify_ops_after_attempts: 3 }\n');
  });

  afterEach(async () => {
    await site.close();
    await smtp.close();
    ws.cleanup();
  });

  const env = () => ({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Radar <radar@example.com>', RADAR_TEMPLATES_DIR: join(REPO, 'templates'), RADAR_OUTBOX_DIR: ws.outbox });
  const radar = (...args: string[]) => runCli(['--home', ws.home, '--state', ws.state, ...args], env());
  const outbox = () => JSON.parse(readFileSync(join(ws.state, 'outbox.json'), 'utf8')) as OutboxFile;

  it('keeps every digest while nothing listens, then while the server refuses, and delivers each exactly once when it is back', async () => {
    expect((await radar('run', '--no-progress')).code).toBe(0);
    prices = { A1: '¥800', B1: '$400' };

    // Down: nothing listens on the port at all.
    await smtp.close();
    const down = await radar('run', '--no-progress');
    expect(down.stderr).toMatch(/mail to east-head@example.com not sent \(attempt 1\).*ECONNREFUSED|mail to east-head@example.com not sent \(attempt 1\).*(refused|connect)/i);
    expect(Object.values(outbox().messages).map((m) => [m.to, m.status, m.attempts]).sort()).toEqual([
      ['east-head@example.com', 'pending', 1],
      ['south-head@example.com', 'pending', 1],
    ]);
    // Backoff is recorded for the daemon (a manual run retries at once).
    for (const m of Object.values(outbox().messages)) expect(Date.parse(m.nextAttemptAt!) - Date.now()).toBeGreaterThan(50_000);

    // Up again but refusing with 451, twice: the third failed attempt tells sales ops (whose mail fails too).
    smtp = await startSmtp({ port });
    smtp.failing = true;
    await radar('run', '--no-progress');
    const third = await radar('run', '--no-progress');
    expect(third.stderr).toContain('not sent (attempt 3)');
    expect(smtp.messages).toHaveLength(0);
    const stuck = Object.values(outbox().messages).find((m) => m.to === 'sales-ops@example.com');
    expect(stuck?.status).toBe('pending');

    const list = await radar('outbox', 'list');
    expect(list.stdout).toMatch(/pending\s+3\s+east-head@example.com/);
    expect(list.stdout).toContain('Service temporarily unavailable');
    expect(list.stdout).toMatch(/3 messages: 3 pending/);

    // Back: everything waiting arrives, once.
    smtp.failing = false;
    const up = await radar('run', '--no-progress');
    expect(up.code).toBe(0);
    await radar('run', '--no-progress');
    await radar('outbox', 'retry');
    expect(smtp.messages.map((m) => m.envelopeTo[0]).sort()).toEqual(['east-head@example.com', 'sales-ops@example.com', 'south-head@example.com']);
    expect(new Set(smtp.messages.map((m) => m.messageId)).size).toBe(3);
    const east = smtp.messages.find((m) => m.envelopeTo[0] === 'east-head@example.com')!;
    expect(east.text).toContain('¥1,000 -> ¥800 (-20%)');
    const ops = smtp.messages.find((m) => m.envelopeTo[0] === 'sales-ops@example.com')!;
    expect(ops.subject).toBe('[运营] 2 封摘要滞留在发件箱');
    expect(ops.text).toContain('east-head@example.com');
    expect(ops.text).toContain('south-head@example.com');
    expect(ops.text).toContain('Service temporarily unavailable');
    expect(Object.values(outbox().messages).every((m) => m.status === 'sent')).toBe(true);
    expect((await radar('outbox', 'list')).stdout).toMatch(/3 messages: 3 sent/);
  }, 180_000); // a dozen CLI runs: ~50 s alone, past the 60 s default on a loaded machine

  it('gives up after the attempt limit (dead letter), tells ops, and radar outbox retry sends it once', async () => {
    ws.writeRule('delivery.yaml', 'retry: { max_attempts: 2, backoff_minutes: [1], notify_ops_after_attempts: 5 }\n');
    ws.writeRule('owners.yaml', 'regions:\n  east: { owners: [east-head@example.com] }\nops: [sales-ops@example.com]\n');
    await radar('run', '--no-progress');
    prices = { ...prices, A1: '¥700' };
    smtp.failing = true;
    await radar('run', '--no-progress');
    const second = await radar('run', '--no-progress');
    expect(second.stderr).toContain('not sent (attempt 2)');
    const dead = Object.values(outbox().messages).find((m) => m.to === 'east-head@example.com')!;
    expect(dead.status).toBe('dead');
    // Ops got a notice in the same round; it failed too (the server refuses everything), so it waits.
    const notice = Object.values(outbox().messages).find((m) => m.to === 'sales-ops@example.com')!;
    expect(notice.status).toBe('pending');
    // A dead message is not retried by a normal run.
    smtp.failing = false;
    await radar('run', '--no-progress');
    expect(smtp.messages.map((m) => m.envelopeTo[0])).toEqual(['sales-ops@example.com']);
    expect(smtp.messages[0]!.subject).toBe('[运营] 1 封摘要无法送达');
    expect(smtp.messages[0]!.text).toContain(`radar outbox retry ${dead.id}`);
    expect((await radar('outbox', 'list')).stdout).toMatch(/dead\s+2\s+east-head@example.com/);

    const retry = await radar('outbox', 'retry', dead.id.slice(0, 8));
    expect(retry.code).toBe(0);
    expect(retry.stdout).toContain('→ east-head@example.com');
    await radar('outbox', 'retry', dead.id);
    await radar('run', '--no-progress');
    expect(smtp.messages.map((m) => m.envelopeTo[0])).toEqual(['sales-ops@example.com', 'east-head@example.com']);
  });

  it('refuses a recipient for good on a permanent RCPT error, and purge drops a dead message', async () => {
    await radar('run', '--no-progress');
    prices = { A1: '¥700', B1: '$300' };
    // A relay that rejects one mailbox for good (550 on RCPT TO): retrying cannot help.
    await smtp.close();
    const { SMTPServer } = await import('smtp-server');
    const received: string[] = [];
    const server = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo(addr, _s, cb) {
        if (addr.address === 'south-head@example.com') return cb(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
        cb();
      },
      onData(stream, session, cb) {
        stream.resume();
        stream.on('end', () => {
          received.push(session.envelope.rcptTo[0]!.address);
          cb();
        });
      },
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    try {
      await radar('run', '--no-progress');
      const south = Object.values(outbox().messages).find((m) => m.to === 'south-head@example.com')!;
      expect(south.status).toBe('dead');
      expect(south.attempts).toBe(1);
      expect(south.lastError).toContain('Mailbox unavailable');
      expect(received.sort()).toEqual(['east-head@example.com', 'sales-ops@example.com']);
      const purge = await radar('outbox', 'purge', '--dead');
      expect(purge.stdout).toContain(`purged ${south.id.slice(0, 12)} (dead) to south-head@example.com`);
      expect(Object.values(outbox().messages).some((m) => m.to === 'south-head@example.com')).toBe(false);
      expect((await radar('outbox', 'purge')).stderr).toContain('name the messages to purge');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
      smtp = await startSmtp(); // for afterEach
    }
  });
});
