// `ddnsd run` as src/cli.ts will start it (the wiring proposed to the lead, line for line):
// load the config, then hand over to runDaemon with a reload that repeats the same load.
// The end-to-end daemon tests run this file as a child process until cli.ts routes `run` here.
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/config/load.js';
import { runDaemon } from '../../src/daemon.js';
import { DdnsError, EXIT } from '../../src/errors.js';
import { createLogger, type Level } from '../../src/log.js';

const { values } = parseArgs({ options: { config: { type: 'string' }, state: { type: 'string' }, 'log-level': { type: 'string' } } });
const env = process.env;
const log = createLogger({ level: 'info', format: 'text', journal: false });

async function main(): Promise<number> {
  try {
    const load = async () => {
      const c = await loadConfig({ config: values.config, cwd: process.cwd(), env, isRoot: process.getuid?.() === 0 });
      if (values.state) c.state = values.state;
      return c;
    };
    const cfg = await load();
    log.setSecrets(cfg.secrets);
    log.configure({ level: (values['log-level'] as Level | undefined) ?? cfg.log.level, format: cfg.log.format });
    return await runDaemon({ config: cfg, reload: load, records: [], force: false, ips: {}, log, env });
  } catch (err) {
    if (!(err instanceof DdnsError)) throw err;
    log.error(err.message);
    return err.code === 'LOCKED' ? EXIT.locked : err.kind === 'config' ? EXIT.config : EXIT.transient;
  }
}

// `node --test build/test/` loads every file under test/ as a test file; this one only runs a
// daemon when started as a program.
if (!process.env['NODE_TEST_CONTEXT']) main().then((code) => (process.exitCode = code));
