// `command`: a program of the operator's that prints our address. It is started from an argv
// list (never a shell string), with DDNSD_FAMILY=ipv4|ipv6 in its environment, killed at the
// timeout, and its whole stdout must be exactly one address (the same strict parsing as http).
import type { DetectorModule } from './types.js';
import { parseEchoBody } from './address.js';
import { lastLine, MAX_OUTPUT, runProcess, type RunFn } from './process.js';

export interface CommandDeps {
  run: RunFn;
}

type Settings = { command: string[] };

export function createCommandDetector(deps: CommandDeps): DetectorModule<Settings> {
  return {
    // Only the program: arguments may carry a token (`${VAR}`), and this label is printed.
    describe: (s) => `command ${s.command[0]}${s.command.length > 1 ? ` (+${s.command.length - 1} args)` : ''}`,
    async detect(s, family, ctx) {
      const name = s.command[0] ?? '';
      const r = await deps.run(s.command, {
        timeoutMs: s.timeout,
        signal: ctx.signal,
        env: { ...ctx.env, DDNSD_FAMILY: family },
        maxBytes: MAX_OUTPUT,
      });
      if (r.error) return { ok: false, reason: `cannot run ${name}: ${r.error}` };
      if (r.timedOut) return { ok: false, reason: `${name} did not finish within ${s.timeout} ms and was killed` };
      if (r.overflow) return { ok: false, reason: `${name} printed more than ${MAX_OUTPUT / 1024} KiB and was killed` };
      if (r.code !== 0) {
        const why = lastLine(r.stderr);
        return { ok: false, reason: `${name} exited with status ${r.code ?? '(killed by a signal)'}${why ? `: ${why}` : ''}` };
      }
      const parsed = parseEchoBody(r.stdout, family);
      return parsed.ok ? parsed : { ok: false, reason: `${name}: ${parsed.reason}` };
    },
  };
}

export default createCommandDetector({ run: runProcess });
