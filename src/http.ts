// HTTP for detectors and providers: one total deadline per request (not undici's 300 s
// defaults), a cap on what is read, no redirects followed, and the socket family pinned when
// the caller asks for one (an IPv4 detection must really go out over IPv4).
//
// Provider requests go through undici, loaded on the first one. Loading undici and sending its
// first request costs a Node process some tens of ms and ~10 MB more than node:http does, so the one
// request a quiet cron run makes — the echo service's small GET — is a `probe`, answered by
// node:http with the same deadline, cap and rules (src/http-probe.ts).
import type { Agent, Dispatcher } from 'undici';
import { setFlagsFromString } from 'node:v8';
import { deadline, type Deadline } from './deadline.js';
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
  /** A small GET made on every cycle (an echo service): served by node:http, not undici. */
  probe?: boolean;
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
  const agents = new Map<string, Agent>();
  let undici: typeof import('undici') | null = null;
  const agentFor = (family: 4 | 6 | undefined, timeoutMs: number): Agent => {
    const key = `${family ?? 0}`;
    let agent = agents.get(key);
    if (!agent) {
      agent = new undici!.Agent({
        connect: family ? { family, autoSelectFamily: false, timeout: timeoutMs } : { timeout: timeoutMs },
        keepAliveTimeout: 1000,
        pipelining: 0,
      });
      agents.set(key, agent);
    }
    return agent;
  };

  return {
    async request(req) {
      if (req.probe) return (await import('./http-probe.js')).probe(req);
      undici ??= await loadUndici();
      const limit = req.maxBytes ?? MAX_BODY;
      const timer = deadline(req.timeoutMs, req.signal);
      try {
        return await undiciRequest(undici, req, limit, timer);
      } finally {
        timer.done();
      }
    },
    async close() {
      await Promise.all([...agents.values()].map((a) => a.destroy()));
      agents.clear();
    },
  };

  async function undiciRequest(undici: typeof import('undici'), req: HttpRequest, limit: number, timer: Deadline): Promise<HttpResponse> {
      const signal = timer.signal;
      const where = origin(req.url);
      let res: Dispatcher.ResponseData;
      try {
        res = await undici.request(req.url, {
          method: req.method ?? 'GET',
          headers: req.headers,
          body: req.body,
          dispatcher: agentFor(req.family, req.timeoutMs),
          signal,
          headersTimeout: req.timeoutMs,
          bodyTimeout: req.timeoutMs,
        });
      } catch (err) {
        throw networkError(err, where, req.timeoutMs, timer.expired());
      }
      const chunks: Buffer[] = [];
      let size = 0;
      try {
        for await (const chunk of res.body) {
          size += (chunk as Buffer).length;
          if (size > limit) {
            res.body.destroy();
            throw transient('HTTP_TOO_LARGE', `the answer from ${where} is larger than ${limit} bytes`);
          }
          chunks.push(chunk as Buffer);
        }
      } catch (err) {
        if (err instanceof Error && err.name === 'DdnsError') throw err;
        throw networkError(err, where, req.timeoutMs, timer.expired());
      }
      return { status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') };
  }
}

/** undici is CommonJS: through the bundler its exports may sit on `default`. */
async function loadUndici(): Promise<typeof import('undici')> {
  // undici parses HTTP with llhttp compiled to WebAssembly. V8's optimising tier for that module
  // costs ~35 MB of peak memory and ~80 ms on the first request — for the handful of small
  // answers a run reads, the baseline compiler (Liftoff) is plenty. No other WebAssembly runs
  // in ddnsd, and the flag is set before any is compiled.
  setFlagsFromString('--liftoff-only');
  const mod = (await import('undici')) as typeof import('undici') & { default?: typeof import('undici') };
  return typeof mod.Agent === 'function' ? mod : mod.default!;
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
    UND_ERR_CONNECT_TIMEOUT: `connect timed out after ${timeoutMs / 1000}s`,
    UND_ERR_HEADERS_TIMEOUT: `no answer within ${timeoutMs / 1000}s`,
    UND_ERR_BODY_TIMEOUT: `answer stalled for ${timeoutMs / 1000}s`,
    UND_ERR_SOCKET: 'connection closed early',
  };
  return transient('HTTP_NETWORK', `${where}: ${what[code] ?? e?.message ?? code}`, { cause: err });
}

