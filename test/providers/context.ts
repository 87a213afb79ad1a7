// A RunContext for provider tests: the real undici HTTP client, a fixed clock, and a logger
// that keeps every line so a test can prove no secret was printed.
import type { Logger, RunContext } from '../../src/context.js';
import { createHttpClient } from '../../src/http.js';

export interface TestContext {
  ctx: RunContext;
  /** Every logged line with its meta, as text. */
  lines: string[];
  close(): Promise<void>;
}

export const NOW = new Date('2026-11-21T12:00:00Z');

export function testContext(now: Date = NOW): TestContext {
  const lines: string[] = [];
  const keep =
    (level: string) =>
    (message: string, meta?: Record<string, unknown>): void => {
      lines.push(`${level} ${message} ${meta ? JSON.stringify(meta) : ''}`);
    };
  const log: Logger = { error: keep('error'), warn: keep('warn'), info: keep('info'), debug: keep('debug') };
  const http = createHttpClient();
  const ctx: RunContext = {
    now: () => now,
    env: {},
    log,
    signal: new AbortController().signal,
    http,
    userAgent: 'ddnsd/test (+https://example.invalid/ddnsd)',
  };
  return { ctx, lines, close: () => http.close() };
}
