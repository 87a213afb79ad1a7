import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emptyState, readState, writeState } from '../../src/state.js';
import { acquireLock, startTicks } from '../../src/lock.js';
import { tempDir } from '../helpers/cli.js';

test('state write → mode 0600, no temp file left, read back equal', () => {
  const t = tempDir();
  try {
    const path = join(t.dir, 'sub', 'state.json');
    const s = emptyState();
    writeState(path, s);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(join(t.dir, 'sub')), ['state.json']);
    assert.deepEqual(readState(path).state, s);
  } finally {
    t.cleanup();
  }
});

test('damaged state file (truncated, empty, bad entry) → empty state, a warning naming the file, marked to be set aside', () => {
  const t = tempDir();
  try {
    const path = join(t.dir, 'state.json');
    for (const junk of ['{"version":1,', '', '  \n', '{"version":1,"salt":"s","records":{"a/ipv4":null}}', '{"version":1}']) {
      writeFileSync(path, junk);
      const got = readState(path);
      assert.deepEqual(got.state.records, {});
      assert.equal(got.damaged, true, JSON.stringify(junk));
      assert.match(got.warning!, new RegExp(`state file ${path} is corrupt`));
    }
    assert.equal(readState(join(t.dir, 'absent.json')).warning, undefined);
  } finally {
    t.cleanup();
  }
});

test('a file that is not a ddnsd state file (YAML, a password, JSON of another shape, a newer version) → config error naming it, never quoting it', () => {
  const t = tempDir();
  try {
    const path = join(t.dir, 'state.json');
    for (const [content, says] of [
      ['providers:\n  dd: { password: s3cret-canary }\n', /not a ddnsd state file \(not a JSON object\)/],
      ['s3cret-canary\n', /not a ddnsd state file \(not a JSON object\)/],
      ['[]', /not a ddnsd state file \(not a JSON object\)/],
      ['{"name":"s3cret-canary","version":"1.0.0"}', /not a ddnsd state file \(no "version": 1\)/],
      ['{"version":2,"records":{}}', /written by a newer ddnsd \(state version 2\)/],
    ] as const) {
      writeFileSync(path, content);
      assert.throws(() => readState(path), (e: Error & { kind?: string }) => {
        assert.equal(e.kind, 'config');
        assert.match(e.message, says);
        assert.ok(e.message.includes(path) && !e.message.includes('canary'), e.message);
        return true;
      });
    }
  } finally {
    t.cleanup();
  }
});

test('state path is a directory → config error naming it', () => {
  const t = tempDir();
  try {
    assert.throws(() => readState(t.dir), /state file .* is a directory/);
  } finally {
    t.cleanup();
  }
});

test('state under a path that is not a directory → config error naming the path', () => {
  const t = tempDir();
  try {
    writeFileSync(join(t.dir, 'file'), '');
    assert.throws(() => writeState(join(t.dir, 'file', 'state.json'), emptyState()), (e: Error & { kind?: string }) => {
      assert.equal(e.kind, 'config');
      assert.match(e.message, /cannot write the state file .*file\/state\.json/);
      return true;
    });
  } finally {
    t.cleanup();
  }
});

test('lock held by a live process → LOCKED; left by a dead one → taken over', () => {
  const t = tempDir();
  try {
    const path = join(t.dir, 'state.json');
    const lock = acquireLock(path);
    writeFileSync(`${path}.lock`, `${process.ppid}\n`); // a live process that is not us
    assert.throws(() => acquireLock(path), /another ddnsd \(pid \d+\) holds the lock/);
    writeFileSync(`${path}.lock`, '999999999\n'); // no such process
    const again = acquireLock(path);
    again.release();
    lock.release();
  } finally {
    t.cleanup();
  }
});

test('lock file content → pid and start time; a live pid that started at another time (reused after a reboot) → taken over', () => {
  const t = tempDir();
  try {
    const path = join(t.dir, 'state.json');
    const lock = acquireLock(path);
    assert.equal(readFileSync(`${path}.lock`, 'utf8'), `${process.pid} ${startTicks(process.pid)}\n`);
    lock.release();
    const parent = startTicks(process.ppid)!;
    assert.match(parent, /^\d+$/);
    writeFileSync(`${path}.lock`, `${process.ppid} ${parent}\n`); // the live process that wrote it
    assert.throws(() => acquireLock(path), /another ddnsd \(pid \d+\) holds the lock/);
    writeFileSync(`${path}.lock`, `${process.ppid} ${Number(parent) + 1}\n`); // that pid, another process
    acquireLock(path).release();
  } finally {
    t.cleanup();
  }
});
