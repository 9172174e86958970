import { readdirSync, readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { noProxy, proxyFor } from '../../src/fetch/proxy.js';
import { html, startServer, type FixtureServer } from '../helpers/server.js';
import { makeWorkspace, type Workspace } from '../helpers/workspace.js';

interface ProxyLog {
  kind: 'CONNECT' | 'FORWARD';
  target: string;
  auth: string | undefined;
}

/**
 * A tiny forward proxy on 127.0.0.1: CONNECT tunnels and absolute-form requests, Basic auth.
 * Any user with the password gets in: each test uses its own user, so a tunnel kept alive from
 * an earlier test (same proxy URL, same pooled connection) cannot hide a request from the log.
 */
async function startProxy(pass: string): Promise<{ url: string; port: number; log: ProxyLog[]; close(): Promise<void> }> {
  const log: ProxyLog[] = [];
  const ok = (auth: string | undefined) => Buffer.from((auth ?? '').replace(/^Basic /, ''), 'base64').toString().split(':')[1] === pass;
  const server: Server = createServer((req, res) => {
    log.push({ kind: 'FORWARD', target: req.url ?? '', auth: req.headers['proxy-authorization'] });
    if (!ok(req.headers['proxy-authorization'])) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="proxy"' });
      return res.end();
    }
    const u = new URL(req.url ?? '');
    const up = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  server.on('connect', (req, socket, head) => {
    log.push({ kind: 'CONNECT', target: req.url ?? '', auth: req.headers['proxy-authorization'] });
    if (!ok(req.headers['proxy-authorization'])) {
      socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="proxy"\r\n\r\n');
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host!, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    log,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('proxies, end to end through a real proxy on 127.0.0.1', () => {
  let proxy: Awaited<ReturnType<typeof startProxy>>;
  let shop: FixtureServer;
  let ws: Workspace;
  const saved: Record<string, string | undefined> = {};
  const setEnv = (k: string, v: string | undefined) => {
    if (!(k in saved)) saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  };

  beforeAll(async () => {
    proxy = await startProxy('pr0xy-s3cret');
    shop = await startServer({ '/list': html('<ul><li class="p" data-sku="A"><b>空调</b><i>¥1,999</i></li><li class="p" data-sku="B"><b>风扇</b><i>¥199</i></li></ul>') });
  });
  afterAll(async () => {
    await proxy.close();
    await shop.close();
  });
  beforeEach(() => {
    ws = makeWorkspace();
    proxy.log.length = 0;
    for (const k of ['RADAR_PROXY', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy', 'PROXY_PASS']) setEnv(k, undefined);
  });
  afterEach(() => {
    ws.cleanup();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  const target = (proxyLine = '') => `
id: via-proxy
kind: price
competitor: P
region: east
fetch:
  url: ${shop.url}/list
  min_interval_ms: 0
  retries: 0
${proxyLine}items:
  each: ".p"
  key: "@data-sku"
  fields: { name: "b", price: "i" }
`;

  const everything = (r: { stdout: string; stderr: string }) =>
    r.stdout +
    r.stderr +
    readdirSync(ws.state, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'))
      .join('\n');

  it('a target proxy with credentials from the environment carries every request (robots.txt too); the password is never shown', async () => {
    setEnv('PROXY_PASS', 'pr0xy-s3cret');
    ws.writeTarget('t.yaml', target(`  proxy: "http://radar:\${PROXY_PASS}@127.0.0.1:${proxy.port}"\n`));
    const r = await ws.radar('run', '--json');
    expect(JSON.parse(r.stdout).targets[0]).toMatchObject({ verdict: 'good', items: 2 });
    const shopHost = new URL(shop.url).host;
    expect(proxy.log.length).toBeGreaterThanOrEqual(1);
    for (const entry of proxy.log) {
      expect(entry.target).toContain(shopHost);
      expect(entry.auth).toBe(`Basic ${Buffer.from('radar:pr0xy-s3cret').toString('base64')}`);
    }
    expect(shop.hits.every((h) => h.headers['proxy-authorization'] === undefined)).toBe(true);
    expect(everything(r)).not.toContain('pr0xy-s3cret');
  });

  it('RADAR_PROXY applies to every target; proxy: direct opts one out', async () => {
    setEnv('RADAR_PROXY', `http://radar-env:pr0xy-s3cret@127.0.0.1:${proxy.port}`);
    ws.writeTarget('t.yaml', target());
    expect(JSON.parse((await ws.radar('run', '--json')).stdout).targets[0].verdict).toBe('good');
    expect(proxy.log.length).toBeGreaterThan(0);

    proxy.log.length = 0;
    ws.writeTarget('t.yaml', target('  proxy: direct\n'));
    expect(JSON.parse((await ws.radar('run', '--json')).stdout).targets[0].verdict).toBe('good');
    expect(proxy.log).toEqual([]);
  });

  it('a proxy that refuses our credentials is a network failure naming the proxy, not its password', async () => {
    setEnv('RADAR_PROXY', `http://radar-bad:wr0ng-pa55@127.0.0.1:${proxy.port}`);
    ws.writeTarget('t.yaml', target());
    const r = await ws.radar('run', '--json');
    const t = JSON.parse(r.stdout).targets[0] as { verdict: string; failure: { class: string; message: string } };
    expect(t.failure.class).toBe('network');
    expect(t.failure.message).toBe(`network error: proxy 127.0.0.1:${proxy.port} answered HTTP 407 (proxy credentials refused)`);
    expect(everything(r)).not.toContain('wr0ng-pa55');
  });
});

describe('proxyFor: which proxy a request uses', () => {
  const t = (proxy?: string) => ({ file: 'x.yaml', fetch: { proxy } }) as never;

  it('target > RADAR_PROXY > HTTPS_PROXY (https) / HTTP_PROXY (http)', () => {
    const env = { RADAR_PROXY: 'http://r:1', HTTPS_PROXY: 'http://s:2', HTTP_PROXY: 'http://h:3' };
    expect(proxyFor('https://shop.example/', t('http://own:9'), env)).toBe('http://own:9');
    expect(proxyFor('https://shop.example/', t(), env)).toBe('http://r:1');
    expect(proxyFor('https://shop.example/', t(), { HTTPS_PROXY: 'http://s:2', HTTP_PROXY: 'http://h:3' })).toBe('http://s:2');
    expect(proxyFor('http://shop.example/', t(), { HTTPS_PROXY: 'http://s:2' })).toBeNull();
    expect(proxyFor('http://shop.example/', t(), { HTTP_PROXY: 'http://h:3' })).toBe('http://h:3');
    expect(proxyFor('https://shop.example/', t('direct'), env)).toBeNull();
  });

  it('resolves ${ENV} in a target proxy and rejects what is not an http(s) proxy', () => {
    expect(proxyFor('https://a.example/', t('http://u:${P}@p:8'), { P: 'x' })).toBe('http://u:x@p:8');
    expect(() => proxyFor('https://a.example/', t('socks5://p:1080'), {})).toThrow(/socks5: proxies are not supported/);
  });

  it('NO_PROXY exempts hosts from the environment proxy, not from a target proxy', () => {
    const env = { RADAR_PROXY: 'http://r:1', NO_PROXY: 'localhost,.corp.example,10.0.0.1:8080' };
    expect(proxyFor('https://intranet.corp.example/x', t(), env)).toBeNull();
    expect(proxyFor('https://corp.example/x', t(), env)).toBeNull();
    expect(proxyFor('http://10.0.0.1:8080/', t(), env)).toBeNull();
    expect(proxyFor('http://10.0.0.1:9090/', t(), env)).toBe('http://r:1');
    expect(proxyFor('https://shop.example/', t(), env)).toBe('http://r:1');
    expect(proxyFor('https://intranet.corp.example/x', t('http://own:9'), env)).toBe('http://own:9');
    expect(noProxy('anything.example', '*')).toBe(true);
  });
});
