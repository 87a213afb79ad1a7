// Loopback peers for the benchmarks: an echo service (/fixed: always the same address;
// /rotate: a new address on every request, so every run has one update to make) and a dyndns2
// server that answers `good` for any host. Prints "ECHO_PORT DYNDNS_PORT" and runs until killed.
import { createServer } from 'node:http';

let n = 0;
const echo = createServer((req, res) => {
  n += 1;
  const body = req.url.startsWith('/rotate') ? `93.184.${(n >> 8) & 255}.${n & 255}` : '93.184.216.34';
  res.end(`${body}\n`);
});
const dyndns = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const hosts = (url.searchParams.get('hostname') ?? '').split(',');
  res.end(hosts.map(() => `good ${url.searchParams.get('myip')}`).join('\n'));
});
await new Promise((r) => echo.listen(0, '127.0.0.1', r));
await new Promise((r) => dyndns.listen(0, '127.0.0.1', r));
console.log(`${echo.address().port} ${dyndns.address().port}`);
