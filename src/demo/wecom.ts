import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { DemoSite } from './site.js';

export interface DemoPost {
  robot: string;
  msgtype: string;
  file: string;
}

/**
 * A WeCom-compatible group robot endpoint on the demo site (/cgi-bin/webhook/send?key=…), one key
 * per regional group, so `npm start` shows the regional digests arriving in "WeCom" without a
 * network. It answers like WeCom (errcode 0, or 93000 for an unknown key, 40058 for markdown over
 * 4,096 bytes, 45009 beyond 20 messages a minute) and writes each accepted post to `outDir`:
 * the request JSON, plus the markdown as .md or the image as .png, to look at.
 */
export class DemoWecom {
  readonly posts: DemoPost[] = [];
  private readonly calls: number[] = [];
  private seq = 0;

  constructor(
    private readonly outDir: string,
    /** key → robot name ("east" ...). */
    private readonly robots: Record<string, string>,
  ) {
    rmSync(outDir, { recursive: true, force: true });
  }

  mount(site: DemoSite): void {
    site.route('/cgi-bin/webhook/send', (req, res, url) => void this.handle(req, res, url));
  }

  /** The webhook URL of a robot, for the env var its channel names. */
  url(base: string, robot: string): string {
    const key = Object.entries(this.robots).find(([, r]) => r === robot)?.[0];
    return `${base}/cgi-bin/webhook/send?key=${key}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const answer = (errcode: number, errmsg: string) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errcode, errmsg }));
    };
    const robot = this.robots[url.searchParams.get('key') ?? ''];
    if (req.method !== 'POST' || !robot) return answer(93000, 'invalid webhook url');
    const now = Date.now();
    while (this.calls.length && this.calls[0]! <= now - 60_000) this.calls.shift();
    this.calls.push(now);
    if (this.calls.length > 20) return answer(45009, 'api freq out of limit');
    let body: { msgtype?: string; markdown?: { content?: string }; image?: { base64?: string; md5?: string } };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      return answer(40008, 'invalid message type');
    }
    const type = String(body.msgtype);
    if (type === 'markdown' && Buffer.byteLength(body.markdown?.content ?? '') > 4096) return answer(40058, 'markdown.content exceed max length 4096');
    const png = type === 'image' ? Buffer.from(body.image?.base64 ?? '', 'base64') : null;
    if (png && createHash('md5').update(png).digest('hex') !== body.image?.md5) return answer(40009, 'invalid image');
    mkdirSync(this.outDir, { recursive: true });
    const base = join(this.outDir, `${String(++this.seq).padStart(3, '0')}-${robot}-${type}`);
    writeFileSync(`${base}.json`, JSON.stringify(body, null, 2));
    const file = type === 'markdown' ? `${base}.md` : png ? `${base}.png` : `${base}.json`;
    if (type === 'markdown') writeFileSync(file, body.markdown!.content!);
    if (png) writeFileSync(file, png);
    this.posts.push({ robot, msgtype: type, file });
    answer(0, 'ok');
  }
}
