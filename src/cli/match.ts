import type { Command } from 'commander';
import { loadRules, type Paths } from '../config/load.js';
import { RadarError } from '../core/errors.js';
import { compareNow, type Comparison } from '../compare/compare.js';
import { matchesYamlLine as yamlEntry, type Match } from '../compare/match.js';
import { offerId } from '../compare/offers.js';
import { formatPct } from '../deliver/format.js';
import { err, out, pathsFrom } from './common.js';
import { formatTable } from './table.js';

async function load(paths: Paths, minConfidence?: number): Promise<Comparison> {
  const rules = loadRules(paths.rulesDir);
  const cmp = await compareNow(paths, { now: new Date(), owners: rules.owners, ...(minConfidence !== undefined ? { minConfidence } : {}) });
  if (!cmp) throw new RadarError('usage', `price comparison is not set up: add rules/compare.yaml or data/pricelist.csv under ${paths.home}`);
  for (const p of cmp.problems) err(`✗ ${p.where}: ${p.message}`);
  for (const s of cmp.offers.skipped) err(`- ${s.targetId}: left out, ${s.reason}`);
  return cmp;
}

function confidence(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new RadarError('usage', `--min-confidence: expected a number from 0 to 1, got "${v}"`);
  return n;
}

const money = (n: number, from = false) => `${n.toLocaleString('en-US')}${from ? '起' : ''}`;

function matchJson(m: Match) {
  const o = m.offer;
  return { our_sku: m.sku, competitor: o.competitor, key: o.key, target: o.targetId, region: o.region, name: o.name, amount: o.amount, currency: o.currency, from: o.from, stock: o.stock, url: o.url, method: m.method, confidence: m.confidence, detail: m.detail, confirmed: m.confirmed, ambiguous: m.ambiguous ?? false };
}

export function register(program: Command): void {
  const match = program
    .command('match')
    .description('Match competitor items to our price list (rules/compare.yaml, rules/matches.yaml) and show the price index.')
    .addHelpText(
      'after',
      `
Matching order: rules/matches.yaml (explicit, always wins) > GTIN/EAN or MPN > the exact model number
in the title (KFR-35GW/N8 = kfr35gwn8) > the same standard code only (KFR-35GW/N8 ~ KFR-35GW/R1:
suggested) > fuzzy title match (suggested). Only confirmed matches (the first three) count for the
price index and alerts, and of their offers only real prices of items in stock: a starting price
("¥1,299起") or an out-of-stock item is shown, marked, and never compared.
Reads the snapshots in the state folder (--state), i.e. what the last good runs saw.`,
    );

  match
    .command('suggest')
    .description('Print proposed matches with their confidence, ready to confirm into rules/matches.yaml.')
    .option('--min-confidence <x>', 'lowest confidence to show, 0..1 (default: fuzzy.threshold in rules/compare.yaml, 0.6)', confidence)
    .option('--json', 'print as JSON')
    .addHelpText(
      'after',
      `
Suggestions are model-series matches (same standard code, another model), ambiguous model matches
(several items of one shop share a model code) and fuzzy title matches. They never cause alerts;
each new one also reaches sales ops in their digest once. To confirm one, copy its line under "matches:" in
rules/matches.yaml; to reject one for good, put it under "rejected:".`,
    )
    .action(async (opts: { minConfidence?: number; json?: boolean }, cmd: Command) => {
      const cmp = await load(pathsFrom(cmd), opts.minConfidence);
      const list = cmp.matches.suggested;
      if (opts.json) return out(JSON.stringify(list.map(matchJson), null, 2));
      const threshold = opts.minConfidence ?? cmp.config.rules.fuzzy.threshold;
      if (!list.length) return out(`no suggestions at confidence ≥ ${threshold}; try --min-confidence ${Math.max(0, threshold - 0.2).toFixed(1)}`);
      const names = new Map(cmp.priceList.products.map((p) => [p.sku, p.name ?? p.model ?? '']));
      const amb = list.filter((m) => m.ambiguous).length;
      const series = list.filter((m) => m.method === 'series' && !m.ambiguous).length;
      out(`${list.length - amb - series} fuzzy title matches with confidence ≥ ${threshold}${series ? `, ${series} model-series matches` : ''}${amb ? ` and ${amb} ambiguous model matches (pick one per shop)` : ''}; not used for alerts until confirmed.\n`);
      out(formatTable(['conf', 'our SKU', 'our product', 'competitor', 'their key', 'their item', 'price', 'region', 'why'], list.map((m) => [m.confidence.toFixed(2), m.sku, names.get(m.sku) ?? '', m.offer.competitor, m.offer.key, m.offer.name ?? '', money(m.offer.amount, m.offer.from), m.offer.region, m.detail]), 36));
      out(`\nTo confirm, add under "matches:" in ${cmp.explicit.file ?? cmp.config.rules.matches_file}:`);
      for (const m of list) out(yamlEntry(m));
    });

  match
    .command('list')
    .description('Show what is matched (and how), what is only suggested, and what is not matched.')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const cmp = await load(pathsFrom(cmd));
      const { confirmed, suggested, unseen } = cmp.matches;
      const matchedSkus = new Set(confirmed.map((m) => m.sku));
      const unmatchedSkus = cmp.priceList.products.filter((p) => !matchedSkus.has(p.sku));
      const used = new Set([...confirmed, ...suggested].map((m) => offerId(m.offer)));
      const unmatchedOffers = cmp.offers.offers.filter((o) => !used.has(offerId(o)));
      if (opts.json) {
        return out(
          JSON.stringify(
            {
              priceList: { file: cmp.priceList.file, skus: cmp.priceList.products.length, problems: cmp.problems },
              confirmed: confirmed.map(matchJson),
              suggested: suggested.map(matchJson),
              unseenExplicit: unseen.map((e) => ({ our_sku: e.our_sku, competitor: e.competitor, key: e.key, line: e.line })),
              unmatchedSkus: unmatchedSkus.map((p) => p.sku),
              unmatchedItems: unmatchedOffers.map((o) => ({ competitor: o.competitor, target: o.targetId, key: o.key, name: o.name })),
              skippedTargets: cmp.offers.skipped,
            },
            null,
            2,
          ),
        );
      }
      out(`${cmp.priceList.file}: ${cmp.priceList.products.length} SKUs; ${cmp.offers.offers.length} competitor items from the last good runs\n`);
      const rows = (ms: Match[]) => ms.map((m) => [m.sku, m.offer.region, m.offer.competitor, m.offer.key, m.offer.name ?? '', `${money(m.offer.amount, m.offer.from)}${m.offer.stock === 'out_of_stock' ? ' (缺货)' : ''}`, m.method, m.confidence.toFixed(2), m.detail]);
      const sorted = [...confirmed].sort((a, b) => a.sku.localeCompare(b.sku) || a.offer.region.localeCompare(b.offer.region) || a.offer.competitor.localeCompare(b.offer.competitor));
      out(`Matched (${confirmed.length}), used for the price index and alerts (a starting price 起 or an item out of stock 缺货 is shown, never compared):`);
      out(formatTable(['our SKU', 'region', 'competitor', 'their key', 'their item', 'price', 'method', 'conf', 'why'], rows(sorted), 36));
      if (suggested.length) {
        out(`\nSuggested (${suggested.length}), not used until confirmed in rules/matches.yaml (radar match suggest):`);
        out(formatTable(['our SKU', 'region', 'competitor', 'their key', 'their item', 'price', 'method', 'conf', 'why'], rows(suggested), 36));
      }
      for (const e of unseen) out(`\n! ${cmp.explicit.file}:${e.line}: ${e.competitor} item "${e.key}" is not in any current snapshot`);
      out(`\nOur SKUs without a match (${unmatchedSkus.length}): ${unmatchedSkus.map((p) => p.sku).join(', ') || '-'}`);
      out(`Competitor items without a match: ${unmatchedOffers.length} (radar match suggest --min-confidence 0.3 shows weaker candidates)`);
    });

  match
    .command('index')
    .description('Show the price index: per our SKU and region, the competitors\' lowest and median price against ours.')
    .option('-r, --region <id>', 'only this region')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nindex = our price / competitors\' median × 100: above 100 we are dearer than the market, below 100 cheaper.')
    .action(async (opts: { region?: string; json?: boolean }, cmd: Command) => {
      const cmp = await load(pathsFrom(cmd));
      const rows = cmp.index.rows.filter((r) => !opts.region || r.region === opts.region);
      const comps = cmp.index.competitors.filter((c) => !opts.region || c.region === opts.region);
      if (opts.json) return out(JSON.stringify({ rows, competitors: comps }, null, 2));
      out(
        formatTable(
          ['region', 'our SKU', 'model', 'ours', 'lowest', 'median', 'index', 'rank', 'competitors (Δ% vs ours)'],
          rows.map((r) => [
            r.region,
            r.sku,
            r.model ?? '',
            money(r.ourPrice),
            money(r.lowest),
            money(r.median),
            r.index.toFixed(1),
            `${r.rank}/${r.competitors.length + 1}`,
            [...r.competitors.map((c) => `${c.competitor} ${money(c.amount, c.from)} ${formatPct(c.deltaPct)}`), ...r.notCompared.map((c) => `(${c.competitor} ${money(c.amount, c.from)}${c.outOfStock ? ' 缺货/out of stock' : ''}: not compared)`)].join('; '),
          ]),
          60,
        ),
      );
      out('');
      for (const c of comps) out(`${c.region}  ${c.competitor}: cheaper than us on ${c.undercut} of ${c.matched} matched products`);
    });
}
