// SSDP replies: only a 200 for one of our search targets, whose LOCATION is an http:// URL on
// the host that replied, is used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkReply, mSearch, parseSsdpReply, SEARCH_TARGETS } from '../../../src/detect/upnp/ssdp.js';

const reply = (head: string, headers: string[]) => Buffer.from([head, ...headers, '', ''].join('\r\n'));

test('an M-SEARCH → encoded → the UDA request for the target, MX 1', () => {
  assert.equal(
    mSearch(SEARCH_TARGETS[0]).toString(),
    'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nMAN: "ssdp:discover"\r\nMX: 1\r\n\r\n',
  );
  assert.deepEqual([...SEARCH_TARGETS].filter((t) => t.includes('InternetGatewayDevice')).length, 2);
});

test('a 200 reply with mixed-case headers → parsed → LOCATION and ST', () => {
  const got = parseSsdpReply(
    reply('HTTP/1.1 200 OK', ['CACHE-CONTROL: max-age=120', 'st: urn:schemas-upnp-org:device:InternetGatewayDevice:1', 'Location:  http://192.168.1.1:5000/rootDesc.xml']),
  );
  assert.deepEqual(got, { location: 'http://192.168.1.1:5000/rootDesc.xml', st: 'urn:schemas-upnp-org:device:InternetGatewayDevice:1' });
});

test('a NOTIFY, an error status or a reply without LOCATION → parsed → null', () => {
  assert.equal(parseSsdpReply(reply('NOTIFY * HTTP/1.1', ['LOCATION: http://a/', 'NT: upnp:rootdevice'])), null);
  assert.equal(parseSsdpReply(reply('HTTP/1.1 404 Not Found', ['LOCATION: http://a/', 'ST: x'])), null);
  assert.equal(parseSsdpReply(reply('HTTP/1.1 200 OK', ['ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1'])), null);
});

test('replies → checked against the sender → LOCATION must be http:// on the sender, ST one of ours', () => {
  const st = SEARCH_TARGETS[1];
  assert.equal(checkReply({ st, location: 'http://192.168.1.1:5000/d.xml' }, '192.168.1.1'), null);
  assert.match(checkReply({ st, location: 'http://10.9.9.9/d.xml' }, '192.168.1.1')!, /points LOCATION at another host \(10\.9\.9\.9\)/);
  assert.match(checkReply({ st, location: 'https://192.168.1.1/d.xml' }, '192.168.1.1')!, /non-http LOCATION/);
  assert.match(checkReply({ st, location: 'not a url' }, '192.168.1.1')!, /invalid LOCATION/);
  assert.match(checkReply({ st: 'upnp:rootdevice', location: 'http://192.168.1.1/d.xml' }, '192.168.1.1')!, /is for upnp:rootdevice/);
});
