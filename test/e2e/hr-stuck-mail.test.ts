import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePaths } from '../../src/config/load.js';
import { createLogger } from '../../src/core/log.js';
import { smtpTransport } from '../../src/deliver/transport.js';
import { Daemon } from '../../src/schedule/daemon.js';
import { runAttritionJob } from '../../src/signals/job.js';
import { Outbox } from '../../src/store/outbox.js';
import { startSmtp, type SmtpSink } from '../helpers/smtp.js';
import { makeWorkspace, REPO, type Workspace } from '../helpers/workspace.js';

describe('when the HR mailbox refuses mail, sales ops hear that an HR email is stuck, and nothing of it', () => {
  let ws: Workspace;
  let smtp: SmtpSink;
  let names: string[];
  let hrSubject: string;
  const logLines: string[] = [];
  let listing: { stdout: string; stderr: string };
  let listingJson: string;

  beforeAll(async () => {
    ws = makeWorkspace();
    for (const f of ['signals.yaml', 'attrition.yaml']) cpSync(join(REPO, 'rules', f), join(ws.home, 'rules', f));
    ws.writeRule('delivery.yaml', 'retry: { max_attempts: 3, backoff_minutes: [1], notify_ops_after_attempts: 1 }\n');
    smtp = await startSmtp({
      refuse: (rcpt) => (rcpt === 'hr-partner@example.com' ? { code: 550, message: '5.1.1 <hr-partner@example.com>: Recipient address rejected: User unknown in virtual mailbox table' } : null),
    });
    const paths = resolvePaths({ home: ws.home, stateDir: ws.state, outboxDir: ws.outbox, templatesDir: join(REPO, 'templates') });
    const now = new Date('2026-11-23T01:00:00Z');
    const job = await runAttritionJob({ rulesDir: paths.rulesDir, stateDir: paths.stateDir, now, samplesDir: join(REPO, 'data', 'samples') });
    expect(job.alerts.length).toBeGreaterThan(1);
    names = job.alerts.map((a) => (a.payload as { name: string }).name);
    new Outbox(paths.stateDir).record(job.alerts, now);

    const stream = new PassThrough();
    stream.on('data', (c: Buffer) => logLines.push(...c.toString().split('\n').filter(Boolean)));
    const daemon = new Daemon({ paths, log: createLogger({ format: 'json', destination: stream }), transport: smtpTransport(smtp.url), watch: false });
    await daemon.start();
    try {
      await daemon.deliver('all');
    } finally {
      await daemon.stop('test');
    }
    const hrMessage = Object.values(new Outbox(paths.stateDir).data.messages).find((m) => m.hr)!;
    hrSubject = hrMessage.subject;
    listing = await ws.radar('outbox', 'list', '--all');
    listingJson = (await ws.radar('outbox', 'list', '--all', '--json')).stdout;
  }, 60_000);

  afterAll(async () => {
    await smtp.close();
    ws.cleanup();
  });

  /** Anything that would tell a non-HR reader about the HR digest: its subject, how many people, who. */
  const expectNothingOfHr = (text: string, where: string): void => {
    expect(text, where).not.toContain(hrSubject);
    expect(text, where).not.toContain('hr-partner@example.com');
    expect(text, where).not.toMatch(/离职|attrition:p-|\d+\s*人/i);
    for (const n of names) expect(text, `${where}: ${n}`).not.toContain(n);
  };

  it('the HR digest was refused for good (550) and is dead in the outbox', () => {
    expect(hrSubject).toMatch(/^\[HR\]/);
    const dead = Object.values(new Outbox(ws.state).data.messages).filter((m) => m.status === 'dead');
    expect(dead.map((m) => m.to)).toEqual(['hr-partner@example.com']);
  });

  it('the notice to sales ops says an HR email is stuck, with the SMTP code and what to run, and nothing else of it', () => {
    const ops = smtp.messages.filter((m) => m.envelopeTo.includes('sales-ops@example.com'));
    expect(ops).toHaveLength(1);
    const m = ops[0]!;
    expect(m.text).toContain('一封发给 HR 的邮件（标题和收件人仅 HR 可见）');
    expect(m.text).toContain('the mail server answered 550 5.1.1 (details withheld: HR mail)');
    expect(m.text).toMatch(/radar outbox retry [0-9a-f]{24}/);
    for (const [part, text] of [['subject', m.subject ?? ''], ['text', m.text ?? ''], ['html', String(m.html)]] as const) expectNothingOfHr(text, `ops notice ${part}`);
    // Nobody else received anything.
    expect(smtp.messages.every((x) => x.envelopeTo.join() === 'sales-ops@example.com')).toBe(true);
  });

  it('the daemon log names neither the subject nor the recipient nor the server words, nor how many people', () => {
    const log = logLines.join('\n');
    expect(log).toContain('mail given up (dead letter)');
    expect(log).toContain('mail is stuck: sales ops notified');
    expectNothingOfHr(log, 'daemon log');
    expect(log).not.toContain('Recipient address rejected');
  });

  it('radar outbox list (table and --json) shows an HR email, its id and status, but not its subject or recipient', () => {
    expect(listing.stdout).toMatch(/dead\s+1\s+HR\s+.*an HR email \(subject withheld\)/);
    expectNothingOfHr(listing.stdout + listing.stderr, 'outbox list');
    expectNothingOfHr(listingJson, 'outbox list --json');
    const rows = JSON.parse(listingJson) as { hr?: boolean; to: string; subject: string; lastError?: string }[];
    expect(rows.find((r) => r.hr)).toMatchObject({ to: 'HR', subject: 'an HR email (subject withheld)', lastError: 'the mail server answered 550 5.1.1 (details withheld: HR mail)' });
    // The ops notice itself is listed as it is.
    expect(rows.some((r) => r.to === 'sales-ops@example.com' && /not delivered|无法送达|could not be delivered/.test(r.subject))).toBe(true);
  });
});
