// The §1.9 worked example of protocols.md (verified by dnspython) as golden bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeUpdate, type UpdateMessage } from '../../src/dns/update.js';
import { sign } from '../../src/dns/tsig.js';
import { parseMessage } from '../../src/dns/message.js';
import { verify } from '../../src/dns/tsig.js';

const hex = (s: string) => s.replace(/\s+/g, '');
const EXAMPLE: UpdateMessage = {
  id: 0x1234,
  zone: 'example.com',
  prerequisites: [{ kind: 'yxrrset', name: 'host.example.com', type: 'A', addresses: ['198.51.100.7'] }],
  updates: [
    { kind: 'delete-rrset', name: 'host.example.com', type: 'A' },
    { kind: 'add', name: 'host.example.com', type: 'A', ttl: 300, address: '203.0.113.9' },
  ],
};
const WIRE = hex(`1234 2800 0001 0001 0002 0000
  076578616d706c6503636f6d00 0006 0001
  04686f7374076578616d706c6503636f6d00 0001 0001 00000000 0004 c6336407
  04686f7374076578616d706c6503636f6d00 0001 00ff 00000000 0000
  04686f7374076578616d706c6503636f6d00 0001 0001 0000012c 0004 cb007109`);
const KEY = { name: 'ddns-key.example.com', algorithm: 'hmac-sha256' as const, secret: Buffer.from('NoTCJU+DMqFWywaPyxSijrDEA/eC3nK0xi3AMEZuPVk=', 'base64') };

test('§1.9 replace with value-dependent guard, uncompressed → encodeUpdate → the worked example bytes', () => {
  assert.equal(encodeUpdate(EXAMPLE, { compress: false }).toString('hex'), WIRE);
});

test('§1.9 example signed at 1700000000 → sign → the published MAC', () => {
  const { mac, wire } = sign(encodeUpdate(EXAMPLE, { compress: false }), KEY, 1700000000);
  assert.equal(mac.toString('hex'), 'e3c60700dcec20f2dd69942cad1242c0db2643d2e067eb1e2dab845972fbbe45');
  assert.equal(wire.readUInt16BE(10), 1); // ADCOUNT now counts the TSIG
});

test('§1.9 NOERROR reply with zeroed counts at 1700000001 → sign with the request MAC → published MAC, and verify accepts it', () => {
  const requestMac = sign(encodeUpdate(EXAMPLE, { compress: false }), KEY, 1700000000).mac;
  const { mac, wire } = sign(Buffer.from('1234a8000000000000000000', 'hex'), KEY, 1700000001, { requestMac });
  assert.equal(mac.toString('hex'), '22e915b95ba37822c49fa3b4743b663e0a0981df91370f631b52c8e41833ee37');
  verify(wire, parseMessage(wire), KEY, requestMac, 1700000001);
});

test('same change, compressed → encodeUpdate → owner names point at the zone and the first owner (as BIND does)', () => {
  const wire = encodeUpdate(EXAMPLE).toString('hex');
  assert.equal(
    wire,
    hex(`1234 2800 0001 0001 0002 0000 076578616d706c6503636f6d00 0006 0001
      04686f7374c00c 0001 0001 00000000 0004 c6336407
      c01d 0001 00ff 00000000 0000
      c01d 0001 0001 0000012c 0004 cb007109`),
  );
});

test('every prerequisite and update kind → encodeUpdate → RFC 2136 class/type/TTL/RDATA encodings', () => {
  const wire = encodeUpdate(
    {
      id: 1,
      zone: 'z.test',
      prerequisites: [
        { kind: 'yxrrset', name: 'a.z.test', type: 'AAAA' },
        { kind: 'nxrrset', name: 'a.z.test', type: 'A' },
        { kind: 'yxdomain', name: 'a.z.test' },
        { kind: 'nxdomain', name: 'b.z.test' },
      ],
      updates: [
        { kind: 'delete-rr', name: 'a.z.test', type: 'AAAA', address: '2001:db8::1' },
        { kind: 'delete-name', name: 'b.z.test' },
      ],
    },
    { compress: false },
  );
  const m = parseMessage(Buffer.concat([Buffer.from([0, 1, 0x80 | 0x28, 0]), wire.subarray(4)]));
  const got = [...m.answers, ...m.authorities].map((r) => [r.name, r.type, r.class, r.ttl, r.rdata.toString('hex')]);
  assert.deepEqual(got, [
    ['a.z.test', 28, 255, 0, ''],
    ['a.z.test', 1, 254, 0, ''],
    ['a.z.test', 255, 255, 0, ''],
    ['b.z.test', 255, 254, 0, ''],
    ['a.z.test', 28, 254, 0, '20010db8000000000000000000000001'],
    ['b.z.test', 255, 255, 0, ''],
  ]);
});

test('a name outside the zone → encodeUpdate → refused before sending', () => {
  assert.throws(() => encodeUpdate({ ...EXAMPLE, zone: 'example.org' }), /not inside the zone example\.org/);
});

test('an IPv6 address in an A record → encodeUpdate → refused', () => {
  assert.throws(
    () => encodeUpdate({ ...EXAMPLE, updates: [{ kind: 'add', name: 'host.example.com', type: 'A', ttl: 300, address: '2001:db8::1' }] }),
    /not an IPv4 address/,
  );
});
