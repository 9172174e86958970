/**
 * Hosts of analytics, ad and tag-manager scripts a headless browser need not load to read a
 * page: they cost requests, CPU and memory on every page and never carry a price. Matched on
 * the host and its parents (`ssl.google-analytics.com` is `google-analytics.com`).
 */
const TRACKER_HOSTS = new Set([
  // global
  'google-analytics.com',
  'googletagmanager.com',
  'googletagservices.com',
  'googlesyndication.com',
  'googleadservices.com',
  'doubleclick.net',
  'connect.facebook.net',
  'analytics.tiktok.com',
  'bat.bing.com',
  'clarity.ms',
  'hotjar.com',
  'mixpanel.com',
  'segment.io',
  'cdn.segment.com',
  'scorecardresearch.com',
  'criteo.com',
  'criteo.net',
  'adnxs.com',
  'taboola.com',
  'outbrain.com',
  'js-agent.newrelic.com',
  'bam.nr-data.net',
  'mc.yandex.ru',
  // China
  'hm.baidu.com',
  'cnzz.com',
  'umeng.com',
  'tongji.baidu.com',
  'pos.baidu.com',
  'cpro.baidustatic.com',
  'static.sensorsdata.cn',
  'sensorsdata.cn',
  'giocdn.com',
  'growingio.com',
  'zhugeio.com',
  'js.51.la',
  'v1.cnzz.com',
  'tajs.qq.com',
  'pingjs.qq.com',
  'log.mmstat.com',
]);

export function isTracker(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  for (let h = host; h.includes('.'); h = h.slice(h.indexOf('.') + 1)) if (TRACKER_HOSTS.has(h)) return true;
  return false;
}
