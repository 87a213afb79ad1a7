// Logging on winston, behind a small facade: outcome first, to stderr, as text or JSON. Under
// systemd (JOURNAL_STREAM set) text lines carry a syslog priority prefix and no timestamp.
// Every secret of the config is masked in every line, whatever its level. winston itself is
// loaded on the first line actually written, so a quiet cron run does not pay for it.
import { createRequire } from 'node:module';
import type { Logger } from './context.js';

export type Level = 'error' | 'warn' | 'info' | 'debug';
const RANK: Record<Level, number> = { error: 0, warn: 1, info: 2, debug: 3 };
const SYSLOG: Record<Level, number> = { error: 3, warn: 4, info: 6, debug: 7 };

export interface LogOptions {
  level: Level;
  format: 'text' | 'json';
  journal: boolean;
  /** Values to mask wherever they appear. */
  secrets?: readonly string[];
  /** Where lines go (default: stderr). */
  stream?: NodeJS.WritableStream;
}

export interface AppLogger extends Logger {
  setSecrets(secrets: readonly string[]): void;
  configure(opts: Partial<Pick<LogOptions, 'level' | 'format'>>): void;
}

export function mask(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join('***');
  return out;
}

export function createLogger(opts: LogOptions): AppLogger {
  let secrets = [...(opts.secrets ?? [])];
  let level = opts.level;
  let format = opts.format;
  let winstonLogger: import('winston').Logger | null = null;

  const build = () => {
    // In the bundle (CommonJS) `require` exists and esbuild bundles winston into it, cached
    // with the rest; compiled as ESM (build/, the tests) there is none, so make one.
    const winston = (typeof require === 'function' ? require('winston') : createRequire(import.meta.url)('winston')) as typeof import('winston');
    const { combine, printf } = winston.format;
    const line = printf((info) => {
      const lvl = info.level as Level;
      const message = mask(String(info.message), secrets);
      if (format === 'json') {
        const rest: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(info)) if (k !== 'level' && k !== 'message') rest[k] = v;
        return mask(JSON.stringify({ time: new Date().toISOString(), level: lvl, message, ...rest }), secrets);
      }
      if (opts.journal) return `<${SYSLOG[lvl]}>${message}`;
      return `${new Date().toISOString()} ${lvl.padEnd(5)} ${message}`;
    });
    const transport = opts.stream
      ? new winston.transports.Stream({ stream: opts.stream })
      : new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] });
    return winston.createLogger({ levels: RANK, level: 'debug', format: combine(line), transports: [transport] });
  };

  const write = (lvl: Level, message: string, meta?: Record<string, unknown>) => {
    if (RANK[lvl] > RANK[level]) return;
    winstonLogger ??= build();
    winstonLogger.log(lvl, message, meta ?? {});
  };

  return {
    error: (m, meta) => write('error', m, meta),
    warn: (m, meta) => write('warn', m, meta),
    info: (m, meta) => write('info', m, meta),
    debug: (m, meta) => write('debug', m, meta),
    setSecrets(s) {
      secrets = [...s].sort((a, b) => b.length - a.length);
    },
    configure(o) {
      if (o.level) level = o.level;
      if (o.format) format = o.format;
    },
  };
}
