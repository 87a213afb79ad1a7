// Property tests over what the upnp and dns detectors read from the network: random and
// mutated XML, SSDP datagrams and DNS answers give a result or a reason — no throw, no hang —
// and whatever is accepted is one address of the family (or an http:// control URL).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import dnsPacket from 'dns-packet';
import { externalAddress, wanServices } from '../../src/detect/upnp/igd.js';
import { parseSsdpReply } from '../../src/detect/upnp/ssdp.js';
import { readDatagram, type Query } from '../../src/detect/dns.js';
import { familyOf } from '../../src/detect/address.js';
import { description, externalIp, IP1, PPP1 } from '../detect/upnp/fake-igd.js';

const RUNS = Number(process.env['DDNSD_FUZZ_RUNS'] ?? 300);

/** A byte string with some bytes replaced, some cut out, some inserted. */
const mutated = (base: Buffer) =>
  fc
    .array(fc.tuple(fc.nat(base.length), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 255 })), { maxLength: 8 })
    .map((edits) => {
      let b = Buffer.from(base);
      for (const [at, kind, byte] of edits) {
        const i = Math.min(at, b.length);
        if (kind === 0 && i < b.length) b[i] = byte;
        else if (kind === 1) b = Buffer.concat([b.subarray(0, i), b.subarray(i + 1)]);
        else b = Buffer.concat([b.subarray(0, i), Buffer.from([byte]), b.subarray(i)]);
      }
      return b;
    });

const DESC = Buffer.from(description([[IP1, '/ctl/IPConn'], [PPP1, 'ppp']], 'http://192.168.1.1:5000/'));
const SOAP = Buffer.from(externalIp(IP1, '11.22.33.44').body);

test('mutated and random device descriptions → WAN services → a list of http:// URLs or a reason, never a throw', () => {
  fc.assert(
    fc.property(fc.oneof(mutated(DESC).map((b) => b.toString('latin1')), fc.string({ maxLength: 300 })), (xml) => {
      const got = wanServices(xml, 'http://192.168.1.1:5000/rootDesc.xml');
      if (got.ok) for (const s of got.value) assert.equal(new URL(s.controlUrl).protocol, 'http:');
      else assert.equal(typeof got.reason, 'string');
    }),
    { numRuns: RUNS },
  );
});

test('mutated SOAP answers → external address → a string or a reason, never a throw', () => {
  fc.assert(
    fc.property(mutated(SOAP), (raw) => {
      const got = externalAddress(raw.toString('latin1'));
      assert.equal(typeof (got.ok ? got.value : got.reason), 'string');
    }),
    { numRuns: RUNS },
  );
});

test('random datagrams → SSDP reply parser → null or a LOCATION and ST, never a throw', () => {
  const reply = Buffer.from('HTTP/1.1 200 OK\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nLOCATION: http://192.168.1.1:5000/d.xml\r\n\r\n');
  fc.assert(
    fc.property(fc.oneof(mutated(reply), fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a))), (raw) => {
      const got = parseSsdpReply(raw);
      if (got) assert.ok(got.location.length > 0 && got.st.length > 0);
    }),
    { numRuns: RUNS },
  );
});

test('mutated DNS answers → read → ignored, a reason, or exactly one IPv4 address', () => {
  const id = 0x1234;
  const question = { name: 'myip.example.test', type: 'A' as const, class: 'IN' as const };
  const q: Query = { server: '127.0.0.1', name: 'myip.example.test', qtype: 'A', qclass: 'IN' };
  const answer = dnsPacket.encode({
    type: 'response',
    id,
    flags: dnsPacket.AUTHORITATIVE_ANSWER,
    questions: [question],
    answers: [{ type: 'A', class: 'IN', name: 'myip.example.test', ttl: 60, data: '11.22.33.44' }],
  });
  assert.deepEqual(readDatagram(answer, id, question, q, 'ipv4'), { ok: true, address: '11.22.33.44' });
  fc.assert(
    fc.property(mutated(answer), (raw) => {
      const got = readDatagram(raw, id, question, q, 'ipv4');
      if (got?.ok) assert.equal(familyOf(got.address), 'ipv4');
      else if (got) assert.equal(typeof got.reason, 'string');
    }),
    { numRuns: RUNS },
  );
});
