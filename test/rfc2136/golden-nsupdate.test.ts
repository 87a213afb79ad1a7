// Byte-level golden test: for the same change, our signed UPDATE equals what BIND's nsupdate
// sends (captured with a loopback UDP listener) once the ID and the TSIG time are the same.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeUpdate, type Prerequisite, type Update } from '../../src/dns/update.js';
import { parseMessage } from '../../src/dns/message.js';
import { decodeTsig, sign, type Algorithm } from '../../src/dns/tsig.js';
import { loadKeyFile } from '../../src/dns/keyfile.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'ddnsd-golden-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Run nsupdate with `script` against a listener that records the first datagram. */
async function captureNsupdate(keyFile: string, script: (port: number) => string): Promise<Buffer> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const port = sock.address().port;
  const child = spawn('nsupdate', ['-k', keyFile], { stdio: ['pipe', 'ignore', 'ignore'] });
  try {
    const got = new Promise<Buffer>((resolve, reject) => {
      sock.once('message', (m) => resolve(m));
      child.once('error', reject);
      setTimeout(() => reject(new Error('nsupdate sent nothing within 20 s')), 20_000).unref();
    });
    child.stdin!.end(script(port));
    return await got;
  } finally {
    child.kill('SIGKILL');
    sock.close();
  }
}

const ZONE = 'example.test';
const HOST = `host.${ZONE}`;
const cases: { title: string; alg: Algorithm; nsupdate: string[]; prerequisites: Prerequisite[]; updates: Update[] }[] = [
  {
    title: 'probe: prerequisite-only yxrrset NAME A ADDRESS',
    alg: 'hmac-sha256',
    nsupdate: [`prereq yxrrset ${HOST} IN A 203.0.113.9`],
    prerequisites: [{ kind: 'yxrrset', name: HOST, type: 'A', addresses: ['203.0.113.9'] }],
    updates: [],
  },
  {
    title: 'guarded replace: yxrrset previous, delete RRset, add',
    alg: 'hmac-sha256',
    nsupdate: [`prereq yxrrset ${HOST} IN A 198.51.100.7`, `update delete ${HOST} A`, `update add ${HOST} 300 A 203.0.113.9`],
    prerequisites: [{ kind: 'yxrrset', name: HOST, type: 'A', addresses: ['198.51.100.7'] }],
    updates: [
      { kind: 'delete-rrset', name: HOST, type: 'A' },
      { kind: 'add', name: HOST, type: 'A', ttl: 300, address: '203.0.113.9' },
    ],
  },
  {
    title: 'AAAA replace with hmac-md5 (long algorithm name)',
    alg: 'hmac-md5',
    nsupdate: [`update delete ${HOST} AAAA`, `update add ${HOST} 600 AAAA 2001:db8::9`],
    prerequisites: [],
    updates: [
      { kind: 'delete-rrset', name: HOST, type: 'AAAA' },
      { kind: 'add', name: HOST, type: 'AAAA', ttl: 600, address: '2001:db8::9' },
    ],
  },
  {
    title: 'the other prerequisites and deletes (nxrrset, yxdomain, nxdomain, delete one RR, delete name) with hmac-sha512',
    alg: 'hmac-sha512',
    nsupdate: [
      `prereq nxrrset ${HOST} IN AAAA`,
      `prereq yxrrset ${HOST} IN A`,
      `prereq yxdomain ${HOST}`,
      `prereq nxdomain new.${ZONE}`,
      `update delete ${HOST} A 198.51.100.7`,
      `update delete old.${ZONE}`,
    ],
    prerequisites: [
      { kind: 'nxrrset', name: HOST, type: 'AAAA' },
      { kind: 'yxrrset', name: HOST, type: 'A' },
      { kind: 'yxdomain', name: HOST },
      { kind: 'nxdomain', name: `new.${ZONE}` },
    ],
    updates: [
      { kind: 'delete-rr', name: HOST, type: 'A', address: '198.51.100.7' },
      { kind: 'delete-name', name: `old.${ZONE}` },
    ],
  },
];

for (const c of cases) {
  test(`${c.title} → our signed UPDATE → equals nsupdate's bytes (ID and TSIG time taken from nsupdate's)`, async () => {
    const keyFile = join(dir, `${c.alg}.key`);
    writeFileSync(keyFile, execFileSync('tsig-keygen', ['-a', c.alg, 'ddns-key'], { encoding: 'utf8' }));
    const theirs = await captureNsupdate(keyFile, (port) => [`server 127.0.0.1 ${port}`, `zone ${ZONE}`, ...c.nsupdate, 'send', ''].join('\n'));
    const m = parseMessage(Buffer.concat([theirs.subarray(0, 2), Buffer.from([theirs[2]! | 0x80]), theirs.subarray(3)]));
    const tsig = decodeTsig(theirs, m.additionals.at(-1)!.rdataOffset, m.additionals.at(-1)!.rdata.length);
    const id = theirs.readUInt16BE(0);
    const ours = sign(encodeUpdate({ id, zone: ZONE, prerequisites: c.prerequisites, updates: c.updates }), loadKeyFile(keyFile), tsig.timeSigned).wire;
    assert.equal(ours.toString('hex'), theirs.toString('hex'));
  });
}
