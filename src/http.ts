// HTTP for detectors and providers, on node:http / node:https: one total deadline per request
// (connect, headers and body), a cap on what is read, no redirects followed, and the socket
// family pinned when the caller asks for one (an IPv4 detection must really go out over IPv4).
//
// Why not undici (used here before): loading it costs a Node process ~20 ms and, once it has
// made a request, ~25 MB of RSS (its WebAssembly HTTP parser and eagerly loaded fetch,
// WebSocket and cache modules) that a daemon then holds for good. ddnsd makes a few small
// requests per cycle, one at a time, so node:http without keep-alive does the job.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { deadline } from './deadline.js';
import { transient } from './errors.js';
import { origin } from './url.js';

export { isLoopbackUrl, origin, redactUrl, retryAfter } from './url.js';

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  /** Pin the socket to this address family. */
  family?: 4 | 6;
  /** Total time for connect, headers and body. */
  timeoutMs: number;
  /** Refuse bodies larger than this many bytes (default 100 KiB). */
  maxBytes?: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface HttpClient {
  /** Resolves with any HTTP status (redirects are not followed); rejects with a transient
   * DdnsError when no complete answer arrived: refused, reset, timed out, too large. */
  request(req: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

export const MAX_BODY = 100 * 1024;

export function createHttpClient(): HttpClient {
  return {
    request,
    // Every request has its own connection (no agent, no keep-alive): nothing to close.
    close: async () => {},
  };
}

async function request(req: HttpRequest): Promise<HttpResponse> {
  const url = new URL(req.url);
  // node:https brings TLS (~10 ms to load): only for https URLs.
  const send = url.protocol === 'https:' ? (await import('node:https')).request : httpRequest;
  const where = origin(req.url);
  const limit = req.maxBytes ?? MAX_BODY;
  const timer = deadline(req.timeoutMs, req.signal);
  const answer = new Promise<HttpResponse>((resolve, reject) => {
    const fail = (err: unknown) => reject(err instanceof Error && err.name === 'DdnsError' ? err : networkError(err, where, req.timeoutMs, timer.expired()));
    const options = { method: req.method ?? 'GET', headers: req.headers, family: req.family, signal: timer.signal, agent: false };
    const r = send(url, options, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          res.destroy();
          fail(transient('HTTP_TOO_LARGE', `the answer from ${where} is larger than ${limit} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    r.on('error', fail);
    r.end(req.body);
  });
  return answer.finally(() => timer.done());
}

export function networkError(err: unknown, where: string, timeoutMs: number, timedOut: boolean) {
  if (timedOut) return transient('HTTP_TIMEOUT', `no answer from ${where} within ${timeoutMs / 1000}s`, { cause: err });
  const e = err as { code?: string; message?: string; name?: string };
  if (e?.name === 'AbortError') return transient('ABORTED', `request to ${where} was cancelled`, { cause: err });
  const code = e?.code ?? 'EUNKNOWN';
  const what: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host name not found',
    EAI_AGAIN: 'name lookup failed (temporary)',
    ENETUNREACH: 'network unreachable',
    EHOSTUNREACH: 'host unreachable',
  };
  return transient('HTTP_NETWORK', `${where}: ${what[code] ?? e?.message ?? code}`, { cause: err });
}
