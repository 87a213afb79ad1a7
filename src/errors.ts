// One error type with stable codes. `kind` decides what ddnsd does next:
//   transient → back off and retry later (exit 1)
//   permanent → stop this record until its config changes (exit 3)
//   config    → nothing was sent; fix the configuration (exit 2)

export type ErrorKind = 'transient' | 'permanent' | 'config';

export class DdnsError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  /** The server asked us not to come back before this time (Retry-After, 911, ...). */
  readonly retryAfter?: Date;

  constructor(kind: ErrorKind, code: string, message: string, opts: { retryAfter?: Date; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'DdnsError';
    this.kind = kind;
    this.code = code;
    if (opts.retryAfter) this.retryAfter = opts.retryAfter;
  }
}

export const transient = (code: string, message: string, opts?: { retryAfter?: Date; cause?: unknown }) =>
  new DdnsError('transient', code, message, opts);
export const permanent = (code: string, message: string, opts?: { cause?: unknown }) =>
  new DdnsError('permanent', code, message, opts);
export const configError = (code: string, message: string) => new DdnsError('config', code, message);

export const EXIT = { ok: 0, transient: 1, config: 2, permanent: 3, locked: 4 } as const;
