import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert, Audience } from '../../src/alerts/model.js';
import { loadRules, resolvePaths } from '../../src/config/load.js';
import { ownersSchema } from '../../src/config/rules-schema.js';
import { RadarError } from '../../src/core/errors.js';
import { deliverOutbox } from '../../src/deliver/deliver.js';
import { destinationsFor, isHrAlert, mayDeliver } from '../../src/deliver/destinations.js';
import { Outbox, type StoredAlert } from '../../src/store/outbox.js';
import { startWecom, type FakeService } from '../helpers/chat-services.js';
import { prng } from '../helpers/random-strings.js';
import { makeWorkspace, REPO, type Workspace } from '../helpers/workspace.js';
import { attritionAlert, priceAlert } from './fixtures.js';

const CHANNELS = `channels:
  east-wecom: { type: wecom, url_env: RADAR_WECOM_EAST }
  hr-feishu: { type: feishu, url_env: RADAR_FEISHU_HR, secret_env: RADAR_FEISHU_HR_SECRET, hr_private: true }
`;

describe('rules/owners.yaml: routing HR data to a channel not private to HR is a validation error', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = makeWorkspace();
  });
  afterEach(() => ws.cleanup());

  const problem = (yaml: string): string => {
    ws.writeRule('owners.yaml', yaml);
    try {
      loadRules(join(ws.home, 'rules'));
    } catch (e) {
      expect(e).toBeInstanceOf(RadarError);
      return (e as RadarError).toLine().replace(ws.home, '<home>');
    }
    throw new Error('expected a validation error');
  };
  const base = `${CHANNELS}regions:\n  east: { owners: [east-head@example.com] }\nops: [ops@example.com]\nhr: [hr-partner@example.com]\n`;

  it('accepts HR alerts on a channel marked hr_private, and everything else anywhere', () => {
    ws.writeRule('owners.yaml', `${base}hr_channels: [hr-feishu]\nops_channels: [east-wecom]\ntopics: { attrition: [email, hr-feishu] }\n`);
    expect(() => loadRules(join(ws.home, 'rules'))).not.toThrow();
  });

  it('names the file, the line and the field of each way of sending HR data elsewhere', () => {
    expect(problem(`${base}hr_channels:\n  - hr-feishu\n  - east-wecom\n`)).toMatch(/rules\/owners\.yaml:10: hr_channels\.1: channel "east-wecom" is not hr_private/);
    expect(problem(`${CHANNELS}regions:\n  east:\n    owners: [east-head@example.com]\n    channels:\n      - { channel: east-wecom, topics: [price, attrition] }\nhr: [hr-partner@example.com]\n`)).toMatch(
      /owners\.yaml:8: regions\.east\.channels\.0\.topics: channel "east-wecom" is not hr_private/,
    );
    expect(problem(`${base}topics:\n  attrition: [email, east-wecom]\n`)).toMatch(/owners\.yaml:9: topics\.attrition\.1: channel "east-wecom" is not hr_private/);
    // An HR person's own channel carries what is addressed to them: HR alerts too, unless its topics leave them out.
    expect(problem(`${base}people:\n  hr-partner@example.com: { channels: [east-wecom] }\n`)).toMatch(/owners\.yaml:9: people\.hr-partner@example\.com\.channels\.0: channel "east-wecom" is not hr_private/);
    ws.writeRule('owners.yaml', `${base}people:\n  hr-partner@example.com: { channels: [{ channel: east-wecom, topics: [price] }] }\n`);
    expect(() => loadRules(join(ws.home, 'rules'))).not.toThrow();
  });

  it('reports unknown channels, unknown types and a URL where the name of an environment variable belongs', () => {
    expect(problem(`${base}ops_channels: [ops-slack]\n`)).toMatch(/owners\.yaml:8: ops_channels\.0: unknown channel "ops-slack" \(defined under channels: east-wecom, hr-feishu\)/);
    expect(problem(`channels:\n  x: { type: teams, url_env: X }\nregions: {}\n`)).toMatch(/owners\.yaml:2: channels\.x\.type: expected one of wecom, dingtalk, feishu, webhook, slack/);
    expect(problem(`channels:\n  x: { type: wecom, url_env: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc" }\nregions: {}\n`)).toMatch(/channels\.x\.url_env: expected the NAME of an environment variable/);
  });
});

describe('routing: no HR topic ever reaches a channel that is not private to HR', () => {
  const rnd = prng(20260501);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const some = <T>(xs: readonly T[]): T[] => xs.filter(() => rnd() < 0.4);
  const topics = ['price', 'tender', 'job', 'comparison', 'scraper', 'mail', 'attrition', 'coaching', 'team', 'card'] as const;
  const people = ['east-head@example.com', 'hr-partner@example.com', 'ops@example.com', 'mgr@example.com', 'rep@example.com'];

  /** A random owners.yaml (as data); many are invalid, and those must be refused. */
  function randomOwners() {
    const channels: Record<string, { type: string; url_env: string; hr_private: boolean }> = {};
    for (let i = 0; i < 1 + Math.floor(rnd() * 4); i++) channels[`c${i}`] = { type: pick(['wecom', 'dingtalk', 'feishu', 'webhook', 'slack']), url_env: `URL_${i}`, hr_private: rnd() < 0.4 };
    const names = Object.keys(channels);
    const sub = () => (rnd() < 0.5 ? pick(names) : { channel: pick(names), ...(rnd() < 0.6 ? { topics: some(topics).length ? some(topics) : ['price'] } : {}), urgent_only: rnd() < 0.3 });
    const subs = () => Array.from({ length: Math.floor(rnd() * 3) }, sub);
    return {
      channels,
      regions: {
        east: { owners: [rnd() < 0.3 ? 'hr-partner@example.com' : 'east-head@example.com'], channels: subs() },
        south: { owners: ['south-head@example.com'], channels: subs() },
      },
      ops: ['ops@example.com'],
      ops_channels: subs(),
      hr: ['hr-partner@example.com'],
      hr_channels: subs(),
      people: Object.fromEntries(some(people).map((p) => [p, { channels: subs() }])),
      topics: Object.fromEntries(some(topics).map((t) => [t, [...(rnd() < 0.7 ? ['email'] : []), ...some(names)].slice(0, 3).concat(['email']).slice(0, Math.max(1, Math.floor(rnd() * 3)))])),
    };
  }

  function randomAlert(i: number): StoredAlert {
    const topic = pick(topics);
    const audience: Audience =
      topic === 'attrition' ? { kind: 'hr' } : topic === 'scraper' || topic === 'mail' ? { kind: 'ops' } : topic === 'coaching' || topic === 'team' ? { kind: 'manager', email: pick(people) } : topic === 'card' ? { kind: 'person', email: pick(people) } : { kind: 'region', region: pick(['east', 'south', 'west']) };
    return { id: `a${i}`, topic, audience, createdAt: '2026-05-01T00:00:00Z', payload: {}, recordedAt: '2026-05-01T00:00:00Z', delivered: {}, window: rnd() < 0.5 ? 'immediate' : 'daily' };
  }

  it('for 2,000 random configurations: each either fails validation or never routes HR data to a non-private channel', () => {
    let valid = 0;
    let refused = 0;
    let hrRouted = 0;
    for (let n = 0; n < 2000; n++) {
      const parsed = ownersSchema.safeParse(randomOwners());
      if (!parsed.success) {
        refused++;
        continue;
      }
      valid++;
      const owners = parsed.data;
      for (let i = 0; i < 20; i++) {
        const a = randomAlert(i);
        for (const d of destinationsFor(a, owners)) {
          if (!isHrAlert(a) || d.type === 'email') continue;
          hrRouted++;
          // Validation alone keeps HR data off other channels; the guard at compose time agrees.
          expect(d.def?.hr_private, `${JSON.stringify(owners)}\n${JSON.stringify(a)} → ${d.key}`).toBe(true);
          expect(mayDeliver(a, d, owners)).toBe(true);
        }
      }
    }
    // The generator covers both outcomes, and HR alerts really were routed to (private) channels.
    expect(valid).toBeGreaterThan(200);
    expect(refused).toBeGreaterThan(200);
    expect(hrRouted).toBeGreaterThan(50);
  });

  it('the guard refuses HR data for a non-private channel even if a config slipped past validation', () => {
    const owners = ownersSchema.parse({ regions: {}, hr: ['hr-partner@example.com'], channels: { open: { type: 'wecom', url_env: 'X' } } });
    const a = { ...attritionAlert(1), recordedAt: '', delivered: {} } as StoredAlert;
    expect(mayDeliver(a, { key: 'open', type: 'wecom', locale: 'zh-CN', role: 'hr', def: owners.channels.open! }, owners)).toBe(false);
  });
});

describe('an HR person who also owns a region, with the region in a WeCom group', () => {
  let ws: Workspace;
  let wecom: FakeService;
  beforeEach(async () => {
    ws = makeWorkspace();
    wecom = await startWecom();
  });
  afterEach(async () => {
    await wecom.stop();
    ws.cleanup();
  });

  it('gets attrition alerts by email only, while the group gets the region news', async () => {
    ws.writeRule(
      'owners.yaml',
      `${CHANNELS}regions:\n  east: { owners: [hr-partner@example.com], channels: [east-wecom] }\nops: [ops@example.com]\nhr: [hr-partner@example.com]\npeople:\n  hr-partner@example.com: { channels: [{ channel: east-wecom, topics: [price] }] }\n`,
    );
    ws.writeRule('delivery.yaml', 'digest: { charts: 0 }\n');
    const paths = resolvePaths({ home: ws.home, stateDir: ws.state, outboxDir: ws.outbox, templatesDir: join(REPO, 'templates') });
    const outbox = new Outbox(paths.stateDir);
    outbox.record([attritionAlert(1), attritionAlert(2), priceAlert('east', 'A1', 3000, 2700)] as Alert[], new Date());
    const r = await deliverOutbox(outbox, { rules: loadRules(paths.rulesDir), paths, now: () => new Date(), window: 'all', env: { RADAR_WECOM_EAST: wecom.url } });
    expect(r.delivery.failed).toEqual([]);
    const group = wecom.accepted.map((x) => x.raw).join('\n');
    expect(group).toContain('A1');
    expect(group).not.toMatch(/员工|attrition|离职/);
    const hrMail = Object.values(outbox.data.messages).filter((m) => m.alertIds.some((id) => id.startsWith('attrition:')));
    expect(hrMail.map((m) => [m.to, m.channel])).toEqual([['hr-partner@example.com', 'email']]);
  }, 30_000);
});

describe('the 比价 table at each owner’s cadence', () => {
  it('goes to those owners by email and on their own channels, not to the region’s group (which would get it at every owner’s cadence)', () => {
    const owners = ownersSchema.parse({
      channels: { 'east-wecom': { type: 'wecom', url_env: 'X' }, 'head-ding': { type: 'dingtalk', url_env: 'Y' } },
      regions: { east: { owners: ['east-head@example.com', 'east-deputy@example.com'], channels: ['east-wecom'] } },
      people: { 'east-head@example.com': { channels: ['head-ding'] } },
    });
    const table = (only: string[]) =>
      ({ id: 'pricetable:east:2026-05-01:x', topic: 'pricetable', audience: { kind: 'region', region: 'east', owners: only }, createdAt: '', recordedAt: '', delivered: {}, payload: {} }) as unknown as StoredAlert;
    expect(destinationsFor(table(['east-head@example.com']), owners).map((d) => d.key)).toEqual(['east-head@example.com', 'head-ding']);
    expect(destinationsFor(table(['east-deputy@example.com']), owners).map((d) => d.key)).toEqual(['east-deputy@example.com']);
    // News for the whole region still reaches the group.
    const news = { ...priceAlert('east', 'A1', 100, 90), recordedAt: '', delivered: {} } as StoredAlert;
    expect(destinationsFor(news, owners).map((d) => d.key)).toEqual(['east-head@example.com', 'east-deputy@example.com', 'east-wecom', 'head-ding']);
  });
});
