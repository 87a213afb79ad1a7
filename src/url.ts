// URL helpers that need no HTTP client: cheap to load at start-up (the config loader uses them).
import type { HttpResponse } from './http.js';

/** A URL fit to print: no userinfo, and the values of query parameters replaced by `***`
 * (Duck DNS, for one, carries its token in the query string). */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    u.username = '';
    u.password = '';
    for (const key of [...u.searchParams.keys()]) u.searchParams.set(key, '***');
    return u.toString().replaceAll('%2A%2A%2A', '***');
  } catch {
    return '<invalid URL>';
  }
}

/** scheme://host:port of a URL: enough to say where, never a credential or a query. */
export function origin(raw: string): string {
  try {
    return new URL(raw).origin;
  } catch {
    return '<invalid URL>';
  }
}

/** Retry-After as a Date: seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfter(headers: HttpResponse['headers'], now: Date): Date | undefined {
  const raw = headers['retry-after'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return new Date(now.getTime() + Number(value.trim()) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : new Date(at);
}

/** Is this URL's host on loopback (where plain HTTP may carry credentials)? */
export function isLoopbackUrl(raw: string): boolean {
  try {
    const host = new URL(raw).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}
