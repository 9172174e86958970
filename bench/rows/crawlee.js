// Crawlee's CheerioCrawler doing the agent's extraction at the same concurrency, either in its
// default configuration (request queue and dataset persisted under ./storage) or its fastest
// (memory storage, nothing persisted). Results go to the dataset, as a Crawlee user would store them.
import { CheerioCrawler, Configuration, log } from 'crawlee';
import { args, report, window } from '../lib/child.js';
import { extractListing } from '../lib/extract.js';

const a = args();
log.setLevel(log.LEVELS.WARNING);
const pages = Number(a.pages);
const concurrency = Number(a.concurrency);
const config = a.mode === 'memory' ? new Configuration({ persistStorage: false }) : Configuration.getGlobalConfig();
let items = 0;
let ok = 0;
const crawler = new CheerioCrawler(
  {
    // Equal concurrency: Crawlee's autoscaling would otherwise start lower and ramp up.
    minConcurrency: concurrency,
    maxConcurrency: concurrency,
    async requestHandler({ $, request, pushData }) {
      const found = extractListing($, request.loadedUrl ?? request.url);
      items += found.length;
      ok++;
      await pushData(found);
    },
  },
  config,
);
const urls = [];
for (let p = 1; p <= pages; p++) urls.push(`${a.url}/list?page=${p}`);
const done = window();
const stats = await crawler.run(urls);
const w = done();
report(a.out, { pages: ok, items, failedRequests: stats.requestsFailed, ...w });
