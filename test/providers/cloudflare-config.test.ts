import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { cloudflare } from '../../providers/cloudflare/config.js';
import { rec } from './changes.js';

const schema = v.strictObject(cloudflare.entries);

describe('cloudflare: config checks', () => {
  it('minimal settings → parse → default api, nothing else invented', () => {
    const out = v.parse(schema, { token: 't' });
    assert.deepEqual(out, { token: 't', api: 'https://api.cloudflare.com/client/v4', insecure: false });
  });

  it('ttl auto / 120 / 5 → parse → 1 / 120 / refused', () => {
    assert.equal(v.parse(schema, { token: 't', ttl: 'auto' }).ttl, 1);
    assert.equal(v.parse(schema, { token: 't', ttl: 120 }).ttl, 120);
    assert.equal(v.safeParse(schema, { token: 't', ttl: 5 }).success, false);
  });

  it('api over plain HTTP → validate → refused off loopback unless insecure', () => {
    const check = cloudflare.validate!;
    assert.match(check({ token: 't', api: 'http://cf.example.net/client/v4' }) ?? '', /^api: .*insecure: true/);
    assert.equal(check({ token: 't', api: 'http://cf.example.net/client/v4', insecure: true }), null);
    assert.equal(check({ token: 't', api: 'http://[::1]:8080/client/v4' }), null);
    assert.equal(check({ token: 't', api: 'https://api.cloudflare.com/client/v4' }), null);
  });

  it('record ttl 10 and no provider ttl → validateRecord → refused; provider ttl set → fine', () => {
    const check = cloudflare.validateRecord!;
    assert.match(check({ token: 't' }, rec('a.example.com', 'cf', { ttl: 10 })) ?? '', /ttl 10 is not a Cloudflare TTL/);
    assert.equal(check({ token: 't', ttl: 1 }, rec('a.example.com', 'cf', { ttl: 10 })), null);
    assert.equal(check({ token: 't' }, rec('a.example.com', 'cf')), null);
  });

  it('the token → secrets → listed, so check redacts it', () => {
    assert.deepEqual(cloudflare.secrets, ['token']);
  });
});
