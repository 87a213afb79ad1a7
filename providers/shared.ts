// Small pieces the HTTP providers (dyndns2, Cloudflare, Duck DNS) share. Kept free of heavy
// imports: the config.ts files load this at start-up.
import ipaddr from 'ipaddr.js';
import { isLoopbackUrl } from '../src/url.js';
import { DdnsError, transient } from '../src/errors.js';

/** Credentials never go over plain HTTP to a host off loopback unless `insecure: true`.
 * Returns a message naming the key, or null. */
export function plainHttpProblem(key: string, url: unknown, insecure: unknown): string | null {
  if (typeof url !== 'string' || insecure === true) return null;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `${key}: not a URL`;
  }
  if (u.protocol === 'http:' && !isLoopbackUrl(url)) {
    return `${key}: ${u.protocol}//${u.host} is plain HTTP to a host that is not loopback, and the credentials would travel in clear text; use https://, or set insecure: true if you really mean it`;
  }
  if (u.username || u.password) return `${key}: must not contain a user name or password; use the provider's credential keys`;
  return null;
}

/** Do two textual addresses name the same address (IPv6 written differently counts as equal)? */
export function sameAddress(a: string, b: string): boolean {
  if (a === b) return true;
  if (!ipaddr.isValid(a) || !ipaddr.isValid(b)) return false;
  const x = ipaddr.parse(a);
  const y = ipaddr.parse(b);
  return x.kind() === y.kind() && x.toNormalizedString() === y.toNormalizedString();
}

/** Replace every occurrence of each secret in a text that may reach an operator. Secrets
 * shorter than 3 characters are left, as src/log.ts does: masking them would garble every
 * message. Scrub a server's text before cutting it short, or a cut secret's start stays. */
export function scrub(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s || s.length < 3) continue;
    out = out.split(s).join('***');
    const encoded = encodeURIComponent(s);
    if (encoded !== s) out = out.split(encoded).join('***');
  }
  return out;
}

/** The same error with every secret scrubbed from its message: what becomes an outcome is
 * stored in the state file and printed by `status`, which masks only today's secrets. */
export function scrubError(error: DdnsError, secrets: readonly (string | undefined)[]): DdnsError {
  const message = scrub(error.message, secrets);
  if (message === error.message) return error;
  return new DdnsError(error.kind, error.code, message, error.retryAfter ? { retryAfter: error.retryAfter } : {});
}

/**
 * A provider's share of one run: spec.md allows about 30 seconds for a provider that does not
 * answer, retries included. Each request gets at most `perRequestMs`, and never more than what
 * is left of the whole.
 */
export class Budget {
  private readonly start = performance.now();
  private readonly end: number;
  constructor(
    totalMs: number,
    private readonly perRequestMs: number,
  ) {
    this.end = this.start + totalMs;
  }

  /** Milliseconds since this budget began. */
  age(): number {
    return performance.now() - this.start;
  }

  /** The timeout for the next request; throws a transient error when the time is spent. */
  next(what: string): number {
    const left = Math.floor(this.end - performance.now());
    if (left < 100) throw transient('PROVIDER_TIMEOUT', `${what}: the provider used up this run's time; trying again later`);
    return Math.min(left, this.perRequestMs);
  }
}

/** Short, single-line, printable excerpt of an answer body. */
export function excerpt(body: string, max = 80): string {
  const one = body.replace(/\s+/g, ' ').trim();
  return JSON.stringify(one.length > max ? `${one.slice(0, max)}…` : one);
}
