// Domain names: validation before sending, encoding (with optional compression, the way BIND
// renders it), and a strict decoder (pointers only backwards, bounded, names <= 255 octets).
import { WireError, formatError } from './errors.js';

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/i;

/**
 * Check a host name before anything goes on the wire: ASCII only (punycode for IDNs), no empty
 * label, labels of at most 63 octets, the whole name at most 255 octets in wire form.
 * Returns the name lower-cased without a trailing dot.
 */
export function checkHostName(input: string, what = 'name'): string {
  const name = input.endsWith('.') ? input.slice(0, -1) : input;
  const fail = (why: string) => new WireError('BAD_NAME', `${what} ${JSON.stringify(input)} is not a valid DNS name: ${why}`);
  if (name === '') throw fail('it is empty');
  // eslint-disable-next-line no-control-regex
  if (/[^\x21-\x7e]/.test(name)) throw fail('use ASCII (punycode, xn--..., for international names)');
  if (wireLength(name) > 255) throw fail('longer than 255 octets');
  for (const label of name.split('.')) {
    if (label === '') throw fail('it has an empty label');
    if (label.length > 63) throw fail(`the label "${label.slice(0, 20)}..." is longer than 63 octets`);
    if (!LABEL.test(label)) throw fail(`the label "${label}" has characters other than letters, digits, "-" and "_"`);
  }
  return name.toLowerCase();
}

/** Octets of a name in uncompressed wire form ("" is the root). */
export function wireLength(name: string): number {
  return name === '' ? 1 : name.length + 2;
}

/** Does `name` lie at or below `zone`? Both lower-case, no trailing dot. */
export function isSubdomain(name: string, zone: string): boolean {
  return zone === '' || name === zone || name.endsWith(`.${zone}`);
}

/** Appends to a growing message; remembers where names were written for compression. */
export class Writer {
  private chunks: Buffer[] = [];
  private length = 0;
  private readonly names = new Map<string, number>();

  constructor(private readonly compress: boolean) {}

  get offset(): number {
    return this.length;
  }

  bytes(b: Uint8Array): void {
    const buf = Buffer.from(b);
    this.chunks.push(buf);
    this.length += buf.length;
  }

  u16(n: number): void {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(n);
    this.bytes(b);
  }

  u32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    this.bytes(b);
  }

  /** Write a (validated, lower-case) name; with compression, point at the longest suffix
   * already in the message. `compressible: false` writes it whole and does not record it. */
  name(name: string, compressible = true): void {
    const labels = name === '' ? [] : name.split('.');
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join('.');
      const at = this.compress && compressible ? this.names.get(suffix) : undefined;
      if (at !== undefined) {
        this.u16(0xc000 | at);
        return;
      }
      if (compressible && this.offset < 0x4000 && !this.names.has(suffix)) this.names.set(suffix, this.offset);
      const label = Buffer.from(labels[i]!, 'ascii');
      this.bytes(Buffer.concat([Buffer.from([label.length]), label]));
    }
    this.bytes(Buffer.from([0]));
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }
}

/**
 * Decode a name at `offset` of `msg`. Pointers must point strictly backwards (no loops), the
 * name is at most 255 octets, labels are at most 63 octets. Returns the name (lower-case, no
 * trailing dot) and the offset just after it in the original position.
 */
export function readName(msg: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let pos = offset;
  let end = -1;
  let total = 1;
  let lowest = offset; // every pointer must go below the position we jumped from
  for (;;) {
    if (pos >= msg.length) throw formatError('a name runs past the end of the message');
    const len = msg[pos]!;
    if (len === 0) {
      if (end < 0) end = pos + 1;
      break;
    }
    const tag = len & 0xc0;
    if (tag === 0xc0) {
      if (pos + 1 >= msg.length) throw formatError('a compression pointer runs past the end of the message');
      const target = ((len & 0x3f) << 8) | msg[pos + 1]!;
      if (end < 0) end = pos + 2;
      if (target >= lowest) throw formatError('a compression pointer does not point backwards (loop)');
      lowest = target;
      pos = target;
      continue;
    }
    if (tag !== 0) throw formatError(`unsupported label type 0x${tag.toString(16)}`);
    if (pos + 1 + len > msg.length) throw formatError('a label runs past the end of the message');
    total += len + 1;
    if (total > 255) throw formatError('a name is longer than 255 octets');
    labels.push(msg.toString('latin1', pos + 1, pos + 1 + len).toLowerCase());
    pos += 1 + len;
  }
  return { name: labels.join('.'), end };
}
