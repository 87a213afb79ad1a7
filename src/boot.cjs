#!/usr/bin/env node
// The program (package.json "bin"). It runs the one-file bundle next to it, ddnsd.js, the way
// Node runs any CommonJS file (same wrapper, same require), but compiles it with the V8 code
// cache that `npm run build` wrote after a representative run (ddnsd.js.cache), so V8 skips
// parsing and compiling most of what start-up runs (~25 ms).
//
// The cache is only an optimisation. It is read here and never written at run time (the
// installed dist/ may be read-only). V8 itself refuses a cache made for another source length,
// V8 version or set of V8 flags, and then compiles from the source as usual; but it does not
// check the cache's contents, and a damaged cache crashes it. So the file starts with the
// SHA-256 of the rest, and a cache that does not match it is not used.
// DDNSD_WRITE_CODE_CACHE=FILE writes the cache (digest included) at exit; the build uses it.
'use strict';
const { createHash } = require('node:crypto');
const { readFileSync, writeFileSync } = require('node:fs');
const { wrap } = require('node:module');
const { Script, constants } = require('node:vm');

const filename = `${__dirname}/ddnsd.js`;
const digest = (data) => createHash('sha256').update(data).digest();
let cachedData;
try {
  const file = readFileSync(`${filename}.cache`);
  if (digest(file.subarray(32)).equals(file.subarray(0, 32))) cachedData = file.subarray(32);
} catch {
  cachedData = undefined; // no cache: compile from the source
}
// esbuild writes ASCII only, so latin1 is an exact and the cheapest decoding.
const script = new Script(wrap(readFileSync(filename, 'latin1')), {
  filename,
  cachedData,
  // import() in the bundle (cosmiconfig loading a .mjs config) goes to Node's own loader.
  importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
const out = process.env.DDNSD_WRITE_CODE_CACHE;
if (out) {
  process.once('exit', () => {
    const data = script.createCachedData();
    writeFileSync(out, Buffer.concat([digest(data), data]));
  });
}
script.runInThisContext()(exports, require, module, filename, __dirname);
