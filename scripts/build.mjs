// Build: type-check and compile everything to build/ (tests run from there), then bundle the
// program into dist/ for a cheap start-up:
//   dist/ddnsd.js        src/main.ts and its dependencies in one CommonJS file. One file because
//                        Node's ESM loader costs about 1.5 ms per module file; CommonJS because
//                        it can be compiled with a V8 code cache. Providers, detectors and heavy
//                        libraries stay in lazily evaluated wrappers: parsed cheaply, run only
//                        when a config uses them.
//   dist/ddnsd.js.cache  V8's code cache of the bundle after a representative run: a
//                        nothing-changed `--once` (dyndns2, http detector) against loopback.
//   dist/cli.js          the program (src/boot.cjs): compiles ddnsd.js with the cache and runs it.
//   dist/package.json    {"type": "commonjs"}: dist/ is CommonJS whatever the root package says.
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';

rmSync('build', { recursive: true, force: true });
rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], { stdio: 'inherit' });

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
await build({
  entryPoints: ['src/main.ts'],
  outfile: 'dist/ddnsd.js',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20.18',
  minify: process.env.DDNSD_NOMINIFY ? false : true,
  charset: 'ascii', // boot.cjs reads the bundle as latin1
  legalComments: 'none',
  define: { DDNSD_VERSION: JSON.stringify(version), 'import.meta.url': '__ddnsdUrl' },
  banner: { js: "var __ddnsdUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
  // cosmiconfig can load TypeScript configs through the typescript package; ddnsd does not offer them.
  external: ['typescript'],
});
writeFileSync('dist/package.json', '{ "type": "commonjs" }\n');
copyFileSync('src/boot.cjs', 'dist/cli.js');
chmodSync('dist/cli.js', 0o755);

// The code cache: run `--once` twice against a loopback echo + dyndns2 server (the first run
// updates, the second finds nothing changed) and keep what V8 compiled in the second.
const work = mkdtempSync(join(tmpdir(), 'ddnsd-build-'));
const server = createServer((req, res) => res.end(req.url.startsWith('/nic/update') ? 'good 192.0.2.1\n' : '192.0.2.1\n'));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}`;
const config = join(work, 'config.yml');
writeFileSync(
  config,
  `state: ${join(work, 'state.json')}
detect: { ipv4: [ { type: http, url: "${url}/", accept: any } ] }
providers: { p: { type: dyndns2, server: "${url}", username: u, password: p } }
records: [ { name: home.example.test, provider: p } ]
`,
  { mode: 0o600 },
);
try {
  const run = (env) => promisify(execFile)(process.execPath, ['dist/cli.js', '--once', '-c', config], { env: { ...process.env, ...env } });
  await run({});
  await run({ DDNSD_WRITE_CODE_CACHE: 'dist/ddnsd.js.cache' });
} finally {
  server.close();
  rmSync(work, { recursive: true, force: true });
}
