/**
 * Recognises what a site shows a robot instead of its content: anti-bot interstitials and
 * captchas (`blocked`) and login forms (`login_wall`). Both must fail a run: read as a listing,
 * they would turn every product into "removed".
 *
 * To never cry wolf on a real page that happens to mention a captcha (a newsletter form with
 * reCAPTCHA), a body marker only counts on an error status or on a page with little text;
 * the vendors' own headers count on their own.
 */
import type { Failure } from '../core/verdict.js';
import type { FetchedPage } from './types.js';

interface Marker {
  vendor: string;
  re: RegExp;
  /** A widget real pages embed too (a reCAPTCHA on a newsletter form): only counts on a near-empty page. */
  weak?: true;
}

/** Evidence in headers alone. */
const HEADER_SIGNS: { vendor: string; test(h: Record<string, string>, status: number): boolean }[] = [
  { vendor: 'Cloudflare challenge', test: (h) => /challenge/i.test(h['cf-mitigated'] ?? '') },
  { vendor: 'AWS WAF', test: (h) => /captcha|challenge/i.test(h['x-amzn-waf-action'] ?? '') },
  { vendor: 'DataDome', test: (h, s) => s === 403 && 'x-datadome' in h },
  { vendor: 'Alibaba Cloud WAF', test: (h, s) => s === 405 && /aliyun|tengine/i.test(h.server ?? '') && 'eagleid' in h },
];

/** Evidence in the body (matched against the first 64 KB). */
const BODY_MARKERS: Marker[] = [
  { vendor: 'Cloudflare', re: /<title>\s*(just a moment\.\.\.|attention required! \| cloudflare|please wait\.\.\. \| cloudflare)/i },
  { vendor: 'Cloudflare', re: /cf-browser-verification|cf_chl_opt|cf-chl-widget|id="challenge-form"|challenges\.cloudflare\.com\/turnstile/i },
  { vendor: 'DataDome', re: /captcha-delivery\.com|geo\.captcha-delivery/i },
  { vendor: 'PerimeterX', re: /px-captcha|_pxCaptcha|perimeterx/i },
  { vendor: 'Imperva', re: /_Incapsula_Resource|Incapsula incident ID|Request unsuccessful\. Incapsula/i },
  { vendor: 'Akamai', re: /<title>\s*Access Denied\s*<\/title>[\s\S]{0,2000}Reference\s*#/i },
  { vendor: 'Sucuri', re: /Sucuri WebSite Firewall|sucuri_cloudproxy/i },
  { vendor: 'reCAPTCHA', re: /class="g-recaptcha"|google\.com\/recaptcha\/api|recaptcha\/enterprise\.js/i, weak: true },
  { vendor: 'hCaptcha', re: /class="h-captcha"|hcaptcha\.com\/1\/api\.js/i, weak: true },
  { vendor: 'GeeTest', re: /geetest_|static\.geetest\.com|initGeetest/i, weak: true },
  { vendor: 'Alibaba slider', re: /baxia-dialog|nc_1_n1z|x5secdata|_____tmd_____|punish\?x5/i },
  { vendor: 'Tencent captcha', re: /TencentCaptcha|turing\.captcha\.qcloud|tcaptcha/i },
  { vendor: 'captcha page', re: /滑动验证|拖动滑块|人机验证|安全验证|访问验证|请完成验证|验证后继续访问|访问过于频繁|异常访问|访问受限/, weak: true },
  { vendor: 'captcha page', re: /verify (that )?you are (a )?human|are you a robot|unusual traffic from your (computer )?network|please enable (javascript and )?cookies to continue/i, weak: true },
];

/** Visible text below this size counts as "a page with little on it" (interstitials are short). */
const SMALL_PAGE_CHARS = 2500;
/** For weak markers: next to nothing besides the widget. */
const NEAR_EMPTY_CHARS = 600;

export function detectBlock(page: Pick<FetchedPage, 'status' | 'headers' | 'text' | 'url'>): Failure | null {
  for (const sign of HEADER_SIGNS) {
    if (sign.test(page.headers, page.status)) return blocked(sign.vendor, page);
  }
  const head = page.text.slice(0, 65_536);
  const errorStatus = page.status === 403 || page.status === 429 || page.status === 503 || page.status === 405 || page.status === 401;
  const textLength = visibleText(head).length;
  // A full page that came with a 200 counts as blocked by no marker: skip the 14 scans of 64 KB.
  if (!errorStatus && textLength >= Math.max(SMALL_PAGE_CHARS, NEAR_EMPTY_CHARS)) return null;
  const markers = BODY_MARKERS.filter((m) => m.re.test(head));
  if (markers.length === 0) return null;
  const marker = markers.find((m) => errorStatus || textLength < (m.weak ? NEAR_EMPTY_CHARS : SMALL_PAGE_CHARS));
  return marker ? blocked(marker.vendor, page) : null;
}

function blocked(vendor: string, page: Pick<FetchedPage, 'status' | 'text' | 'url'>): Failure {
  return {
    class: 'blocked',
    message: `the site showed an anti-bot check (${vendor}) instead of the page`,
    url: page.url,
    httpStatus: page.status,
    sample: visibleText(page.text).slice(0, 300),
  };
}

const LOGIN_PATH = /(^|[/._-])(login|log-in|signin|sign-in|sign_in|logon|passport|sso|auth|authenticate|account\/?login|member\/?login|user\/?login)([/._?#-]|$)|登录|登陆/i;
const PASSWORD_FIELD = /<input\b[^>]*\btype\s*=\s*["']?password/i;
const LOGIN_WORDS = /<title>[^<]*(登录|登陆|log\s?in|sign\s?in)|>\s*(登录|登陆|log\s?in|sign\s?in)\s*</i;

/**
 * A login wall: we were sent somewhere that looks like a login page, or (when nothing was found
 * on the page) the page itself is a login form. A shop with a login box in its header still has
 * its products, so a page with items is never a login wall.
 */
export function detectLoginWall(page: Pick<FetchedPage, 'status' | 'text' | 'url' | 'requestedUrl'>, itemsFound: number): Failure | null {
  if (itemsFound > 0) return null;
  const redirected = stripHash(page.url) !== stripHash(page.requestedUrl);
  const head = page.text.slice(0, 200_000);
  let path = '';
  try {
    const u = new URL(page.url);
    path = decodeURIComponent(u.pathname + u.search);
  } catch {
    path = page.url;
  }
  const loginUrl = LOGIN_PATH.test(path);
  const form = PASSWORD_FIELD.test(head);
  if ((redirected && (loginUrl || form)) || (form && LOGIN_WORDS.test(head))) {
    return {
      class: 'login_wall',
      message: redirected ? `the site sent us to a login page (${shortUrl(page.url)})` : 'the page is a login form',
      url: page.requestedUrl,
      httpStatus: page.status,
      sample: visibleText(page.text).slice(0, 300),
    };
  }
  return null;
}

function stripHash(u: string): string {
  const i = u.indexOf('#');
  return i < 0 ? u : u.slice(0, i);
}

function shortUrl(u: string): string {
  try {
    const x = new URL(u);
    return `${x.host}${x.pathname}`;
  } catch {
    return u;
  }
}

export function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>|<noscript[\s\S]*?<\/noscript>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
