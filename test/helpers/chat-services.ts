import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Fake chat services on 127.0.0.1, one per kind, that behave like the real ones where it matters
 * to a sender: they check the key or token in the URL, verify signatures and timestamps, enforce
 * size and rate limits, and answer with each service's own error shapes (mostly HTTP 200 with an
 * error code in the body). What they accept is kept for the test to read.
 *
 * Error shapes, from the services' documentation and issue reports: WeCom {"errcode":93000,
 * "errmsg":"invalid webhook url ..."}, 45009 "api freq out of limit", 40058 "markdown.content
 * exceed max length 4096"; DingTalk 310000 "sign not match" / "invalid timestamp", 300001 "token is
 * not exist", 130101 "send too fast, exceed 20 times per minute"; Feishu {"code":19021,"msg":"sign
 * match fail or timestamp is not within one hour from current time"}, 11232 "frequency limited",
 * 9499 "Bad Request" (and a 20 KB request limit); Slack incoming webhooks answer plain text: "ok",
 * or 400 invalid_payload / invalid_blocks / no_text, 404 no_service, 429 rate_limited with
 * Retry-After. The size refusal of a DingTalk robot is not documented; the fake uses errcode
 * 460101 for it and the sender never relies on the number.
 */
export interface Received {
  body: Record<string, unknown>;
  raw: string;
  headers: IncomingMessage['headers'];
  at: number;
}

export interface FakeService {
  kind: string;
  /** The webhook URL with its key or token: what goes into the env var a channel names. */
  url: string;
  /** The signing secret (DingTalk, Feishu, webhook). */
  secret: string;
  port: number;
  /** Messages accepted, in order. */
  accepted: Received[];
  /** Every answer given (status and body), in order. */
  answers: { status: number; body: string; at: number }[];
  /**
   * 'drop': connections are cut without an answer (a network outage); 'busy': the service's
   * own "try later" error in a 200 (or 5xx) answer.
   */
  down: false | 'drop' | 'busy';
  rate: { max: number; perSeconds: number };
  stop(): Promise<void>;
  /** Listens again on the same port (after stop). */
  start(): Promise<void>;
}

interface Spec {
  kind: string;
  path: string;
  query?: string;
  rate: { max: number; perSeconds: number };
  handle(req: IncomingMessage, raw: string, url: URL, svc: FakeService): { status: number; body: string; headers?: Record<string, string>; accept?: boolean };
}

const hint = () => `hint: [${Date.now()}${Math.floor(Math.random() * 1e6)}], from ip: 127.0.0.1`;
const json = (status: number, body: unknown, headers?: Record<string, string>) => ({ status, body: JSON.stringify(body), ...(headers ? { headers } : {}) });

async function startService(spec: Spec, opts: { secret?: string; port?: number } = {}): Promise<FakeService> {
  let server: Server | null = null;
  const calls: number[] = [];
  const svc: FakeService = {
    kind: spec.kind,
    url: '',
    secret: opts.secret ?? 'SEC' + createHash('sha256').update(String(Math.random())).digest('hex').slice(0, 40),
    port: opts.port ?? 0,
    accepted: [],
    answers: [],
    down: false,
    rate: spec.rate,
    stop: () =>
      new Promise<void>((r) => {
        if (!server) return r();
        server.closeAllConnections();
        server.close(() => r());
        server = null;
      }),
    start: async () => {
      server = createServer((req, res) => void serve(req, res));
      await new Promise<void>((r) => server!.listen(svc.port, '127.0.0.1', () => r()));
      svc.port = (server.address() as AddressInfo).port;
      svc.url = `http://127.0.0.1:${svc.port}${spec.path}${spec.query ?? ''}`;
    },
  };
  async function serve(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    if (svc.down === 'drop') {
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const answer = (a: { status: number; body: string; headers?: Record<string, string> }) => {
      svc.answers.push({ status: a.status, body: a.body, at: Date.now() });
      res.writeHead(a.status, { 'content-type': a.body.startsWith('{') ? 'application/json' : 'text/plain', ...a.headers });
      res.end(a.body);
    };
    const out = spec.handle(req, raw, url, svc);
    if (out.accept === undefined) return answer(out); // refused before the rate count (bad key, bad signature)
    // The rate limit counts every authenticated call in the window, refused ones too.
    const now = Date.now();
    while (calls.length && calls[0]! <= now - svc.rate.perSeconds * 1000) calls.shift();
    calls.push(now);
    if (calls.length > svc.rate.max) return answer(RATE_LIMITED[spec.kind]!());
    if (svc.down === 'busy') return answer(BUSY[spec.kind]!());
    if (out.accept) svc.accepted.push({ body: JSON.parse(raw) as Record<string, unknown>, raw, headers: req.headers, at: now });
    answer(out);
  }
  await svc.start();
  return svc;
}

const RATE_LIMITED: Record<string, () => { status: number; body: string; headers?: Record<string, string> }> = {
  wecom: () => json(200, { errcode: 45009, errmsg: `api freq out of limit, ${hint()}, more info at https://open.work.weixin.qq.com/devtool/query?e=45009` }),
  dingtalk: () => json(200, { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' }),
  feishu: () => json(200, { code: 11232, msg: 'frequency limited', data: {} }),
  slack: () => ({ status: 429, body: 'rate_limited', headers: { 'retry-after': '1' } }),
  webhook: () => ({ status: 429, body: '{"error":"too many requests"}', headers: { 'retry-after': '1' } }),
};

const BUSY: Record<string, () => { status: number; body: string }> = {
  wecom: () => json(200, { errcode: -1, errmsg: `system busy, ${hint()}` }),
  dingtalk: () => json(200, { errcode: -1, errmsg: '系统繁忙' }),
  feishu: () => json(200, { code: 11232, msg: 'frequency limited', data: {} }),
  slack: () => ({ status: 500, body: 'internal_error' }),
  webhook: () => json(200, { ok: false, error: 'queue full, try later' }),
};

function parse(raw: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** 企业微信 group robot: /cgi-bin/webhook/send?key=KEY. */
export function startWecom(opts: { key?: string; rate?: { max: number; perSeconds: number }; port?: number } = {}): Promise<FakeService> {
  const key = opts.key ?? '693a91f6-7aoc-4bc4-97a0-0ec2sifa5aaa';
  return startService(
    {
      kind: 'wecom',
      path: '/cgi-bin/webhook/send',
      query: `?key=${key}`,
      rate: opts.rate ?? { max: 20, perSeconds: 60 },
      handle(_req, raw, url) {
        if (url.searchParams.get('key') !== key) return json(200, { errcode: 93000, errmsg: `invalid webhook url, ${hint()}, more info at https://open.work.weixin.qq.com/devtool/query?e=93000` });
        const b = parse(raw);
        if (!b) return { ...json(200, { errcode: 40008, errmsg: `invalid message type, ${hint()}` }), accept: false };
        const type = b.msgtype;
        if (type === 'markdown') {
          const content = (b.markdown as { content?: unknown } | undefined)?.content;
          if (typeof content !== 'string' || !content) return { ...json(200, { errcode: 44004, errmsg: `empty content, ${hint()}` }), accept: false };
          if (Buffer.byteLength(content) > 4096) return { ...json(200, { errcode: 40058, errmsg: `markdown.content exceed max length 4096. invalid Request Parameter, ${hint()}, more info at https://open.work.weixin.qq.com/devtool/query?e=40058` }), accept: false };
        } else if (type === 'template_card') {
          const c = b.template_card as Record<string, unknown> | undefined;
          // text_notice: a title and a tap target; at most 6 rows and 3 jumps, each link with its url.
          const rows = (c?.horizontal_content_list ?? []) as { keyname?: string; type?: number; url?: string }[];
          const jumps = (c?.jump_list ?? []) as { title?: string; type?: number; url?: string }[];
          const action = c?.card_action as { type?: number; url?: string } | undefined;
          const ok =
            c && c.card_type === 'text_notice' && (c.main_title as { title?: string })?.title && action?.type === 1 && action.url &&
            rows.length <= 6 && rows.every((r) => r.keyname && (r.type !== 1 || r.url)) &&
            jumps.length <= 3 && jumps.every((j) => j.title && (j.type !== 1 || j.url));
          if (!ok) return { ...json(200, { errcode: 40008, errmsg: `invalid template_card, ${hint()}` }), accept: false };
        } else if (type === 'image') {
          const img = b.image as { base64?: string; md5?: string } | undefined;
          const bytes = Buffer.from(img?.base64 ?? '', 'base64');
          if (!bytes.length || bytes.length > 2 * 1024 * 1024) return { ...json(200, { errcode: 40009, errmsg: `invalid image size, ${hint()}` }), accept: false };
          if (createHash('md5').update(bytes).digest('hex') !== img?.md5) return { ...json(200, { errcode: 40009, errmsg: `invalid image: md5 not match, ${hint()}` }), accept: false };
        } else if (type !== 'text') {
          return { ...json(200, { errcode: 40008, errmsg: `invalid message type, ${hint()}` }), accept: false };
        }
        return { ...json(200, { errcode: 0, errmsg: 'ok' }), accept: true };
      },
    },
    opts,
  );
}

/** 钉钉 custom robot with 加签: /robot/send?access_token=T&timestamp=ms&sign=base64(HMAC-SHA256(secret, ts\nsecret)). */
export function startDingtalk(opts: { token?: string; secret?: string; maxBytes?: number; rate?: { max: number; perSeconds: number }; port?: number } = {}): Promise<FakeService> {
  const token = opts.token ?? createHash('sha256').update('dingtalk').digest('hex');
  let svc: FakeService;
  const p = startService(
    {
      kind: 'dingtalk',
      path: '/robot/send',
      query: `?access_token=${token}`,
      rate: opts.rate ?? { max: 20, perSeconds: 60 },
      handle(_req, raw, url) {
        if (url.searchParams.get('access_token') !== token) return json(200, { errcode: 300001, errmsg: 'token is not exist' });
        const ts = url.searchParams.get('timestamp');
        const sign = url.searchParams.get('sign');
        if (!ts || !sign || Math.abs(Date.now() - Number(ts)) > 3_600_000) return json(200, { errcode: 310000, errmsg: 'invalid timestamp' });
        const expected = createHmac('sha256', svc.secret).update(`${ts}\n${svc.secret}`).digest('base64');
        if (sign !== expected) return json(200, { errcode: 310000, errmsg: 'sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]' });
        const b = parse(raw);
        if (!b) return { ...json(200, { errcode: 40035, errmsg: '缺少参数 json' }), accept: false };
        const text = b.msgtype === 'markdown' ? (b.markdown as { title?: string; text?: string })?.text : b.msgtype === 'actionCard' ? (b.actionCard as { text?: string })?.text : (b.text as { content?: string })?.content;
        const title = b.msgtype === 'markdown' ? (b.markdown as { title?: string })?.title : b.msgtype === 'actionCard' ? (b.actionCard as { title?: string })?.title : 'text';
        if (typeof text !== 'string' || !text || !title) return { ...json(200, { errcode: 40035, errmsg: `缺少参数 ${String(b.msgtype)}` }), accept: false };
        if (Buffer.byteLength(text) > (opts.maxBytes ?? 20_000)) return { ...json(200, { errcode: 460101, errmsg: 'message too long' }), accept: false };
        return { ...json(200, { errcode: 0, errmsg: 'ok' }), accept: true };
      },
    },
    opts,
  );
  return p.then((s) => (svc = s));
}

/** 飞书 custom bot with 签名校验: /open-apis/bot/v2/hook/TOKEN, body { timestamp (s), sign: base64(HMAC-SHA256(ts\nsecret, "")) }. */
export function startFeishu(opts: { token?: string; secret?: string; rate?: { max: number; perSeconds: number }; port?: number } = {}): Promise<FakeService> {
  const token = opts.token ?? '5b1c7e2a-9f3d-4c1e-8a6b-2d4f6e8a0c1b';
  let svc: FakeService;
  const p = startService(
    {
      kind: 'feishu',
      path: `/open-apis/bot/v2/hook/${token}`,
      rate: opts.rate ?? { max: 100, perSeconds: 60 },
      handle(_req, raw, url) {
        if (url.pathname !== `/open-apis/bot/v2/hook/${token}`) return json(200, { code: 19001, msg: 'param invalid: incoming webhook access token invalid', data: {} });
        if (Buffer.byteLength(raw) > 20 * 1024) return json(200, { code: 9499, msg: 'Bad Request', data: {} });
        const b = parse(raw);
        if (!b) return json(200, { code: 9499, msg: 'Bad Request', data: {} });
        const ts = String(b.timestamp ?? '');
        const expected = createHmac('sha256', `${ts}\n${svc.secret}`).update('').digest('base64');
        if (!ts || Math.abs(Date.now() / 1000 - Number(ts)) > 3600 || b.sign !== expected) return json(200, { code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time', data: {} });
        const ok = b.msg_type === 'interactive' ? typeof b.card === 'object' && b.card !== null : b.msg_type === 'text' && typeof (b.content as { text?: string })?.text === 'string';
        if (!ok) return { ...json(200, { code: 9499, msg: 'Bad Request', data: {} }), accept: false };
        return { ...json(200, { code: 0, msg: 'success', data: {} }), accept: true };
      },
    },
    opts,
  );
  return p.then((s) => (svc = s));
}

/** Slack incoming webhook: /services/T…/B…/secret; answers plain text. */
export function startSlack(opts: { rate?: { max: number; perSeconds: number }; port?: number } = {}): Promise<FakeService> {
  const path = '/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';
  return startService(
    {
      kind: 'slack',
      path,
      rate: opts.rate ?? { max: 1, perSeconds: 1 },
      handle(_req, raw, url) {
        if (url.pathname !== path) return { status: 404, body: 'no_service' };
        const b = parse(raw);
        if (!b) return { status: 400, body: 'invalid_payload', accept: false };
        const blocks = b.blocks as { type: string; text?: { text?: string }; elements?: unknown[] }[] | undefined;
        if (!b.text && !blocks?.length) return { status: 400, body: 'no_text', accept: false };
        if (blocks && (blocks.length > 50 || blocks.some((x) => (x.text?.text?.length ?? 0) > 3000 || (x.type === 'header' && (x.text?.text?.length ?? 0) > 150)))) return { status: 400, body: 'invalid_blocks', accept: false };
        return { status: 200, body: 'ok', accept: true };
      },
    },
    opts,
  );
}

/**
 * A receiver of our generic webhook, checking the Standard Webhooks signature: webhook-id,
 * webhook-timestamp (seconds, within 5 minutes) and webhook-signature "v1,base64(HMAC-SHA256(
 * secret, id.timestamp.body))". It keeps every delivery, including a second one with an id it
 * has already seen (a receiver would drop that one).
 */
export function startWebhookReceiver(opts: { secret?: string; rate?: { max: number; perSeconds: number }; port?: number } = {}): Promise<FakeService> {
  let svc: FakeService;
  const p = startService(
    {
      kind: 'webhook',
      path: '/hooks/sales-radar',
      rate: opts.rate ?? { max: 1000, perSeconds: 1 },
      handle(req, raw) {
        const id = String(req.headers['webhook-id'] ?? '');
        const ts = String(req.headers['webhook-timestamp'] ?? '');
        const sigs = String(req.headers['webhook-signature'] ?? '').split(' ');
        const key = svc.secret.startsWith('whsec_') ? Buffer.from(svc.secret.slice(6), 'base64') : Buffer.from(svc.secret);
        const expected = `v1,${createHmac('sha256', key).update(`${id}.${ts}.${raw}`).digest('base64')}`;
        if (!id || !sigs.includes(expected)) return { status: 401, body: '{"error":"invalid signature"}' };
        if (Math.abs(Date.now() / 1000 - Number(ts)) > 300) return { status: 401, body: '{"error":"timestamp too old"}' };
        if (!parse(raw)) return { status: 400, body: '{"error":"not JSON"}', accept: false };
        return { status: 200, body: '{"ok":true}', accept: true };
      },
    },
    { ...opts, secret: opts.secret ?? 'whsec_' + Buffer.from('a-test-signing-key-0123456789').toString('base64') },
  );
  return p.then((s) => (svc = s));
}
