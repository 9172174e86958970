import { describe, expect, it } from 'vitest';
import { parseCron } from '../../src/time/cron.js';
import { MemoryScheduleStore, Scheduler, type JobSpec, type SchedulerEvent } from '../../src/schedule/scheduler.js';
import { FakeClock } from './fake-clock.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

function setup(start: string, opts: { random?: () => number; store?: MemoryScheduleStore } = {}) {
  const clock = new FakeClock(start);
  const events: SchedulerEvent[] = [];
  const store = opts.store ?? new MemoryScheduleStore();
  const s = new Scheduler({ clock, store, onEvent: (e) => events.push(e), ...(opts.random ? { random: opts.random } : {}) });
  const runs: { id: string; at: string; slot: string; reason: string }[] = [];
  const job = (id: string, cron: string, extra: Partial<JobSpec> & { tz?: string; takesMs?: number } = {}): JobSpec => ({
    id,
    cron: parseCron(cron, extra.tz ?? 'Asia/Shanghai'),
    catchUp: extra.catchUp ?? 'once',
    ...(extra.jitterMs ? { jitterMs: extra.jitterMs } : {}),
    run: async (ctx) => {
      runs.push({ id, at: new Date(clock.now()).toISOString(), slot: ctx.slot.toISOString(), reason: ctx.reason });
      if (extra.takesMs) await clock.sleep(extra.takesMs);
    },
  });
  return { clock, events, store, s, runs, job };
}

describe('Scheduler on a fake clock', () => {
  it('fires a daily 08:00 Asia/Shanghai job at 00:00 UTC, once a day', async () => {
    const { clock, s, runs, job } = setup('2024-05-01T00:00:30Z'); // 08:00:30 in Shanghai: today's slot has passed
    s.setJobs([job('acme', '0 8 * * *')]);
    s.start();
    await clock.advance(3 * DAY);
    expect(runs.map((r) => r.at)).toEqual(['2024-05-02T00:00:00.000Z', '2024-05-03T00:00:00.000Z', '2024-05-04T00:00:00.000Z']);
    expect(runs.every((r) => r.reason === 'scheduled')).toBe(true);
  });

  it('honours each job\'s own time zone', async () => {
    const { clock, s, runs, job } = setup('2024-05-01T00:00:00Z');
    s.setJobs([job('sh', '0 9 * * *', { tz: 'Asia/Shanghai' }), job('berlin', '0 9 * * *', { tz: 'Europe/Berlin' })]);
    s.start();
    await clock.advance(DAY);
    expect(runs.map((r) => `${r.id} ${r.at}`)).toEqual(['sh 2024-05-01T01:00:00.000Z', 'berlin 2024-05-01T07:00:00.000Z']);
  });

  it('delays each run by a random jitter within [slot, slot + jitter), drawn per slot', async () => {
    const draws = [0, 0.5, 0.999];
    const { clock, s, runs, job } = setup('2024-05-01T00:30:00Z', { random: () => draws.shift() ?? 0.25 });
    s.setJobs([job('j', '0 * * * *', { tz: 'UTC', jitterMs: 10 * MIN })]);
    s.start();
    await clock.advance(3 * HOUR);
    expect(runs.map((r) => r.at)).toEqual(['2024-05-01T01:00:00.000Z', '2024-05-01T02:05:00.000Z', '2024-05-01T03:09:59.400Z']);
    expect(runs.map((r) => r.slot)).toEqual(['2024-05-01T01:00:00.000Z', '2024-05-01T02:00:00.000Z', '2024-05-01T03:00:00.000Z']);
  });

  it('spreads fifty targets on the same slot over the jitter window', async () => {
    const { clock, s, runs, job } = setup('2024-05-01T00:30:00Z');
    s.setJobs(Array.from({ length: 50 }, (_, i) => job(`t${i}`, '0 8 * * *', { jitterMs: 5 * MIN })));
    s.start();
    await clock.advance(DAY);
    expect(runs).toHaveLength(50);
    const offsets = runs.map((r) => Date.parse(r.at) - Date.parse(r.slot));
    for (const o of offsets) {
      expect(o).toBeGreaterThanOrEqual(0);
      expect(o).toBeLessThan(5 * MIN);
    }
    expect(new Set(offsets).size).toBeGreaterThan(40);
  });

  it('never runs a job alongside itself: a slot that comes while it is still running is skipped', async () => {
    const { clock, s, runs, events, job } = setup('2024-05-01T00:00:30Z');
    let active = 0;
    let maxActive = 0;
    const spec = job('slow', '* * * * *', { tz: 'UTC' });
    const inner = spec.run;
    spec.run = async (ctx) => {
      active++;
      maxActive = Math.max(maxActive, active);
      await inner(ctx);
      await clock.sleep(150_000); // 2.5 minutes, longer than the 1-minute period
      active--;
    };
    s.setJobs([spec]);
    s.start();
    await clock.advance(10 * MIN);
    expect(maxActive).toBe(1);
    expect(runs.map((r) => r.at.slice(11, 19))).toEqual(['00:01:00', '00:04:00', '00:07:00', '00:10:00']);
    expect(events.filter((e) => e.type === 'overlap').map((e) => e.slot.toISOString().slice(11, 19))).toEqual(['00:02:00', '00:03:00', '00:05:00', '00:06:00', '00:08:00', '00:09:00']);
    // A manual trigger while it runs is refused too.
    expect(s.trigger('slow')).toBe(false);
  });

  it('catches up once after downtime when the policy is "once"', async () => {
    const store = new MemoryScheduleStore();
    store.set('daily', { lastSlot: '2024-04-28T00:00:00.000Z' }); // fired on Apr 28, then the daemon was down
    const { clock, s, runs, events, job } = setup('2024-05-01T03:00:00Z', { store });
    s.setJobs([job('daily', '0 8 * * *')]);
    s.start();
    await clock.advance(DAY);
    expect(events.find((e) => e.type === 'missed')).toMatchObject({ id: 'daily', slots: 3, policy: 'once' });
    expect(runs.map((r) => `${r.reason} ${r.at} slot=${r.slot}`)).toEqual([
      'catch-up 2024-05-01T03:00:00.000Z slot=2024-05-01T00:00:00.000Z',
      'scheduled 2024-05-02T00:00:00.000Z slot=2024-05-02T00:00:00.000Z',
    ]);
    expect(store.get('daily')?.lastSlot).toBe('2024-05-02T00:00:00.000Z');
  });

  it('skips missed slots when the policy is "skip", and remembers that it did', async () => {
    const store = new MemoryScheduleStore();
    store.set('daily', { lastSlot: '2024-04-28T00:00:00.000Z' });
    const { clock, s, runs, events, job } = setup('2024-05-01T03:00:00Z', { store });
    s.setJobs([job('daily', '0 8 * * *', { catchUp: 'skip' })]);
    s.start();
    expect(store.get('daily')?.lastSlot).toBe('2024-05-01T00:00:00.000Z');
    await clock.advance(DAY);
    expect(events.find((e) => e.type === 'missed')).toMatchObject({ slots: 3, policy: 'skip' });
    expect(runs.map((r) => r.reason + ' ' + r.at)).toEqual(['scheduled 2024-05-02T00:00:00.000Z']);
  });

  it('does not invent a missed run on the very first start or when nothing was missed', async () => {
    const store = new MemoryScheduleStore();
    store.set('known', { lastSlot: '2024-05-01T00:00:00.000Z' });
    const { clock, s, runs, events, job } = setup('2024-05-01T03:00:00Z', { store });
    s.setJobs([job('new', '0 8 * * *'), job('known', '0 8 * * *')]);
    s.start();
    await clock.advance(HOUR);
    expect(runs).toEqual([]);
    expect(events.filter((e) => e.type === 'missed')).toEqual([]);
  });

  it('wakes up regularly, so a clock jump or a suspended machine costs at most one late run, not a lost day', async () => {
    const { clock, s, runs, job } = setup('2024-05-01T00:30:00Z');
    s.setJobs([job('h', '0 * * * *', { tz: 'UTC' })]);
    s.start();
    clock.jump(5 * HOUR); // the machine slept; no timer fired
    await clock.advance(61_000);
    expect(runs.map((r) => `${r.at} slot=${r.slot}`)).toEqual(['2024-05-01T05:30:00.000Z slot=2024-05-01T01:00:00.000Z']);
    await clock.advance(HOUR);
    expect(runs.at(-1)!.at).toBe('2024-05-01T06:00:00.000Z');
    expect(runs).toHaveLength(2);
  });

  it('reloads jobs: a new schedule replans, a removed job stops, an unchanged one keeps its jitter', async () => {
    const { clock, s, runs, job } = setup('2024-05-01T00:30:00Z', { random: () => 0.5 });
    s.setJobs([job('a', '0 * * * *', { tz: 'UTC', jitterMs: 10 * MIN }), job('b', '0 * * * *', { tz: 'UTC' })]);
    s.start();
    const before = s.upcoming().find((u) => u.id === 'a')!.at!.toISOString();
    s.setJobs([job('a', '0 * * * *', { tz: 'UTC', jitterMs: 10 * MIN }), job('c', '15 * * * *', { tz: 'UTC' })]);
    expect(s.upcoming().find((u) => u.id === 'a')!.at!.toISOString()).toBe(before);
    await clock.advance(HOUR);
    expect(runs.map((r) => `${r.id} ${r.at.slice(11, 19)}`)).toEqual(['a 01:05:00', 'c 01:15:00']);
  });

  it('stop() starts nothing new and idle() waits for what runs', async () => {
    const { clock, s, runs, job } = setup('2024-05-01T00:00:50Z');
    s.setJobs([job('x', '* * * * *', { tz: 'UTC', takesMs: 30_000 })]);
    s.start();
    await clock.advance(15_000);
    expect(s.runningJobs()).toEqual(['x']);
    s.stop();
    let idle = false;
    void s.idle().then(() => (idle = true));
    await clock.advance(10_000);
    expect(idle).toBe(false);
    await clock.advance(30_000);
    expect(idle).toBe(true);
    await clock.advance(5 * MIN);
    expect(runs).toHaveLength(1);
  });
});
