import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

export interface FixtureServer {
  url: string;
  /** Every request the server saw, in order: path + time, so tests can measure politeness. */
  hits: { path: string; at: number; headers: IncomingMessage['headers'] }[];
  routes: Map<string, Route>;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 with routes a test can swap between runs. */
export async function startServer(routes: Record<string, Route> = {}): Promise<FixtureServer> {
  const map = new Map(Object.entries(routes));
  const hits: FixtureServer['hits'] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    hits.push({ path: url.pathname + url.search, at: Date.now(), headers: req.headers });
    const route = map.get(url.pathname);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    Promise.resolve(route(req, res, url)).catch((err) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    routes: map,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export function html(body: string | Buffer, status = 200, type = 'text/html; charset=utf-8'): Route {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  };
}
