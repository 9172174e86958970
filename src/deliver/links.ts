/**
 * Links as a digest shows them: without the well-known tracking parameters shops and news sites
 * append (`?spm=list.1`, `utm_source=...`), which make a link long and say nothing to the reader.
 * For display only: items keep the URL they were found under (it may be their key), and every
 * other parameter stays, in its order. A small list rather than a URL-cleaning library: those also
 * unwrap redirects and rewrite paths per site, which is more than a digest should change.
 */
const TRACKING = new Set([
  // Alibaba (Taobao, Tmall, 1688, Aliyun) and their ad trackers
  'spm',
  'scm',
  'pvid',
  'abbucket',
  'ali_refid',
  'ali_trackid',
  // ad clicks: Google, Microsoft, Meta, Yandex, DoubleClick, TikTok, Twitter
  'gclid',
  'gclsrc',
  'gbraid',
  'wbraid',
  'dclid',
  'msclkid',
  'fbclid',
  'yclid',
  'ttclid',
  'twclid',
  'igshid',
  // mail and marketing tools: Mailchimp, HubSpot, Marketo, Piwik/Matomo, Webtrends
  'mc_cid',
  'mc_eid',
  '_hsenc',
  '_hsmi',
  'mkt_tok',
  'wt.mc_id',
]);

const TRACKING_PREFIXES = ['utm_', 'pk_', 'mtm_'];

function isTracking(key: string): boolean {
  const k = key.toLowerCase();
  return TRACKING.has(k) || TRACKING_PREFIXES.some((p) => k.startsWith(p));
}

/** The link without tracking parameters; anything that is not an http(s) URL comes back as it was. */
export function displayUrl(url: string): string {
  if (!/^https?:\/\//i.test(url) || !url.includes('?')) return url;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url;
  }
  const keys = [...u.searchParams.keys()];
  if (!keys.some(isTracking)) return url;
  // Rebuilt from the raw query so the parameters that stay keep their exact spelling and encoding.
  const hashAt = url.indexOf('#');
  const head = hashAt >= 0 ? url.slice(0, hashAt) : url;
  const hash = hashAt >= 0 ? url.slice(hashAt) : '';
  const q = head.indexOf('?');
  const kept = head
    .slice(q + 1)
    .split('&')
    .filter((pair) => pair !== '' && !isTracking(decodeKey(pair.split('=')[0]!)));
  return `${head.slice(0, q)}${kept.length ? `?${kept.join('&')}` : ''}${hash}`;
}

function decodeKey(k: string): string {
  try {
    return decodeURIComponent(k.replace(/\+/g, ' '));
  } catch {
    return k;
  }
}

/**
 * Every link in a section's view model, for display: values of `url` and `link` properties at
 * any depth. One pass in the renderer, so no section or template can forget it.
 */
export function displayLinks<T>(view: T): T {
  const walk = (v: unknown, key: string | null): unknown => {
    if (typeof v === 'string') return key === 'url' || key === 'link' ? displayUrl(v) : v;
    if (Array.isArray(v)) return v.map((x) => walk(x, null));
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    }
    return v;
  };
  return walk(view, null) as T;
}
