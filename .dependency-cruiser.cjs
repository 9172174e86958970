/**
 * The layers of src/, lowest first. A module may import from its own layer and from any layer
 * below it, never from one above; and no import may close a circle. `npm test` enforces both
 * (test/layers.test.ts); `npm run layers` prints the same verdict.
 *
 * Why this order: data flows fetch → extract → normalise → diff → rules → alerts → delivery, and
 * the things several stages share (types, schemas, parsers) sit below all of them. A registry is
 * filled by the layer that holds the implementations or above (pipeline/analysers.ts lists the
 * analysers, schedule/jobs.ts the jobs, kinds/registry.ts the kinds); the shape an implementation
 * must have lives in src/contracts/ or next to its registry, never above the implementation.
 *
 * A new folder under src/ belongs to no layer until it is added here: the test says so.
 */
const LAYERS = [
  { name: 'core', path: '^src/(core|time)/', holds: 'errors, verdicts, item types, log; wall time in a zone and cron' },
  { name: 'parse', path: '^src/parse/', holds: 'pure text parsers: price, money, salary, date' },
  { name: 'config schemas', path: '^src/config/(?!load\\.ts$)', holds: 'zod schemas of targets and rule files, env, YAML reading' },
  {
    name: 'models',
    path: '^src/((alerts|diff|rules|extract|store)/|mentions/(?!analyser\\.ts$))',
    holds: 'alert model and routing, keyed diff, rule helpers, extraction, snapshots and outbox; the text analysis of mentions',
  },
  { name: 'fetch', path: '^src/fetch/', holds: 'HTTP, browser and JSON fetchers, politeness, charsets' },
  { name: 'kinds', path: '^src/kinds/', holds: 'target kinds (price, tender, job ...) and their registry' },
  { name: 'config loader', path: '^src/config/load\\.ts$', holds: 'loads scrapers/ and rules/: checks kind names, reads each kind\'s rule file' },
  { name: 'contracts', path: '^src/contracts/', holds: 'shapes plug-ins implement: analysers, scheduled jobs, rule checks, run results' },
  { name: 'signals', path: '^src/signals/(?!samples\\.ts$)', holds: 'HR/CRM export import, metrics, attrition scorer' },
  { name: 'health', path: '^src/health/(?!samples\\.ts$)', holds: 'sales health index and coaching' },
  { name: 'sales', path: '^src/sales/(?!samples\\.ts$)', holds: 'targets and attainment, follow-up SOP reminders, the monthly scorecard' },
  { name: 'analysers', path: '^src/(compare/|mentions/analyser\\.ts$)', holds: 'work across targets after a run: price comparison, mentions across sources' },
  { name: 'deliver', path: '^src/deliver/', holds: 'digests, rendering, mail, outbox worker' },
  { name: 'pipeline', path: '^src/pipeline/', holds: 'one run: scrape, verdict, diff, rules, analysers, delivery' },
  { name: 'schedule', path: '^src/schedule/', holds: 'the daemon, its lock, state and jobs' },
  { name: 'queue', path: '^src/queue/', holds: 'distributed mode: coordinator, workers, leader lease, shared politeness on Redis' },
  { name: 'service', path: '^src/service/', holds: 'what the CLI, the API and the console do, with roles and scopes checked: targets, alerts, 比价, outbox, HR review, users' },
  { name: 'server', path: '^src/server/', holds: 'the HTTP faces over the service: REST API and console pages' },
  {
    name: 'entry points',
    path: '^src/(cli/|demo/|index\\.ts$|signals/samples\\.ts$|health/samples\\.ts$|sales/samples\\.ts$)',
    holds: 'commands, the demo site and sample data generators, the library API',
  },
];

const layerRules = LAYERS.slice(0, -1).map((layer, i) => {
  const above = LAYERS.slice(i + 1);
  return {
    name: `layer-${i}-${layer.name.replace(/\s+/g, '-')}`,
    severity: 'error',
    comment: `'${layer.name}' (layer ${i}) may not import from a higher layer (${above.map((l) => l.name).join(', ')})`,
    from: { path: layer.path },
    to: { path: above.map((l) => `(${l.path})`).join('|') },
  };
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'modules that import each other (type imports and dynamic imports count)',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...layerRules,
  ],
  options: {
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
  },
};

// For test/layers.test.ts, which names layers in its messages; not part of the cruiser's schema.
Object.defineProperty(module.exports, 'LAYERS', { value: LAYERS, enumerable: false });
