// A RunContext for calling detectors in-process in tests: real HTTP client, silent log.
import { createHttpClient } from '../../../src/http.js';
import type { RunContext } from '../../../src/context.js';

export function testContext(signal: AbortSignal = new AbortController().signal): RunContext {
  const quiet = () => undefined;
  return {
    now: () => new Date(),
    env: {},
    log: { error: quiet, warn: quiet, info: quiet, debug: quiet },
    signal,
    http: createHttpClient(),
    userAgent: 'ddnsd-test',
  };
}
