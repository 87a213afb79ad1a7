// Value schemas shared by the config schema and by provider/detector settings.
import * as v from 'valibot';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30s`, `5m`, `1h`, `25d`, `250ms` → milliseconds; null when the text is not one. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(text.trim());
  return m ? Math.round(Number(m[1]) * UNITS[m[2]!]!) : null;
}

/** A duration key → milliseconds. A number needs its unit: `max_age: 25` was meant as days as
 * often as seconds, so it is refused rather than guessed. */
export const duration = v.pipe(
  v.union([v.string(), v.number()], 'expected a duration such as 30s, 5m, 1h or 25d'),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const text = String(dataset.value).trim();
    const ms = typeof dataset.value === 'string' ? parseDuration(text) : null;
    if (ms !== null) return ms;
    addIssue({
      message: /^\d+(\.\d+)?$/.test(text)
        ? `expected a duration with a unit, such as 25d (not a bare ${text})`
        : `expected a duration such as 30s, 5m, 1h or 25d, got ${JSON.stringify(dataset.value)}`,
    });
    return NEVER;
  }),
);

export const httpUrl = v.pipe(
  v.string(),
  v.check((s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'expected an http:// or https:// URL'),
);

export const nonEmpty = v.pipe(v.string(), v.minLength(1, 'must not be empty'));

/** `host`, `host:port`, `[v6]:port` or a bare IPv6 address. */
export function parseHostPort(text: string, defaultPort: number): { host: string; port: number } | null {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracket) return withPort(bracket[1]!, bracket[2], defaultPort);
  if ((text.match(/:/g) ?? []).length > 1) return { host: text, port: defaultPort }; // bare IPv6
  const [host, port] = text.split(':');
  return host ? withPort(host, port, defaultPort) : null;
}

function withPort(host: string, port: string | undefined, dflt: number) {
  if (port === undefined) return { host, port: dflt };
  const n = Number(port);
  return /^\d+$/.test(port) && n > 0 && n < 65536 ? { host, port: n } : null;
}

export const hostPort = (defaultPort: number) =>
  v.pipe(
    v.string(),
    v.check((s) => parseHostPort(s, defaultPort) !== null, 'expected host, host:port or [v6]:port'),
  );

/** Milliseconds back to the largest whole unit: 25d, 5m, 30s, 250ms. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
