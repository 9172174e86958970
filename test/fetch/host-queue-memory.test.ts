import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { HostQueues } from '../../src/fetch/host-queue.js';

// A full GC on demand, without starting the test process with --expose-gc.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('host queues and memory', () => {
  it("do not keep finished tasks' results while a long crawl goes on: pages read and dropped can be collected", async () => {
    const queues = new HostQueues({ globalConcurrency: 4, perHostConcurrency: 4, minIntervalMs: 0 });
    const refs: WeakRef<object>[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reached!: () => void;
    const atGate = new Promise<void>((r) => (reached = r));
    // A 1,000-page target (p-queue compacts its array only past half of it); pages from 300 on
    // wait until the check below is done.
    const crawl = Promise.all(
      Array.from({ length: 1000 }, async (_, i) => {
        const page = await queues.schedule(`http://shop.example/list?page=${i}`, async () => {
          if (i === 300) reached();
          if (i >= 300) await gate;
          await new Promise((r) => setImmediate(r));
          return { html: 'x'.repeat(1000) + i };
        });
        refs.push(new WeakRef(page)); // read, then dropped: only the WeakRef stays
        return page.html.length;
      }),
    );
    await atGate;
    await new Promise((r) => setImmediate(r));
    gc();
    const done = refs.length;
    const alive = refs.filter((r) => r.deref() !== undefined).length;
    release();
    await crawl;
    expect(done).toBe(300);
    expect(alive).toBe(0);
  });
});
