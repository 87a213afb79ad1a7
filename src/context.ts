// Side effects reach the parts of a cycle only through this context, so a test can hand in a
// fake clock, a different environment or a loopback server.
import type { HttpClient } from './http.js';

export interface Logger {
  error(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  debug(message: string, meta?: Record<string, unknown>): void;
}

export interface RunContext {
  now(): Date;
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** Aborted when the run must stop (SIGTERM, a deadline): pass it to every request. */
  signal: AbortSignal;
  http: HttpClient;
  /** `ddnsd/<version> (+https://...)`: providers send it as User-Agent. */
  userAgent: string;
}
