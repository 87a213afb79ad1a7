// Typed failures of the DNS wire layer. Every malformed or unexpected answer ends in one of
// these (never a RangeError or a hang), so callers and fuzz tests can tell "the peer sent junk"
// from a bug.

export type WireErrorCode =
  | 'BAD_NAME' // a host name we were asked to send is not a valid DNS name
  | 'FORMAT' // the answer is not a well-formed DNS message
  | 'MISMATCH' // well-formed, but not the answer to our request (ID, QR, opcode, question)
  | 'TSIG' // the answer's TSIG is missing, wrong or reports an error
  | 'TIMEOUT' // no (valid) answer before the deadline
  | 'NETWORK'; // the socket failed (connection refused, unreachable, reset)

export class WireError extends Error {
  constructor(
    readonly code: WireErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WireError';
  }
}

export const formatError = (message: string) => new WireError('FORMAT', message);
