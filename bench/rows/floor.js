// The floor: plain fetch + cheerio (htmlparser2 mode) + p-queue, the same extraction, no storage.
// Uses the product's own cheerio and p-queue so the only difference is everything the agent adds.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { args, report, window } from '../lib/child.js';
import { extractListing } from '../lib/extract.js';

const a = args();
const root = join(import.meta.dirname, '..', '..');
const req = createRequire(join(root, 'package.json'));
const { load } = await import(pathToFileURL(req.resolve('cheerio')).href);
const { default: PQueue } = await import(pathToFileURL(req.resolve('p-queue')).href);

const pages = Number(a.pages);
const queue = new PQueue({ concurrency: Number(a.concurrency) });
let items = 0;
let failed = 0;
const done = window();
for (let p = 1; p <= pages; p++) {
  const url = `${a.url}/list?page=${p}`;
  queue.add(async () => {
    const res = await fetch(url);
    if (!res.ok) {
      failed++;
      await res.arrayBuffer();
      return;
    }
    const html = await res.text();
    const $ = load(html, { xml: { xmlMode: false, decodeEntities: true } });
    items += extractListing($, url).length;
  });
}
await queue.onIdle();
const w = done();
report(a.out, { pages: pages - failed, items, ...w });
