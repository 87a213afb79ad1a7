// Find, read and validate the configuration. Order of work:
//   1. locate the file (--config, $DDNSD_CONFIG, cosmiconfig places in the working directory,
//      /etc/ddnsd/config.yml);
//   2. resolve `${VAR}` in every string and `k_file` keys into `k` (the file's contents);
//   3. validate against the one schema (unknown keys are errors);
//   4. cross-checks: records name known providers, plain-HTTP credentials, provider checks.
// Every error names the file and the key path; nothing is sent before this succeeds.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { cosmiconfig } from 'cosmiconfig';
import * as v from 'valibot';
import { providerTypes } from '../../providers/index.js';
import { detectorTypes } from '../detect/index.js';
import { configError } from '../errors.js';
import { isLoopbackUrl } from '../url.js';
import type { Family, RecordSpec } from '../types.js';
import { configSchema, describeIssues, MIN_MAX_AGE_MS, type DetectorSpec, type ProviderSpec } from './schema.js';
import { formatDuration } from './values.js';

export type ProviderConfig = ProviderSpec;

export interface Config {
  file: string;
  schedule: string;
  state: string;
  maxAgeMs: number;
  log: { level: 'error' | 'warn' | 'info' | 'debug'; format: 'text' | 'json' };
  detect: { ipv4: DetectorSpec[]; ipv6: DetectorSpec[]; agree: number };
  providers: Record<string, ProviderConfig>;
  records: RecordSpec[];
  /** Every secret value in the config: masked in all output. */
  secrets: string[];
  /** Files readable by other users that hold secrets (warned about once loaded). */
  warnings: string[];
}

export const SEARCH_PLACES = [
  'package.json',
  '.ddnsdrc',
  '.ddnsdrc.json',
  '.ddnsdrc.yaml',
  '.ddnsdrc.yml',
  '.ddnsdrc.js',
  '.ddnsdrc.mjs',
  '.ddnsdrc.cjs',
  '.config/ddnsdrc',
  '.config/ddnsdrc.json',
  '.config/ddnsdrc.yaml',
  '.config/ddnsdrc.yml',
  'ddnsd.config.yml',
  'ddnsd.config.yaml',
  'ddnsd.config.json',
  'ddnsd.config.js',
  'ddnsd.config.mjs',
  'ddnsd.config.cjs',
];
export const SYSTEM_CONFIG = '/etc/ddnsd/config.yml';

export interface LoadOptions {
  config?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Running as root (for the default state path). */
  isRoot: boolean;
}

/** Load and validate; throws DdnsError(kind 'config') naming the file and key at fault. */
export async function loadConfig(opts: LoadOptions): Promise<Config> {
  const { file, raw } = await readConfigFile(opts);
  const where = (path: string) => `${file}: ${path}`;
  const dir = dirname(file);
  const secrets = new Set<string>();
  const warnings: string[] = [];
  const emptyVars = new Map<string, string[]>();
  const resolved = resolveValues(raw, '', { dir, env: opts.env, secrets, warnings, file, emptyVars });

  const parsed = v.safeParse(configSchema, resolved);
  if (!parsed.success) {
    const note = (path: string) => {
      const names = emptyVars.get(path);
      return names && `environment variable ${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} set but empty`;
    };
    throw configError('CONFIG_INVALID', describeIssues(parsed.issues, note).map((l) => `${file}: ${l}`).join('\n'));
  }
  const c = parsed.output;

  const rawProviders = ((raw as { providers?: unknown }).providers ?? {}) as Record<string, unknown>;
  let inlineSecret = false;
  for (const [name, p] of Object.entries(c.providers)) {
    const type = providerTypes[p.type]!;
    for (const key of type.paths ?? []) {
      if (typeof p[key] === 'string') p[key] = absolute(dir, p[key] as string);
    }
    for (const path of type.secrets) {
      const value = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], p);
      if (typeof value === 'string' && value !== '') secrets.add(value);
      const written = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], rawProviders[name]);
      if (typeof written === 'string' && !written.includes('${')) inlineSecret = true;
    }
    if (p['insecure'] !== true) {
      for (const [key, value] of Object.entries(p)) {
        if (typeof value === 'string' && /^http:\/\//i.test(value) && !isLoopbackUrl(value)) {
          throw configError(
            'PLAIN_HTTP',
            `${where(`providers.${name}.${key}`)}: credentials would travel over plain HTTP to a non-loopback host; use https:// or set providers.${name}.insecure: true`,
          );
        }
      }
    }
    const problem = type.validate?.(p);
    if (problem) throw configError('PROVIDER_INVALID', where(`providers.${name}: ${problem}`));
  }
  if (inlineSecret && (statSync(file).mode & 0o044) !== 0) {
    warnings.push(`${file} holds a secret and is readable by other users; chmod 600 it, or move the secret to a k_file`);
  }
  for (const family of ['ipv4', 'ipv6'] as const) {
    c.detect[family].forEach((d, i) => {
      const type = detectorTypes[d.type]!;
      for (const key of type.paths ?? []) {
        const rec = d as Record<string, unknown>;
        if (typeof rec[key] === 'string') rec[key] = absolute(dir, rec[key] as string);
      }
      const problem = type.validate?.(d);
      if (problem) throw configError('DETECTOR_INVALID', where(`detect.${family}[${i}]: ${problem}`));
    });
  }

  const seen = new Set<string>();
  // State is kept per name and family, so one name and family can have only one provider.
  const owner = new Map<string, string>();
  c.records.forEach((r, i) => {
    const p = c.providers[r.provider];
    if (!p) {
      const known = Object.keys(c.providers).join(', ') || 'none';
      throw configError('UNKNOWN_PROVIDER', where(`records[${i}].provider: no provider named "${r.provider}" (providers: ${known})`));
    }
    if (!r.ipv4 && !r.ipv6) throw configError('NO_FAMILY', where(`records[${i}]: ipv4 and ipv6 are both false; nothing to update`));
    const key = `${r.name} ${r.provider}`;
    if (seen.has(key)) throw configError('DUPLICATE_RECORD', where(`records[${i}]: ${r.name} is listed twice for provider ${r.provider}`));
    seen.add(key);
    for (const family of (['ipv4', 'ipv6'] as const).filter((f) => r[f])) {
      const other = owner.get(`${r.name} ${family}`);
      if (other !== undefined) {
        throw configError(
          'DUPLICATE_RECORD',
          where(`records[${i}]: ${r.name} ${family} is listed for two providers, ${other} and ${r.provider}; give each family of a name one provider (${family}: false on one of them)`),
        );
      }
      owner.set(`${r.name} ${family}`, r.provider);
    }
    const problem = providerTypes[p.type]!.validateRecord?.(p, r);
    if (problem) throw configError('RECORD_INVALID', where(`records[${i}] (${r.name}): ${problem}`));
  });

  if (c.max_age < MIN_MAX_AGE_MS) {
    warnings.push(
      `${file}: max_age ${formatDuration(c.max_age)} is short: below 1h an unchanged address is re-sent nearly every run, and dyndns2 providers block accounts for repeated nochg (default 25d)`,
    );
  }
  return {
    file,
    schedule: c.schedule,
    state: c.state ? absolute(dir, c.state) : defaultStatePath(opts.env, opts.isRoot),
    maxAgeMs: c.max_age,
    log: { level: c.log.level ?? 'info', format: c.log.format ?? 'text' },
    detect: c.detect as Config['detect'],
    providers: c.providers as Record<string, ProviderConfig>,
    records: c.records,
    secrets: [...secrets],
    warnings,
  };
}

/** The records named by --record (all when none); an unknown name is a config error. */
export function selectRecords(cfg: Config, names: readonly string[]): RecordSpec[] {
  if (names.length === 0) return cfg.records;
  const wanted = names.map((n) => n.trim().toLowerCase().replace(/\.$/, ''));
  const missing = wanted.filter((n) => !cfg.records.some((r) => r.name === n));
  if (missing.length > 0) {
    const known = cfg.records.map((r) => r.name).join(', ');
    throw configError('RECORD_UNKNOWN', `--record ${missing.join(', ')}: no such record in ${cfg.file} (records: ${known})`);
  }
  return cfg.records.filter((r) => wanted.includes(r.name));
}

/** Which families some selected record needs. */
export function familiesNeeded(records: readonly RecordSpec[]): Family[] {
  const out: Family[] = [];
  if (records.some((r) => r.ipv4)) out.push('ipv4');
  if (records.some((r) => r.ipv6)) out.push('ipv6');
  return out;
}

export function defaultStatePath(env: NodeJS.ProcessEnv, isRoot: boolean): string {
  if (env['STATE_DIRECTORY']) return join(env['STATE_DIRECTORY'].split(':')[0]!, 'state.json');
  if (isRoot) return '/var/lib/ddnsd/state.json';
  // Relative or empty values are ignored (the XDG rule): the state must not follow the cwd.
  const abs = (p: string | undefined) => (p && isAbsolute(p) ? p : undefined);
  const home = abs(env['HOME']) ?? abs(homedir()) ?? abs(passwdHome());
  const base = abs(env['XDG_STATE_HOME']) ?? (home && join(home, '.local', 'state'));
  if (!base) throw configError('STATE_PATH', 'no home directory to keep the state in (HOME is empty or relative); set state: or --state');
  return join(base, 'ddnsd', 'state.json');
}

/** The home directory in the user database (HOME aside); undefined for a uid without an entry. */
function passwdHome(): string | undefined {
  try {
    return userInfo().homedir;
  } catch {
    return undefined;
  }
}

function absolute(dir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(dir, path);
}

async function readConfigFile(opts: LoadOptions): Promise<{ file: string; raw: unknown }> {
  const explorer = cosmiconfig('ddnsd', { searchPlaces: SEARCH_PLACES, searchStrategy: 'none', cache: false });
  let explicit = opts.config ?? opts.env['DDNSD_CONFIG'];
  let result;
  try {
    if (!explicit) {
      result = await explorer.search(opts.cwd);
      if (!result && existsSync(SYSTEM_CONFIG)) explicit = SYSTEM_CONFIG;
    }
    if (explicit) {
      explicit = resolve(opts.cwd, explicit);
      result = await explorer.load(explicit);
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { filepath?: string };
    const file = e.filepath ?? e.path ?? explicit ?? 'config';
    if (e.syscall) throw configError(e.code === 'ENOENT' ? 'CONFIG_MISSING' : 'CONFIG_UNREADABLE', `config file ${file}: ${fileProblem(e.code)}`);
    throw configError('CONFIG_SYNTAX', `config file ${file}: ${syntaxProblem(e, file)}`);
  }
  if (!result) {
    throw configError(
      'CONFIG_NOT_FOUND',
      `no config file found: give --config FILE, set DDNSD_CONFIG, put ddnsd.config.yml in ${opts.cwd}, or create ${SYSTEM_CONFIG} (start from config.example.yml)`,
    );
  }
  if (result.isEmpty || result.config === null || typeof result.config !== 'object') {
    throw configError('CONFIG_EMPTY', `config file ${result.filepath}: empty or not a mapping of keys`);
  }
  return { file: result.filepath, raw: result.config };
}

/** A file error's code in an operator's words. */
function fileProblem(code: string | undefined): string {
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return `cannot be read (${code})`;
}

/** Why the file does not parse, as `reason (line:col)`: one line, and never the file's text,
 * which cosmiconfig quotes and which may hold a secret. */
function syntaxProblem(e: Error & { reason?: string; mark?: { line: number; column: number } }, file: string): string {
  if (e.name === 'YAMLException' && e.reason) return e.mark ? `${e.reason} (${e.mark.line + 1}:${e.mark.column + 1})` : e.reason;
  if (e.name === 'JSONError') return jsonProblem(readFileSync(file, 'utf8'));
  return (e.message ?? String(e)).split('\n').find((line) => line.trim() !== '') ?? 'cannot be parsed';
}

/** V8's reason for refusing `text` as JSON and where, without the piece of the text it quotes. */
function jsonProblem(text: string): string {
  const message = jsonFailure(text) ?? 'not valid JSON';
  const reason = message.replace(/( in JSON)? at position \d+.*$|, (\.\.\.)?".*$/s, '');
  const before = text.slice(0, jsonPosition(message) ?? refusedAt(text)).split('\n');
  return `${reason.charAt(0).toLowerCase()}${reason.slice(1)} (${before.length}:${before[before.length - 1]!.length + 1})`;
}

/** Where V8 refused `text` when it names only the token: the end of the longest prefix that it
 * reads as merely unfinished. */
function refusedAt(text: string): number {
  const unfinished = (k: number) => {
    const m = jsonFailure(text.slice(0, k));
    return m === null || /end of JSON input/.test(m) || (jsonPosition(m) ?? -1) >= k;
  };
  let [lo, hi] = [0, text.length];
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (unfinished(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function jsonFailure(text: string): string | null {
  try {
    JSON.parse(text);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

function jsonPosition(message: string): number | null {
  const m = /at position (\d+)/.exec(message);
  return m ? Number(m[1]) : null;
}

interface Resolve {
  dir: string;
  env: NodeJS.ProcessEnv;
  secrets: Set<string>;
  warnings: string[];
  file: string;
  /** The variables that were set but empty, by the dot path of the value that used them. */
  emptyVars: Map<string, string[]>;
}

/** `${VAR}` in strings, `k_file` → `k` (except keys a provider lists as real paths). */
function resolveValues(value: unknown, path: string, r: Resolve, pathKeys: readonly string[] = []): unknown {
  if (typeof value === 'string') return expand(value, path, r);
  if (Array.isArray(value)) return value.map((item, i) => resolveValues(item, `${path}[${i}]`, r));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  // A provider's own file-path keys (e.g. rfc2136 key_file) are not `k_file` secrets.
  const type = path.startsWith('providers.') && path.split('.').length === 2 ? providerTypes[obj['type'] as string] : undefined;
  const keep = type?.paths ?? pathKeys;
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(obj)) {
    const at = path ? `${path}.${key}` : key;
    if (key.endsWith('_file') && !keep.includes(key) && path !== '') {
      const base = key.slice(0, -'_file'.length);
      if (base in obj) throw configError('CONFIG_INVALID', `${r.file}: ${at}: give either ${base} or ${key}, not both`);
      if (typeof raw !== 'string') throw configError('CONFIG_INVALID', `${r.file}: ${at}: expected a file path`);
      out[base] = readSecretFile(absolute(r.dir, expand(raw, at, r)), at, r);
      continue;
    }
    out[key] = resolveValues(raw, at, r);
  }
  return out;
}

function expand(text: string, path: string, r: Resolve): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const got = r.env[name];
    if (got === undefined) throw configError('ENV_MISSING', `${r.file}: ${path}: environment variable ${name} is not set`);
    if (got === '') {
      const at = path.replace(/\[(\d+)\]/g, '.$1');
      r.emptyVars.set(at, [...(r.emptyVars.get(at) ?? []), name]);
    }
    if (got !== '' && !['CREDENTIALS_DIRECTORY', 'HOME', 'STATE_DIRECTORY'].includes(name)) r.secrets.add(got);
    return got;
  });
}

function readSecretFile(file: string, at: string, r: Resolve): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw configError('SECRET_FILE', `${r.file}: ${at}: ${file}: ${fileProblem((err as NodeJS.ErrnoException).code)}`);
  }
  if ((statSync(file).mode & 0o044) !== 0) {
    r.warnings.push(`${file} (${at}) is readable by other users; chmod 600 it`);
  }
  const secret = text.replace(/\r?\n$/, '');
  if (secret === '') throw configError('SECRET_FILE', `${r.file}: ${at}: ${file} is empty`);
  r.secrets.add(secret);
  return secret;
}
