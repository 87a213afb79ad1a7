// TSIG keys from the files BIND administrators already have: `key "n" { algorithm a; secret "s"; };`
// (tsig-keygen, ddns-confgen, named.conf includes; several keys per file, picked by name) and
// dnssec-keygen `K<name>.+<alg>+<id>.private` (the key name comes from the file name).
// Errors name the file and what is wrong; they never contain the secret.
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { algorithmFromName, type Algorithm, type TsigKey } from './tsig.js';
import { checkHostName } from './name.js';

export class KeyFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyFileError';
  }
}

const K_FILE = /^K(.+)\.\+(\d{3})\+(\d{5})\.(private|key)$/;

const DST_ALGORITHMS: Record<string, Algorithm> = {
  '157': 'hmac-md5',
  '161': 'hmac-sha1',
  '162': 'hmac-sha224',
  '163': 'hmac-sha256',
  '164': 'hmac-sha384',
  '165': 'hmac-sha512',
};

function decodeSecret(text: string, where: string): Buffer {
  const clean = text.replace(/\s+/g, '');
  if (clean === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(clean) || clean.length % 4 !== 0)
    throw new KeyFileError(`${where}: the secret is not valid base64`);
  return Buffer.from(clean, 'base64');
}

/** Build a key from its parts (inline `key:` settings use this too). */
export function makeKey(name: string, algorithm: string, secret: string, where: string): TsigKey {
  const alg = algorithmFromName(algorithm);
  if (!alg) throw new KeyFileError(`${where}: unknown algorithm "${algorithm}" (use hmac-md5, hmac-sha1, hmac-sha224, hmac-sha256, hmac-sha384 or hmac-sha512)`);
  let keyName: string;
  try {
    keyName = checkHostName(name, 'key name');
  } catch (e) {
    throw new KeyFileError(`${where}: ${(e as Error).message}`);
  }
  return { name: keyName, algorithm: alg, secret: decodeSecret(secret, where) };
}

type Token = { kind: 'word' | 'string' | 'punct'; text: string };

function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s+|\/\/[^\n]*|#[^\n]*|\/\*[\s\S]*?\*\/|"((?:[^"\\]|\\.)*)"|([{};])|([^\s{};"]+)/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length) {
    const at = re.lastIndex;
    m = re.exec(text);
    if (!m) throw new KeyFileError(`${file}: cannot read the key file near line ${text.slice(0, at).split('\n').length} (unterminated string or comment?)`);
    if (m[1] !== undefined) tokens.push({ kind: 'string', text: m[1].replace(/\\(.)/g, '$1') });
    else if (m[2] !== undefined) tokens.push({ kind: 'punct', text: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: 'word', text: m[3] });
  }
  return tokens;
}

/** Every `key` block of a named.conf-style file, in order. */
export function parseKeyBlocks(text: string, file: string): TsigKey[] {
  const t = tokenize(text, file);
  const keys: TsigKey[] = [];
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    const tok = t[i]!;
    if (tok.kind === 'punct' && tok.text === '{') depth++;
    else if (tok.kind === 'punct' && tok.text === '}') depth--;
    else if (depth === 0 && tok.kind === 'word' && tok.text === 'key' && t[i + 2]?.text === '{') {
      const name = t[i + 1]!.text;
      const where = `${file}: key "${name}"`;
      let algorithm: string | undefined;
      let secret: string | undefined;
      let j = i + 3;
      for (; j < t.length && !(t[j]!.kind === 'punct' && t[j]!.text === '}'); j++) {
        const word = t[j]!.text.toLowerCase();
        if ((word === 'algorithm' || word === 'secret') && t[j + 2]?.text === ';') {
          if (word === 'algorithm') algorithm = t[j + 1]!.text;
          else secret = t[j + 1]!.text;
          j += 2;
        } else {
          throw new KeyFileError(`${where}: unexpected "${t[j]!.kind === 'string' ? '<string>' : t[j]!.text.slice(0, 20)}" (expected algorithm ...; secret "...";)`);
        }
      }
      if (j >= t.length) throw new KeyFileError(`${where}: the block is not closed with "};"`);
      if (!algorithm) throw new KeyFileError(`${where}: no algorithm`);
      if (secret === undefined) throw new KeyFileError(`${where}: no secret`);
      keys.push(makeKey(name, algorithm, secret, where));
      i = j;
    }
  }
  if (depth !== 0) throw new KeyFileError(`${file}: unbalanced braces`);
  return keys;
}

/** A dnssec-keygen `.private` file; `name` comes from the file name. */
export function parsePrivateFile(text: string, file: string, name: string, algNumber: string): TsigKey {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line.trim());
    if (m) fields.set(m[1]!.toLowerCase(), m[2]!.trim());
  }
  if (!fields.has('private-key-format')) throw new KeyFileError(`${file}: not a dnssec-keygen private key file (no Private-key-format line)`);
  const algLine = fields.get('algorithm');
  const alg = algLine?.split(/\s/)[0];
  if (!alg || !DST_ALGORITHMS[alg]) throw new KeyFileError(`${file}: Algorithm ${algLine ?? '(missing)'} is not an HMAC (TSIG) algorithm`);
  if (alg !== String(Number(algNumber))) throw new KeyFileError(`${file}: Algorithm ${alg} differs from the file name's ${algNumber}`);
  const bits = fields.get('bits');
  if (bits && Buffer.from(bits, 'base64').readUInt16BE(0) !== 0) throw new KeyFileError(`${file}: truncated MACs (Bits) are not supported`);
  const secret = fields.get('key');
  if (secret === undefined) throw new KeyFileError(`${file}: no Key line`);
  return makeKey(name, DST_ALGORITHMS[alg]!, secret, file);
}

/** Load the key for `keyName` (or the only key) from a key file. */
export function loadKeyFile(path: string, keyName?: string): TsigKey {
  let file = path;
  const k = K_FILE.exec(basename(path));
  if (k && k[4] === 'key') file = join(dirname(path), basename(path).replace(/\.key$/, '.private'));
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new KeyFileError(`${file}: cannot read the key file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (k) {
    const key = parsePrivateFile(text, file, k[1]!, k[2]!);
    if (keyName && checkHostName(keyName) !== key.name)
      throw new KeyFileError(`${file}: the key is named "${key.name}" (from the file name), not "${keyName}"`);
    return key;
  }
  const keys = parseKeyBlocks(text, file);
  if (keys.length === 0) throw new KeyFileError(`${file}: no key "name" { algorithm ...; secret "..."; }; block`);
  if (keyName) {
    const want = keyName.toLowerCase().replace(/\.$/, '');
    const key = keys.find((x) => x.name === want);
    if (!key) throw new KeyFileError(`${file}: no key named "${keyName}" (the file has ${keys.map((x) => `"${x.name}"`).join(', ')})`);
    return key;
  }
  if (keys.length > 1) throw new KeyFileError(`${file}: the file has several keys (${keys.map((x) => `"${x.name}"`).join(', ')}); choose one with key_name`);
  return keys[0]!;
}
