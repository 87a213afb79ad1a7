// The bundle's entry (dist/ddnsd.js, run by src/boot.cjs): run the CLI and leave with its exit
// code once output has drained.
import { main } from './cli.js';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
