// Loopback HTTP servers for tests: they record every request and answer as the test says.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
  /** The raw request target, as sent. */
  target: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait this long before answering (a slow or dead service). */
  delayMs?: number;
}

export interface TestServer {
  url: string;
  port: number;
  requests: Recorded[];
  close(): Promise<void>;
}

export type Handler = (req: Recorded) => Answer | Promise<Answer>;

export async function startServer(handler: Handler, host = '127.0.0.1'): Promise<TestServer> {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const rec: Recorded = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, target: req.url ?? '/', headers: req.headers, body };
      requests.push(rec);
      const answer = await handler(rec);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status ?? 200, { 'content-type': 'text/plain', ...answer.headers });
        res.end(answer.body ?? '');
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${hostPart}:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An echo service that answers every request with `body()` (default: plain text). */
export function startEcho(answer: () => Answer): Promise<TestServer> {
  return startServer(() => answer());
}

/**
 * A dyndns2 server as the protocol describes it: Basic auth, `hostname=a,b`, `myip=`, one
 * answer line per host (`good IP` when it changed, `nochg IP` when not). `override` answers
 * instead when it returns something.
 */
export interface Dyndns2Server extends TestServer {
  records: Map<string, string>;
}

export async function startDyndns2(opts: {
  username: string;
  password: string;
  hosts: string[];
  override?: (req: Recorded) => Answer | undefined;
}): Promise<Dyndns2Server> {
  const records = new Map<string, string>();
  const server = await startServer((req) => {
    const forced = opts.override?.(req);
    if (forced) return forced;
    const expected = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return { body: 'badauth' };
    const hosts = (req.query.get('hostname') ?? '').split(',').filter(Boolean);
    if (hosts.length === 0) return { body: 'notfqdn' };
    const ip = req.query.get('myip') ?? '';
    const lines = hosts.map((h) => {
      if (!opts.hosts.includes(h)) return 'nohost';
      const before = records.get(h);
      records.set(h, ip);
      return `${before === ip ? 'nochg' : 'good'} ${ip}`;
    });
    return { body: lines.join('\n') };
  });
  return { ...server, records };
}
