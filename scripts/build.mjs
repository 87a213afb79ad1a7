// Build: type-check and compile everything to build/ (tests run from there), then bundle the
// program into dist/ with esbuild. The bundle keeps providers and detectors in their own chunks,
// loaded only when a config uses them, so a nothing-changed `--once` pays for little beyond Node.
import { execFileSync } from 'node:child_process';
import { rmSync, readFileSync, chmodSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('build', { recursive: true, force: true });
rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], { stdio: 'inherit' });

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
await build({
  entryPoints: { cli: 'src/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.18',
  minify: process.env.DDNSD_NOMINIFY ? false : true,
  sourcemap: 'linked',
  legalComments: 'none',
  define: { DDNSD_VERSION: JSON.stringify(version) },
  banner: {
    js: "import { createRequire as __ddnsdCreateRequire } from 'node:module'; const require = __ddnsdCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
  // cosmiconfig can load TypeScript configs through the typescript package; ddnsd does not offer them.
  external: ['typescript'],
});
chmodSync('dist/cli.js', 0o755);
