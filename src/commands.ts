// The commands behind the CLI: once (and --dry-run), check, status, detect.
import { providerTypes } from '../providers/index.js';
import type { Config } from './config/load.js';
import { familiesNeeded } from './config/load.js';
import type { RunContext } from './context.js';
import { runCycle, type CycleOptions } from './cycle.js';
import { detectFamily } from './detect/run.js';
import { EXIT } from './errors.js';
import { formatDuration } from './config/values.js';
import { acquireLock } from './lock.js';
import { mask, type AppLogger } from './log.js';
import { entryKey, readState } from './state.js';
import { rrType, type RecordSpec } from './types.js';

export async function once(cfg: Config, opts: CycleOptions, ctx: RunContext): Promise<number> {
  if (opts.dryRun) {
    const result = await runCycle(cfg, opts, ctx);
    if (result.planText.length > 0) process.stdout.write(`${result.planText.join('\n')}\n`);
    return result.exitCode;
  }
  const lock = acquireLock(cfg.state);
  try {
    return (await runCycle(cfg, opts, ctx)).exitCode;
  } finally {
    lock.release();
  }
}

/** Check what only `run` reads (the schedule), then print the effective configuration with
 * every secret replaced by `<redacted>`. */
export async function check(cfg: Config, log: AppLogger): Promise<number> {
  (await import('./schedule.js')).parseSchedule(cfg.schedule, cfg.file);
  const providers: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(cfg.providers)) {
    const copy = structuredClone(p) as Record<string, unknown>;
    for (const path of providerTypes[p.type]!.secrets) {
      const keys = path.split('.');
      const parent = keys.slice(0, -1).reduce<Record<string, unknown> | undefined>((o, k) => o?.[k] as Record<string, unknown> | undefined, copy);
      const last = keys[keys.length - 1]!;
      if (parent && last in parent) parent[last] = '<redacted>';
    }
    providers[name] = copy;
  }
  const effective = {
    file: cfg.file,
    schedule: cfg.schedule,
    state: cfg.state,
    max_age: formatDuration(cfg.maxAgeMs),
    log: cfg.log,
    detect: {
      ...cfg.detect,
      ipv4: cfg.detect.ipv4.map((d) => ({ ...d, timeout: formatDuration(d.timeout) })),
      ipv6: cfg.detect.ipv6.map((d) => ({ ...d, timeout: formatDuration(d.timeout) })),
    },
    providers,
    records: cfg.records,
  };
  process.stdout.write(`${mask(JSON.stringify(effective, null, 2), cfg.secrets)}\n`);
  log.info(`config ${cfg.file} is valid: ${cfg.records.length} record(s), ${Object.keys(cfg.providers).length} provider(s)`);
  return EXIT.ok;
}

export function status(cfg: Config, records: readonly RecordSpec[], json: boolean): number {
  const { state, warning } = readState(cfg.state);
  if (warning) process.stderr.write(`${warning}\n`);
  const rows = records.flatMap((r) =>
    (['ipv4', 'ipv6'] as const)
      .filter((f) => r[f])
      .map((family) => {
        const e = state.records[entryKey(r.name, family)];
        const mine = e && e.provider === r.provider ? e : undefined;
        return {
          name: r.name,
          family,
          provider: r.provider,
          address: mine?.address ?? null,
          updated_at: mine?.updated_at ?? null,
          confirmed_at: mine?.confirmed_at ?? null,
          result: mine?.result ?? null,
          message: mine ? (mine.stopped?.message ?? mine.message) : null,
          next_attempt: mine?.next_attempt ?? null,
        };
      }),
  );
  if (json) {
    process.stdout.write(`${mask(JSON.stringify(rows, null, 2), cfg.secrets)}\n`);
    return EXIT.ok;
  }
  const lines = rows.map((r) => {
    const parts = [`${r.name} ${rrType(r.family)}`, r.address ?? '(unknown)', `via ${r.provider}`];
    parts.push(r.result ? `last result: ${r.result}` : 'never updated by ddnsd');
    if (r.updated_at) parts.push(`changed ${r.updated_at}`);
    if (r.next_attempt) parts.push(`next attempt after ${r.next_attempt}`);
    if (r.message) parts.push(`— ${r.message}`);
    return parts.join('  ');
  });
  process.stdout.write(`state: ${cfg.state}\n${mask(lines.join('\n'), cfg.secrets)}\n`);
  return EXIT.ok;
}

export async function detect(cfg: Config, records: readonly RecordSpec[], ctx: RunContext, json: boolean): Promise<number> {
  const out: Record<string, unknown> = {};
  const text: string[] = [];
  let ok = true;
  for (const family of familiesNeeded(records)) {
    const r = await detectFamily(cfg.detect[family], family, cfg.detect.agree, ctx, { all: true });
    if (!r.address) ok = false;
    out[family] = {
      address: r.address,
      winner: r.winner,
      agree: r.agree,
      agreed: r.address !== null,
      reason: r.reason,
      sources: r.sources.map((s) => (s.address ? { type: s.type, source: s.source, address: s.address } : { type: s.type, source: s.source, reason: s.reason })),
    };
    text.push(`${family}: ${r.address ?? 'no address'}${r.winner ? ` (from ${r.winner}${r.agree > 1 ? `, ${r.agree} sources agree` : ''})` : ` — ${r.reason}`}`);
    for (const s of r.sources) {
      const mark = s.source === r.winner ? '*' : ' ';
      text.push(`  ${mark} ${s.source}: ${s.address ?? `unavailable — ${s.reason}`}`);
    }
  }
  process.stdout.write(`${mask(json ? JSON.stringify(out, null, 2) : text.join('\n'), cfg.secrets)}\n`);
  return ok ? EXIT.ok : EXIT.transient;
}
