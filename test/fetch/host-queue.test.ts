import { describe, expect, it } from 'vitest';
import { HostQueues } from '../../src/fetch/host-queue.js';

describe('HostQueues', () => {
  it('a held host waits (Retry-After) while other hosts go on', async () => {
    const q = new HostQueues({ globalConcurrency: 4, perHostConcurrency: 2, minIntervalMs: 0 });
    const started: { host: string; at: number }[] = [];
    const task = (host: string) => () => Promise.resolve(started.push({ host, at: Date.now() }));
    const t0 = Date.now();
    q.hold('http://a.example/x', 300);
    await Promise.all([q.schedule('http://a.example/1', task('a')), q.schedule('http://b.example/1', task('b'))]);
    expect(started.map((s) => s.host)).toEqual(['b', 'a']);
    expect(started[1]!.at - t0).toBeGreaterThanOrEqual(300);
  });

  it('keeps the minimum interval between two requests to one host', async () => {
    const q = new HostQueues({ globalConcurrency: 4, perHostConcurrency: 2, minIntervalMs: 150 });
    const at: number[] = [];
    await Promise.all([1, 2, 3].map((i) => q.schedule(`http://a.example/${i}`, async () => at.push(Date.now()))));
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(140);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(140);
  });
});
