// argv → command → exit code. Thin: the work is in cycle.ts, config/, detect/ and providers/.
import { parseArgs } from 'node:util';
import { loadConfig, selectRecords } from './config/load.js';
import { DdnsError, EXIT, transient } from './errors.js';
import { createLogger, type Level } from './log.js';
import { familyOf } from './detect/address.js';
import type { Family } from './types.js';
import { VERSION, USER_AGENT } from './version.js';
import type { Logger, RunContext } from './context.js';
import type { HttpClient } from './http.js';

export const HELP = `ddnsd ${VERSION} — keep DNS names pointing at this machine's changing address

Usage:
  ddnsd [run]              daemon: one cycle at start, then one per \`schedule\`
  ddnsd --once             one cycle, then exit (cron, pppd hook, timers)
  ddnsd --once --dry-run   detect and plan; print the plan; send no update; write no state
  ddnsd check              validate the config; print the effective config, secrets redacted
  ddnsd status [--json]    per record and family: address, last change, last result, next attempt
  ddnsd detect [--json]    what each configured detector answers now (a debugging aid)

Options:
  -c, --config FILE        config file (default: $DDNSD_CONFIG, then ddnsd.config.yml,
                           .ddnsdrc.yml, .ddnsdrc.json, package.json "ddnsd", ... in the
                           working directory, then /etc/ddnsd/config.yml)
      --once               run one cycle and exit
      --dry-run            with --once: print the plan, send nothing, write no state
      --force              update even when in sync (a provider's stop or Retry-After still holds)
      --ip ADDR            use this address instead of detecting (repeatable, one per family;
                           the family follows from the form; taken as given)
      --record NAME        only these records (repeatable)
      --state FILE         state file (default: config \`state\`, $STATE_DIRECTORY/state.json,
                           /var/lib/ddnsd/state.json as root, ~/.local/state/ddnsd/state.json)
      --json               machine-readable output (status, detect)
      --log-level LEVEL    error | warn | info | debug (default: config log.level, info)
      --log-format FORMAT  text | json (default: config log.format, text)
  -h, --help               this help
  -V, --version            print the version

Exit codes:
  0  every selected record is in sync (unchanged or updated)
  1  transient failure (timeout, network, SERVFAIL, HTTP 5xx/429, no address detected); retry later
  2  usage or configuration error; nothing was sent
  3  needs a human: credentials or key rejected, REFUSED/NOTAUTH, badauth/nohost/abuse, Duck DNS KO
  4  another ddnsd holds the lock on this state file

Config reference: config.example.yml (every key, commented).
`;

interface Args {
  command: 'run' | 'once' | 'check' | 'status' | 'detect';
  config?: string;
  dryRun: boolean;
  force: boolean;
  ips: string[];
  records: string[];
  state?: string;
  json: boolean;
  logLevel?: Level;
  logFormat?: 'text' | 'json';
}

class UsageError extends Error {}

export function parseCli(argv: string[]): Args | 'help' | 'version' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', short: 'c' },
        once: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        force: { type: 'boolean' },
        ip: { type: 'string', multiple: true },
        record: { type: 'string', multiple: true },
        state: { type: 'string' },
        json: { type: 'boolean' },
        'log-level': { type: 'string' },
        'log-format': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'V' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/, ''));
  }
  const o = parsed.values;
  if (o.help) return 'help';
  if (o.version) return 'version';
  if (parsed.positionals.length > 1) throw new UsageError(`unexpected argument "${parsed.positionals[1]}"`);
  const word = parsed.positionals[0];
  if (word !== undefined && !['run', 'check', 'status', 'detect'].includes(word)) {
    throw new UsageError(`unknown command "${word}" (commands: run, check, status, detect; or --once)`);
  }
  if (o.once && word !== undefined && word !== 'run') throw new UsageError(`--once cannot be combined with "${word}"`);
  const command = o.once ? 'once' : ((word ?? 'run') as Args['command']);
  if (o['dry-run'] && command !== 'once') throw new UsageError('--dry-run goes with --once');
  const level = o['log-level'];
  if (level !== undefined && !['error', 'warn', 'info', 'debug'].includes(level)) {
    throw new UsageError(`--log-level must be error, warn, info or debug, not "${level}"`);
  }
  const format = o['log-format'];
  if (format !== undefined && format !== 'text' && format !== 'json') throw new UsageError(`--log-format must be text or json, not "${format}"`);
  return {
    command,
    config: o.config,
    dryRun: !!o['dry-run'],
    force: !!o.force,
    ips: o.ip ?? [],
    records: o.record ?? [],
    state: o.state,
    json: !!o.json,
    logLevel: level as Level | undefined,
    logFormat: format as 'text' | 'json' | undefined,
  };
}

/** --ip values → one address per family; the family follows from the form. */
export function parseIps(values: readonly string[]): Partial<Record<Family, string>> {
  const out: Partial<Record<Family, string>> = {};
  for (const raw of values) {
    const text = raw.trim();
    const family = familyOf(text);
    if (!family) throw new UsageError(`--ip ${JSON.stringify(raw)}: not an IPv4 or IPv6 address`);
    if (out[family]) throw new UsageError(`--ip given twice for ${family} (${out[family]} and ${text}); give one per family`);
    out[family] = text;
  }
  return out;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const log = createLogger({ level: 'info', format: 'text', journal: !!env['JOURNAL_STREAM'] });
  let args: Args;
  try {
    const got = parseCli(argv);
    if (got === 'help') {
      process.stdout.write(HELP);
      return EXIT.ok;
    }
    if (got === 'version') {
      process.stdout.write(`ddnsd ${VERSION}\n`);
      return EXIT.ok;
    }
    args = got;
  } catch (err) {
    if (err instanceof UsageError) {
      log.error(`usage: ${err.message}; see ddnsd --help`);
      return EXIT.config;
    }
    throw err;
  }
  if (args.logLevel || args.logFormat) log.configure({ level: args.logLevel, format: args.logFormat });

  let http: HttpClient | undefined;
  try {
    const ips = parseIps(args.ips);
    const cfg = await loadConfig({ config: args.config, cwd: process.cwd(), env, isRoot: process.getuid?.() === 0 });
    log.setSecrets(cfg.secrets);
    log.configure({ level: args.logLevel ?? cfg.log.level, format: args.logFormat ?? cfg.log.format });
    for (const w of cfg.warnings) log.warn(w);
    if (args.state) cfg.state = args.state;
    const records = selectRecords(cfg, args.records);

    if (args.command === 'check') return await (await import('./commands.js')).check(cfg, log);
    if (args.command === 'status') return (await import('./commands.js')).status(cfg, records, args.json);
    if (args.command === 'run') {
      const { runDaemon } = await import('./daemon.js');
      const reload = async () => {
        const next = await loadConfig({ config: cfg.file, cwd: process.cwd(), env, isRoot: process.getuid?.() === 0 });
        if (args.state) next.state = args.state;
        return next;
      };
      return await runDaemon({ config: cfg, reload, records: args.records, force: args.force, ips, log, env });
    }

    const { createHttpClient } = await import('./http.js');
    http = createHttpClient();
    const ctx: RunContext = { now: () => new Date(), env, log, signal: new AbortController().signal, http, userAgent: USER_AGENT };
    const commands = await import('./commands.js');
    if (args.command === 'detect') return commands.detect(cfg, records, ctx, args.json);
    const opts = { records, force: args.force, dryRun: args.dryRun, ips };
    return await interruptible(log, (signal) => commands.once(cfg, opts, { ...ctx, signal }));
  } catch (err) {
    if (err instanceof UsageError) {
      log.error(`usage: ${err.message}; see ddnsd --help`);
      return EXIT.config;
    }
    if (err instanceof DdnsError) {
      log.error(err.message);
      return err.code === 'LOCKED' ? EXIT.locked : err.kind === 'config' ? EXIT.config : err.kind === 'permanent' ? EXIT.permanent : EXIT.transient;
    }
    log.error(`internal error: ${(err as Error)?.stack ?? String(err)}`);
    return EXIT.transient;
  } finally {
    await http?.close();
  }
}

/**
 * --once: SIGINT, SIGTERM and SIGHUP abort what is in flight through the run's signal, so the
 * cycle records no half-known outcome and the lock is released on the way out. An interrupted
 * run is a transient failure (exit 1: try again later), unless it already met a failure that
 * needs a human (3). A second signal changes nothing: every wait is bounded anyway.
 */
async function interruptible(log: Logger, run: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const stop = new AbortController();
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((sig) => {
    const handler = () => {
      if (stop.signal.aborted) return;
      log.error(`interrupted by ${sig}; nothing more sent, state holds only confirmed outcomes`);
      stop.abort(transient('INTERRUPTED', `interrupted by ${sig}`));
    };
    process.on(sig, handler);
    return [sig, handler] as const;
  });
  try {
    const code = await run(stop.signal);
    return stop.signal.aborted && code !== EXIT.permanent ? EXIT.transient : code;
  } finally {
    for (const [sig, handler] of handlers) process.off(sig, handler);
  }
}
