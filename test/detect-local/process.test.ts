// runProcess: the one place where detectors start programs. No shell, a deadline that kills the
// whole process group, and a cap on output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from '../../src/detect/process.js';

const env = { PATH: process.env.PATH };

test('argv with shell syntax → run → passed literally, no shell expansion', async () => {
  const r = await runProcess(['printf', '%s|', '$(id -u)', '*', '; echo x'], { timeoutMs: 10_000, env });
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '$(id -u)|*|; echo x|');
});

test('child and grandchild sleeping past the timeout → run → both killed, timedOut', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ddnsd-run-'));
  try {
    const pidFile = join(dir, 'grandchild.pid');
    // sh starts a grandchild that inherits stdout; killing only sh would leave the pipe open.
    const script = `sleep 30 & echo $! > ${pidFile}; wait; echo late`;
    const r = await runProcess(['sh', '-c', script], { timeoutMs: 500, env });
    assert.equal(r.timedOut, true);
    assert.equal(r.code, null);
    assert.equal(r.stdout, '');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(pid > 0);
    // The kill is sent to the whole group; the kernel may take a moment to reap it.
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(!alive(pid), `grandchild ${pid} is still running`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Running (not gone and not a zombie waiting for a reaper). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

test('abort signal → run → child killed', async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 200);
  const r = await runProcess(['sleep', '30'], { timeoutMs: 60_000, env, signal: ac.signal });
  assert.equal(r.timedOut, true);
  assert.equal(r.code, null);
});

test('endless output → run → cut at maxBytes, child killed, overflow', async () => {
  const r = await runProcess(['yes', '203.0.113.7'], { timeoutMs: 10_000, env, maxBytes: 1000 });
  assert.equal(r.overflow, true);
  assert.equal(Buffer.byteLength(r.stdout), 1000);
});

test('missing program → run → error says not found', async () => {
  const r = await runProcess(['/nonexistent/ddnsd-no-such-program'], { timeoutMs: 10_000, env });
  assert.equal(r.code, null);
  assert.match(r.error ?? '', /not found/);
});

test('failing program → run → exit code and stderr kept', async () => {
  const r = await runProcess(['sh', '-c', 'echo oops >&2; exit 7'], { timeoutMs: 10_000, env });
  assert.equal(r.code, 7);
  assert.equal(r.stderr.trim(), 'oops');
});
