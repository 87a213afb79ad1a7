// Run commands interleaved (A B C A B C ...) under /usr/bin/time and print the median wall time
// and peak RSS of each, and their ratios to the first command (the baseline). Interleaving
// spreads the noise of a shared machine evenly over the commands. Commands are split on spaces
// and run without a shell (a shell's start-up would dilute the ratios); wall time is measured
// here with a monotonic clock (time's %e has 10 ms steps), peak RSS by time's %M.
//   node bench/compare.mjs RUNS 'label=command' 'label=command' ...
import { execFileSync, spawnSync } from 'node:child_process';

const [runsArg, ...specs] = process.argv.slice(2);
const runs = Number(runsArg);
if (!runs || specs.length < 2) {
  console.error("usage: node bench/compare.mjs RUNS 'label=command' 'label=command' ...");
  process.exit(2);
}
execFileSync('/usr/bin/time', ['-f', '%e', 'true'], { stdio: 'ignore' }); // fails early when GNU time is missing
const cmds = specs.map((s) => ({ label: s.slice(0, s.indexOf('=')), cmd: s.slice(s.indexOf('=') + 1), wall: [], rss: [] }));
for (let i = 0; i < runs; i++) {
  for (const c of cmds) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', '__T %M', ...c.cmd.split(' ')], { encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const m = /__T (\d+)/.exec(r.stderr);
    if (!m) throw new Error(`${c.label}: no timing (${r.stderr.slice(-300)})`);
    c.wall.push(ms);
    c.rss.push(Number(m[1]) / 1024);
    c.status = r.status;
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const base = cmds[0];
console.log(`${runs} interleaved runs each; median wall time and peak RSS; ratio to ${base.label}`);
for (const c of cmds) {
  const w = median(c.wall);
  const r = median(c.rss);
  console.log(
    `${c.label.padEnd(34)} wall ${w.toFixed(0).padStart(5)} ms (${(w / median(base.wall)).toFixed(2)}x)   rss ${r.toFixed(1).padStart(6)} MiB (${(r / median(base.rss)).toFixed(2)}x)   exit ${c.status}`,
  );
}
