// Shared bits of the interface/ssh/command detector tests: a RunContext without network access,
// and a settings builder with the keys the registry adds (type, timeout, accept).
import { execFileSync } from 'node:child_process';
import type { RunContext } from '../../src/context.js';
import type { HttpClient } from '../../src/http.js';
import type { Accept } from '../../src/detect/address.js';
import type { CommonDetectorSettings } from '../../src/detect/types.js';

const noHttp: HttpClient = {
  request: () => Promise.reject(new Error('these detectors must not use HTTP')),
  close: () => Promise.resolve(),
};

const silent = { error() {}, warn() {}, info() {}, debug() {} };

export function testContext(env: NodeJS.ProcessEnv = { PATH: process.env.PATH }): RunContext {
  return { now: () => new Date(), env, log: silent, signal: new AbortController().signal, http: noHttp, userAgent: 'ddnsd/test' };
}

export function settings<S extends object>(
  type: string,
  own: S,
  common: { timeout?: number; accept?: Accept } = {},
): S & CommonDetectorSettings {
  return { type, timeout: common.timeout ?? 10_000, accept: common.accept ?? 'any', ...own };
}

/** Run a program and return its stdout; throws (failing the test) when it is missing or fails. */
export function sh(argv: string[]): string {
  return execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A name unique to this test process, for namespaces and temp files. */
export const uniq = (prefix: string) => `${prefix}${process.pid.toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
