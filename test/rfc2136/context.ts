// A RunContext for driving the provider directly: real clock, a log that records lines.
import type { RunContext } from '../../src/context.js';
import { DdnsError } from '../../src/errors.js';
import type { Provider } from '../../providers/types.js';
import type { Change, Family, RecordSpec } from '../../src/types.js';

export function testContext(): RunContext & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => void lines.push(`${level}: ${message}`);
  return {
    lines,
    now: () => new Date(),
    env: {},
    log: { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') },
    signal: new AbortController().signal,
    http: undefined as never, // rfc2136 makes no HTTP requests
    userAgent: 'ddnsd-test',
  };
}

export function record(name: string, ttl = 300): RecordSpec {
  return { name, provider: 'home', ipv4: true, ipv6: true, ttl };
}

export function change(name: string, family: Family, address: string, previous: string | null = null, why: Change['why'] = previous ? 'changed' : 'new'): Change {
  return { record: record(name), family, address, previous, why };
}

/** check() of one record the state calls in sync: its verdict, or the error it failed with. */
export async function checkOne(p: Provider, name: string, family: Family, address: string, ctx: RunContext): Promise<'in-sync' | 'differs'> {
  const [verdict] = await p.check!([change(name, family, address, address, 'drift')], ctx);
  if (verdict instanceof DdnsError) throw verdict;
  return verdict!;
}
