// A small GET on node:http / node:https, with the rules of http.ts: total deadline, body cap,
// no redirects, family pinned. Used for the one request a quiet cycle makes (see http.ts).
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { deadline } from './deadline.js';
import { transient } from './errors.js';
import { MAX_BODY, networkError, type HttpRequest, type HttpResponse } from './http.js';
import { origin } from './url.js';

export function probe(req: HttpRequest): Promise<HttpResponse> {
  const url = new URL(req.url);
  const where = origin(req.url);
  const limit = req.maxBytes ?? MAX_BODY;
  const timer = deadline(req.timeoutMs, req.signal);
  const signal = timer.signal;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const answer = new Promise<HttpResponse>((resolve, reject) => {
    const fail = (err: unknown) => reject(err instanceof Error && err.name === 'DdnsError' ? err : networkError(err, where, req.timeoutMs, timer.expired()));
    const r = send(url, { method: 'GET', headers: req.headers, family: req.family, signal, agent: false }, (res: IncomingMessage) => {
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
    r.end();
  });
  return answer.finally(() => timer.done());
}
