import { afterEach, describe, expect, it, vi } from 'vitest';
import { HostQueues, withEnvConcurrency, type PolitenessOptions } from '../../src/fetch/host-queue.js';
import { startServer, type FixtureServer } from '../helpers/server.js';

const base: PolitenessOptions = { globalConcurrency: 8, perHostConcurrency: 2, minIntervalMs: 0 };

/** A server that holds every request a moment and remembers how many it had open at once. */
async function slowServer(): Promise<FixtureServer & { maxOpen: () => number }> {
  let open = 0;
  let max = 0;
  const s = await startServer({
    '/p': async (_req, res) => {
      open++;
      max = Math.max(max, open);
      await new Promise((r) => setTimeout(r, 60));
      open--;
      res.end('ok');
    },
  });
  return Object.assign(s, { maxOpen: () => max });
}

describe('RADAR_HOST_CONCURRENCY', () => {
  let server: Awaited<ReturnType<typeof slowServer>> | undefined;
  afterEach(async () => {
    await server?.close();
    vi.restoreAllMocks();
  });

  async function maxInFlight(opts: PolitenessOptions): Promise<number> {
    server = await slowServer();
    const q = new HostQueues(opts);
    const url = `${server.url}/p`;
    await Promise.all(Array.from({ length: 16 }, () => q.schedule(url, async () => (await fetch(url)).text(), 0)));
    return server.maxOpen();
  }

  it('raises the per-host limit (and the global one with it)', async () => {
    const opts = withEnvConcurrency(base, { RADAR_HOST_CONCURRENCY: '10' });
    expect(opts).toMatchObject({ perHostConcurrency: 10, globalConcurrency: 10 });
    expect(await maxInFlight(opts)).toBe(10);
  });

  it('keeps the polite default when unset', async () => {
    expect(withEnvConcurrency(base, {})).toEqual(base);
    expect(await maxInFlight(base)).toBe(2);
  });

  it('ignores a value that is not a whole number from 1 to 64, and says so', () => {
    const warn = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    for (const bad of ['0', 'ten', '2.5', '65']) expect(withEnvConcurrency(base, { RADAR_HOST_CONCURRENCY: bad })).toEqual(base);
    expect(warn).toHaveBeenCalledTimes(4);
    expect(String(warn.mock.calls[0]![0])).toMatch(/RADAR_HOST_CONCURRENCY="0" ignored/);
  });
});
