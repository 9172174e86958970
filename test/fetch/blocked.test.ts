import { describe, expect, it } from 'vitest';
import { detectBlock, detectLoginWall } from '../../src/fetch/blocked.js';
import { BLOCK_PAGES } from '../helpers/block-pages.js';

const p = (status: number, text: string, headers: Record<string, string> = {}, url = 'https://shop.example/list') => ({ status, text, headers, url, requestedUrl: 'https://shop.example/list' });
const realListing = `<html><head><title>空调 - 商城</title><script src="https://www.google.com/recaptcha/api.js"></script></head><body>
${Array.from({ length: 40 }, (_v, i) => `<li class="product"><a href="/p/${i}">格力 空调 KFR-${i}GW 一级能效 变频 冷暖 壁挂式</a><span>¥${2000 + i}</span></li>`).join('\n')}
<form class="newsletter"><div class="g-recaptcha" data-sitekey="x"></div><input type="email"></form></body></html>`;

describe('detectBlock: anti-bot interstitials', () => {
  it.each([
    ['Cloudflare challenge header', p(403, '<html></html>', { 'cf-mitigated': 'challenge' }), /Cloudflare challenge/],
    ['Cloudflare "Just a moment..."', p(503, '<html><head><title>Just a moment...</title></head><body><div id="challenge-form"></div></body></html>', { server: 'cloudflare' }), /Cloudflare/],
    ['Cloudflare "Attention Required!"', p(403, '<title>Attention Required! | Cloudflare</title><h1>Sorry, you have been blocked</h1>'), /Cloudflare/],
    ['DataDome', p(403, '<html><script src="https://ct.captcha-delivery.com/c.js"></script></html>', { 'x-datadome': 'protected' }), /DataDome/],
    ['PerimeterX', p(403, '<div id="px-captcha"></div><p>Press & Hold to confirm you are a human</p>'), /PerimeterX/],
    ['Imperva', p(200, '<html><head><META NAME="robots" CONTENT="noindex,nofollow"><script src="/_Incapsula_Resource?SWJIYLWA=5074a744"></script></head><body></body></html>'), /Imperva/],
    ['Akamai Access Denied', p(403, '<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD><BODY>You don\'t have permission to access "http://shop.example/" on this server.<P>Reference #18.6f2d1402.1700000000.2f0e</BODY></HTML>'), /Akamai/],
    ['AWS WAF captcha', p(405, '<html></html>', { 'x-amzn-waf-action': 'captcha' }), /AWS WAF/],
    ['Alibaba slider', p(200, '<div id="nc_1_n1z"></div><p>亲，请拖动滑块完成验证</p>'), /Alibaba slider/],
    ['GeeTest', p(200, '<div class="geetest_holder"></div><script src="https://static.geetest.com/static/tools/gt.js"></script>'), /GeeTest/],
    ['Chinese "访问过于频繁"', p(200, '<html><body><h2>访问过于频繁，请稍后再试</h2></body></html>'), /captcha page/],
    ['small page with reCAPTCHA only', p(200, '<html><body><h1>One more step</h1><div class="g-recaptcha"></div></body></html>'), /reCAPTCHA/],
  ])('%s → blocked', (_name, page, vendor) => {
    const f = detectBlock(page);
    expect(f?.class).toBe('blocked');
    expect(f?.message).toMatch(vendor);
  });

  it.each(Object.entries(BLOCK_PAGES))('%s, served with status 200 → blocked', (_name, page) => {
    const f = detectBlock(p(200, page.html, page.headers));
    expect(f?.class).toBe('blocked');
    expect(f?.message).toMatch(page.vendor);
  });

  it('Akamai with its reference number written in entities: the sample shows it decoded', () => {
    const f = detectBlock(p(200, BLOCK_PAGES.akamai_entities!.html));
    expect(f?.sample).toContain('Reference #18.7c2e3b17.1767225600.2a9f04d');
  });

  it('a long real page that merely names a WAF vendor in its footer is not blocked', () => {
    const footer = '<footer>本站由 百度云加速 提供 CDN，安全狗 防护 · Protected by Sucuri WebSite Firewall</footer>';
    expect(detectBlock(p(200, realListing.replace('</body>', `${footer}</body>`)))).toBeNull();
  });

  it('a real listing with a reCAPTCHA newsletter form is not blocked', () => {
    expect(detectBlock(p(200, realListing))).toBeNull();
  });

  it('a plain 403 or 503 with no anti-bot marker is left to the HTTP status', () => {
    expect(detectBlock(p(403, '<h1>Forbidden</h1>'))).toBeNull();
    expect(detectBlock(p(503, '<h1>Service Unavailable</h1>', { server: 'nginx' }))).toBeNull();
  });

  it('keeps a short sample of what the page said', () => {
    expect(detectBlock(p(200, '<html><body><script>var x=1</script><h2>访问过于频繁</h2></body></html>'))?.sample).toBe('访问过于频繁');
  });
});

describe('detectLoginWall', () => {
  const form = '<html><head><title>登录</title></head><body><form><input name="u"><input type="password" name="p"><button>登录</button></form></body></html>';
  it('a redirect to a login URL, or to a page with a password form, is a login wall', () => {
    expect(detectLoginWall(p(200, '<html>please wait</html>', {}, 'https://passport.shop.example/login?redirect=x'), 0)?.class).toBe('login_wall');
    expect(detectLoginWall(p(200, form.replace('登录', 'x'), {}, 'https://shop.example/m/entry'), 0)?.class).toBe('login_wall');
    expect(detectLoginWall(p(200, '<html></html>', {}, 'https://shop.example/user/login'), 0)?.message).toContain('shop.example/user/login');
  });

  it('the requested page itself being a login form (no redirect) is one too', () => {
    expect(detectLoginWall(p(200, form), 0)?.class).toBe('login_wall');
  });

  it('a page with items is never a login wall, whatever login box it has', () => {
    expect(detectLoginWall(p(200, form, {}, 'https://shop.example/login'), 12)).toBeNull();
  });

  it('ordinary redirects are not login walls', () => {
    expect(detectLoginWall(p(200, '<html><body>list</body></html>', {}, 'https://www.shop.example/list/'), 0)).toBeNull();
    expect(detectLoginWall(p(200, '<html><body>by author</body></html>', {}, 'https://shop.example/authors/li'), 0)).toBeNull();
  });
});
