// The one schema of the configuration file, built from the provider and detector registries.
// Every key is listed here or in a provider's / detector's entries; anything else is an error.
import * as v from 'valibot';
import { detectorTypes } from '../detect/index.js';
import { providerTypes } from '../../providers/index.js';
import { duration } from './values.js';
import type { CommonDetectorSettings } from '../detect/types.js';

/** One detector's settings after validation: the common keys plus its type's own. */
export interface DetectorSpec extends CommonDetectorSettings {
  [key: string]: unknown;
}

/** One provider's settings after validation and `_file`/`${VAR}` resolution. */
export interface ProviderSpec {
  type: string;
  [key: string]: unknown;
}

export const DEFAULT_SCHEDULE = '*/5 * * * *';
/** A shorter max_age re-sends an unchanged address nearly every run: dyndns2 accounts get
 * blocked for repeated `nochg`. */
export const MIN_MAX_AGE_MS = 3_600_000;

const detectorSpec = v.variant(
  'type',
  Object.entries(detectorTypes).map(([type, d]) =>
    v.strictObject({
      type: v.literal(type),
      /** Total time this source may take (default 5s). */
      timeout: v.optional(duration, '5s'),
      /** public: refuse private, CGNAT, loopback, link-local, ULA and documentation addresses. */
      accept: v.optional(v.picklist(['public', 'any']), 'public'),
      ...d.entries,
    }),
  ) as unknown as v.VariantOptions<'type'>,
) as unknown as v.GenericSchema<unknown, DetectorSpec>;

const providerSpec = v.variant(
  'type',
  Object.entries(providerTypes).map(([type, p]) => v.strictObject({ type: v.literal(type), ...p.entries })) as unknown as v.VariantOptions<'type'>,
) as unknown as v.GenericSchema<unknown, ProviderSpec>;

/** Lower-case FQDN without the trailing dot; labels of letters, digits, `-` and `_`. */
export const hostName = v.pipe(
  v.string(),
  v.transform((s) => s.trim().toLowerCase().replace(/\.$/, '')),
  v.check(
    (s) =>
      s.length > 0 &&
      s.length <= 253 &&
      s.split('.').every((l) => l.length > 0 && l.length <= 63 && /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?$/.test(l)),
    'expected a host name such as home.example.com (labels of 1–63 letters, digits, - or _; ASCII or punycode)',
  ),
);

const recordSpec = v.strictObject({
  name: hostName,
  provider: v.string(),
  ipv4: v.optional(v.boolean(), true),
  ipv6: v.optional(v.boolean(), false),
  ttl: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(2_147_483_647)), 300),
});

export const configSchema = v.strictObject({
  /** Daemon only: cron syntax for when to run a cycle. */
  schedule: v.optional(v.pipe(v.string(), v.minLength(1)), DEFAULT_SCHEDULE),
  /** The state file (default per spec.md). */
  state: v.optional(v.pipe(v.string(), v.minLength(1))),
  /** Re-send an unchanged address after this long; below 1h is warned about (MIN_MAX_AGE_MS). */
  max_age: v.optional(duration, '25d'),
  log: v.optional(
    v.strictObject({
      level: v.optional(v.picklist(['error', 'warn', 'info', 'debug']), 'info'),
      format: v.optional(v.picklist(['text', 'json']), 'text'),
    }),
    {},
  ),
  detect: v.optional(
    v.strictObject({
      ipv4: v.optional(v.array(detectorSpec), []),
      ipv6: v.optional(v.array(detectorSpec), []),
      /** How many sources must give the same address. */
      agree: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 1),
    }),
    {},
  ),
  providers: v.record(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]+$/, 'provider names use letters, digits, _ . -')), providerSpec),
  records: v.pipe(v.array(recordSpec), v.minLength(1, 'list at least one record')),
});

export type RawConfig = v.InferOutput<typeof configSchema>;

/** Issues as `path: message` lines, in words an operator can act on; `note` may add what
 * else is known about the value at a dot path (e.g. the empty variable it came from). */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[], note: (path: string) => string | undefined = () => undefined): string[] {
  return issues.map((issue) => {
    const path = v.getDotPath(issue) ?? '(top level)';
    let msg = issue.message;
    if (/^Invalid key: Expected never/.test(msg)) msg = 'unknown key (check its spelling; see config.example.yml)';
    else if (issue.kind === 'schema' && issue.type === 'variant' && path.endsWith('type')) {
      msg = `unknown type ${issue.received}; expected one of ${issue.expected}`;
    } else if (/^Invalid (type|key): Expected .* but received undefined/.test(msg)) msg = 'missing (required)';
    else if (/^Invalid type:/.test(msg)) {
      // A word outside a fixed list (log.level: verbose) is never a secret: show it.
      const choice = issue.type === 'picklist' && typeof issue.input === 'string';
      msg = choice ? `expected one of ${issue.expected}, got ${issue.received}` : typeProblem(issue.expected, issue.input);
    }
    const extra = note(path);
    return `${path}: ${msg}${extra ? ` (${extra})` : ''}`;
  });
}

/** A type error without the value, which may be a secret: `password: 123456789` unquoted. */
function typeProblem(expected: string | null, input: unknown): string {
  const words: Record<string, string> = { string: 'a string', number: 'a number', boolean: 'true or false', Object: 'a mapping', Array: 'a list' };
  const hint = expected === 'string' && (typeof input === 'number' || typeof input === 'boolean') ? ' — quote it' : '';
  return `expected ${words[expected ?? ''] ?? expected}, got ${typeName(input)}${hint}`;
}

function typeName(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'boolean') return 'true/false';
  return `a ${typeof value}`;
}
