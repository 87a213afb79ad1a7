// Send one DNS message and get its answer: UDP with retries under a total deadline, TCP when
// the message exceeds 512 octets, when the answer comes back truncated, or when asked to.
import dgram from 'node:dgram';
import net from 'node:net';
import { WireError } from './errors.js';

export interface Server {
  host: string; // an IP address (names are resolved before this layer)
  port: number;
}

export interface ExchangeOptions<T> {
  tcp?: boolean;
  /** Total time for this exchange, retries included. */
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * Turn a raw answer into a result. Throw WireError to refuse it: over UDP, FORMAT, MISMATCH and
   * TSIG errors other than the server's own reports are discarded (the real answer may still
   * come; RFC 8945 §5.4); any other throw ends the exchange.
   */
  handle(raw: Buffer): T;
}

export const UDP_LIMIT = 512;

export function describe(server: Server): string {
  return server.host.includes(':') ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
}

/** Errors that a spoofed or stray UDP datagram could cause: drop the datagram, keep waiting. */
function discardable(e: unknown): boolean {
  if (!(e instanceof WireError)) return false;
  if (e.code === 'FORMAT' || e.code === 'MISMATCH') return true;
  return e.code === 'TSIG' && 'tsigError' in e && ((e as { tsigError: string }).tsigError === 'UNSIGNED' || (e as { tsigError: string }).tsigError === 'INVALID');
}

export async function exchange<T>(server: Server, request: Buffer, opts: ExchangeOptions<T>): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  if (opts.tcp || request.length > UDP_LIMIT) return tcpExchange(server, request, deadline, opts);
  const udp = await udpExchange(server, request, deadline, opts);
  if (udp.truncated) return tcpExchange(server, request, deadline, opts);
  return udp.result as T;
}

function timeoutError(server: Server, proto: string, last: unknown): WireError {
  const why = last instanceof Error ? `; the only answers were refused: ${last.message}` : '';
  return new WireError('TIMEOUT', `no answer from ${describe(server)} over ${proto} in time${why}`);
}

function udpExchange<T>(server: Server, request: Buffer, deadline: number, opts: ExchangeOptions<T>): Promise<{ truncated: boolean; result?: T }> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(net.isIPv6(server.host) ? 'udp6' : 'udp4');
    const id = request.readUInt16BE(0);
    const interval = Math.max(200, Math.min(3000, Math.floor((deadline - Date.now()) / 3)));
    let last: unknown;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (f: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      socket.close();
      f();
    };
    const onAbort = () => finish(() => reject(new WireError('TIMEOUT', `the exchange with ${describe(server)} was cancelled`)));
    opts.signal?.addEventListener('abort', onAbort);
    if (opts.signal?.aborted) return onAbort();
    const unreachable = (err: NodeJS.ErrnoException) =>
      finish(() => reject(new WireError('NETWORK', `${describe(server)} is unreachable over UDP (${err.code ?? err.message})`)));
    const send = () => {
      if (done) return;
      const left = deadline - Date.now();
      if (left <= 0) return finish(() => reject(timeoutError(server, 'UDP', last)));
      timer = setTimeout(send, Math.min(interval, left));
      socket.send(request, (err) => {
        if (err) unreachable(err);
      });
    };
    socket.on('error', unreachable);
    socket.on('message', (raw) => {
      if (raw.length >= 4 && raw.readUInt16BE(0) === id && (raw[2]! & 0x82) === 0x82) return finish(() => resolve({ truncated: true }));
      try {
        const result = opts.handle(raw);
        finish(() => resolve({ truncated: false, result }));
      } catch (e) {
        if (discardable(e)) last = e;
        else finish(() => reject(e));
      }
    });
    // Connected: the kernel drops datagrams from anyone but the server, and reports ICMP errors.
    // Without a route (cable pulled, no IPv6) connect itself fails, through its callback only.
    socket.connect(server.port, server.host, (err?: Error) => (err ? unreachable(err) : send()));
  });
}

function tcpExchange<T>(server: Server, request: Buffer, deadline: number, opts: ExchangeOptions<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    if (request.length > 0xffff) return reject(new WireError('FORMAT', 'the message is too long for DNS over TCP'));
    const left = deadline - Date.now();
    if (left <= 0) return reject(timeoutError(server, 'TCP', undefined));
    const socket = net.connect({ host: server.host, port: server.port });
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (f: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      f();
    };
    const timer = setTimeout(() => finish(() => reject(timeoutError(server, 'TCP', undefined))), left);
    const onAbort = () => finish(() => reject(new WireError('TIMEOUT', `the exchange with ${describe(server)} was cancelled`)));
    opts.signal?.addEventListener('abort', onAbort);
    if (opts.signal?.aborted) return onAbort();
    socket.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(request.length);
      socket.write(Buffer.concat([len, request]));
    });
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 2) return;
      const need = buf.readUInt16BE(0);
      if (buf.length < 2 + need) return;
      if (buf.length > 2 + need) return finish(() => reject(new WireError('FORMAT', `${describe(server)} sent more than one answer over TCP`)));
      try {
        const result = opts.handle(buf.subarray(2));
        finish(() => resolve(result));
      } catch (e) {
        finish(() => reject(e));
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) =>
      finish(() => reject(new WireError('NETWORK', `${describe(server)} is unreachable over TCP (${err.code ?? err.message})`))),
    );
    socket.on('end', () => finish(() => reject(new WireError('NETWORK', `${describe(server)} closed the TCP connection without an answer`))));
  });
}
