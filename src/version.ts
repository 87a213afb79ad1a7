// The version, inlined by the bundler; read from package.json when running from build/.
import { readFileSync } from 'node:fs';

declare const DDNSD_VERSION: string | undefined;

export const VERSION: string =
  typeof DDNSD_VERSION === 'string'
    ? DDNSD_VERSION
    : (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export const USER_AGENT = `ddnsd/${VERSION} (dynamic DNS client)`;
