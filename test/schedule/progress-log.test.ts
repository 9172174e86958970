import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/cli/progress.js';
import type { Target } from '../../src/config/target-schema.js';
import { createLogger, resolveLogFormat } from '../../src/core/log.js';
import type { TargetRunResult } from '../../src/pipeline/run-target.js';

function sink(isTTY: boolean) {
  let text = '';
  const s = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  }) as Writable & { isTTY?: boolean; columns?: number };
  s.isTTY = isTTY;
  s.columns = 60;
  return { stream: s, text: () => text };
}

const t = (id: string) => ({ id }) as Target;
const done = (id: string, verdict: 'good' | 'failed') => ({ type: 'target-done', result: { target: t(id), verdict } as TargetRunResult }) as const;

describe('progress of radar run', () => {
  it('prints one plain line per finished target when piped or in CI', () => {
    const out = sink(false);
    const p = createProgress(out.stream);
    p.onEvent({ type: 'run-start', targets: [t('a'), t('b')] });
    p.onEvent({ type: 'target-start', target: t('a') });
    p.onEvent({ type: 'page', target: t('a'), page: { url: 'u', status: 200, items: 12 } });
    p.onEvent({ type: 'page', target: t('a'), page: { url: 'u2', status: 200, items: 8 } });
    p.onEvent(done('a', 'good'));
    p.onEvent({ type: 'target-start', target: t('b') });
    p.onEvent(done('b', 'failed'));
    p.finish();
    expect(out.text()).toBe('radar: 1/2 targets · 2 pages · 20 items (a ok)\nradar: 2/2 targets · 1 failed · 2 pages · 20 items (b failed)\n');
    expect(out.text()).not.toContain('\r');
  });

  it('redraws one status line in place on a terminal and clears it at the end', () => {
    const out = sink(true);
    const p = createProgress(out.stream);
    p.onEvent({ type: 'run-start', targets: [t('acme-prices'), t('bolt-prices')] });
    p.onEvent({ type: 'target-start', target: t('acme-prices') });
    p.onEvent(done('acme-prices', 'good'));
    p.finish();
    const text = out.text();
    expect(text.startsWith('\r\x1b[2K')).toBe(true);
    expect(text).not.toContain('\n');
    expect(text.endsWith('\r\x1b[2K')).toBe(true);
    for (const line of text.split('\r\x1b[2K').filter(Boolean)) expect([...line].length).toBeLessThanOrEqual(59);
  });
});

describe('logger', () => {
  it('writes one JSON object per line and never a password or cookie', () => {
    const out = sink(false);
    const log = createLogger({ format: 'json', destination: out.stream });
    log.info({ smtpUrl: 'smtp://u:hunter2@mail.example.com', fetch: { headers: { cookie: 'session=abc123', accept: 'text/html' } }, target: 'acme' }, 'target run');
    const line = JSON.parse(out.text().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ msg: 'target run', target: 'acme', smtpUrl: '[redacted]', level: 30 });
    expect(out.text()).not.toContain('hunter2');
    expect(out.text()).not.toContain('abc123');
    expect(out.text()).toContain('text/html');
  });

  it('is pretty when a person watches, JSON otherwise, unless told', () => {
    expect(resolveLogFormat('auto', true)).toBe('pretty');
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    const out = sink(false);
    createLogger({ format: 'pretty', destination: out.stream }).warn({ job: 'target:acme' }, 'still running');
    expect(out.text()).toMatch(/WARN.*still running/);
    expect(out.text()).toContain('still running  job=target:acme');
  });

  it('says a target run in one line when pretty, in the configured zone, with every field at debug level', () => {
    const run = { target: 'acme', verdict: 'good', items: 12, pages: 1, alerts: 1, ms: 1234 };
    const out = sink(false);
    const log = createLogger({ format: 'pretty', destination: out.stream, level: 'info', timeZone: 'Asia/Shanghai' });
    log.info(run, 'target run');
    log.warn({ ...run, target: 'bolt', items: 0, alerts: 0, failure: 'blocked', message: 'HTTP 403' }, 'target run failed');
    log.info({ analyser: 'comparison', alerts: 1, tables: 1 }, 'found across targets');
    log.info({ analyser: 'mentions', alerts: 2, tables: 0 }, 'found across targets');
    const lines = out.text().trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(/INFO: comparison \(across targets\): 1 alert, 1 price table$/);
    expect(lines[3]).toMatch(/INFO: mentions \(across targets\): 2 alerts$/);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d INFO: acme ✓ 12 items, 1 page, 1 alert \(1\.2 s\)$/);
    expect(lines[1]).toMatch(/WARN: bolt ✗ blocked: HTTP 403 \(1\.2 s\)$/);
    // The clock is Shanghai's (UTC+8), not the machine's.
    const utcHour = new Date().getUTCHours();
    const shown = Number(lines[0]!.slice(0, 2));
    expect([(utcHour + 8) % 24, (utcHour + 9) % 24]).toContain(shown);
    const debug = sink(false);
    createLogger({ format: 'pretty', destination: debug.stream, level: 'debug' }).info(run, 'target run');
    expect(debug.text().trim().split('\n')).toHaveLength(1);
    expect(debug.text()).toContain('target=acme verdict=good items=12 pages=1 alerts=1 ms=1234');
  });

  it('is one line per target run when pretty: its start shows only at debug level, and JSON keeps every event', () => {
    const run = { target: 'acme', verdict: 'good', items: 12, pages: 1, alerts: 1, ms: 1234 };
    const round = (log: ReturnType<typeof createLogger>) => {
      log.info({ job: 'target:acme', slot: '2026-12-04T00:00:00.000Z', reason: 'scheduled' }, 'run started');
      log.debug({ job: 'target:acme', ms: 1234 }, 'run finished');
      log.info(run, 'target run');
      // Not a target run: the daily digest's start is news of its own.
      log.info({ job: 'deliver:daily', slot: '2026-12-04T00:30:00.000Z', reason: 'scheduled' }, 'run started');
    };
    const pretty = sink(false);
    round(createLogger({ format: 'pretty', destination: pretty.stream, level: 'info' }));
    const lines = pretty.text().trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/INFO: acme ✓ 12 items, 1 page, 1 alert \(1\.2 s\)$/);
    expect(lines[1]).toMatch(/INFO: run started  job=deliver:daily /);
    const debug = sink(false);
    round(createLogger({ format: 'pretty', destination: debug.stream, level: 'debug' }));
    expect(debug.text()).toContain('run started  job=target:acme');
    expect(debug.text()).toContain('run finished  job=target:acme');
    const json = sink(false);
    round(createLogger({ format: 'json', destination: json.stream, level: 'info' }));
    const events = json.text().trimEnd().split('\n').map((l) => JSON.parse(l) as { msg: string; job?: string });
    expect(events.map((e) => `${e.msg} ${e.job ?? ''}`.trim())).toEqual(['run started target:acme', 'target run', 'run started deliver:daily']);
  });
});
