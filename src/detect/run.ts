// Run the configured detectors of one family: in order, the first usable answer wins — or, with
// `agree: N`, the first address that N sources gave. Every source's answer or reason is kept
// for `ddnsd detect` and the logs.
import type { DetectorSpec } from '../config/schema.js';
import type { RunContext } from '../context.js';
import type { Family } from '../types.js';
import { checkAccept } from './address.js';
import { detectorTypes } from './index.js';

export interface SourceResult {
  type: string;
  source: string;
  address?: string;
  reason?: string;
}

export interface FamilyResult {
  family: Family;
  address: string | null;
  /** The source whose answer won (with agree > 1, the one that completed the agreement). */
  winner: string | null;
  agree: number;
  sources: SourceResult[];
  /** Why there is no address, in one line. */
  reason: string | null;
}

export async function detectFamily(
  specs: readonly DetectorSpec[],
  family: Family,
  agree: number,
  ctx: RunContext,
  opts: { all?: boolean } = {},
): Promise<FamilyResult> {
  const sources: SourceResult[] = [];
  const votes = new Map<string, number>();
  let address: string | null = null;
  let winner: string | null = null;
  if (specs.length === 0) {
    return { family, address, winner, agree, sources, reason: `no detector configured under detect.${family}` };
  }
  for (const spec of specs) {
    if (address && !opts.all) break;
    const result = await runOne(spec, family, ctx);
    sources.push(result);
    if (result.address && !address) {
      const n = (votes.get(result.address) ?? 0) + 1;
      votes.set(result.address, n);
      if (n >= agree) {
        address = result.address;
        winner = result.source;
      }
    }
  }
  let reason: string | null = null;
  if (!address) {
    const usable = sources.filter((s) => s.address);
    reason =
      usable.length === 0
        ? `no source gave a usable address (${sources.map((s) => `${s.source}: ${s.reason}`).join('; ')})`
        : `sources disagree: agree: ${agree} needs ${agree} sources with the same address (${usable.map((s) => `${s.source}: ${s.address}`).join('; ')})`;
  }
  return { family, address, winner, agree, sources, reason };
}

async function runOne(spec: DetectorSpec, family: Family, ctx: RunContext): Promise<SourceResult> {
  const mod = await detectorTypes[spec.type]!.load();
  const source = mod.describe(spec);
  const base = { type: spec.type, source };
  // The detector promises to honour its timeout; this is the safety net if one does not.
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ ok: false; reason: string }>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: `no answer within ${spec.timeout / 1000}s` }), spec.timeout + 1000);
  });
  try {
    const got = await Promise.race([mod.detect(spec, family, ctx), late]);
    if (!got.ok) return { ...base, reason: got.reason };
    const accepted = checkAccept(got.address, spec.accept);
    return accepted.ok ? { ...base, address: accepted.address } : { ...base, reason: accepted.reason };
  } catch (err) {
    return { ...base, reason: `failed: ${(err as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}
