#!/usr/bin/env node
// The program: run the CLI and leave with its exit code once output has drained.
import { main } from './cli.js';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
