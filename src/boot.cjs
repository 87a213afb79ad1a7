#!/usr/bin/env node
// The program (package.json "bin"). It runs the one-file bundle next to it, ddnsd.js, the way
// Node runs any CommonJS file (same wrapper, same require), but compiles it with V8's code
// cache, ddnsd.js.cache, written by `npm run build` after a representative run. With the
// cache V8 skips parsing and compiling most of what start-up runs. The cache is only ever read
// here, never written at run time (the installed dist/ may be read-only); when it is missing,
// or V8 rejects it (another Node version or other V8 flags; a damaged file), V8 compiles from
// the source as usual. DDNSD_WRITE_CODE_CACHE=FILE writes the cache at exit (the build uses it).
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { Script, constants } = require('node:vm');
const { wrap } = require('node:module');

const filename = `${__dirname}/ddnsd.js`;
// esbuild writes ASCII only, so latin1 is an exact and the cheapest decoding.
const source = wrap(readFileSync(filename, 'latin1'));
let cachedData;
try {
  cachedData = readFileSync(`${filename}.cache`);
} catch {
  cachedData = undefined;
}
const script = new Script(source, {
  filename,
  cachedData,
  // import() in the bundle (cosmiconfig loading a .mjs config) goes to Node's own loader.
  importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
const out = process.env.DDNSD_WRITE_CODE_CACHE;
if (out) process.once('exit', () => writeFileSync(out, script.createCachedData()));
script.runInThisContext()(exports, require, module, filename, __dirname);
