export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'CONFLICT',
  'FORBIDDEN',
  'NOT_REGISTERED',
  'NOT_ELIGIBLE',
  'POLL_NOT_OPEN',
  'ALREADY_VOTED',
  'INVALID_STATE',
  'TALLY_PENDING',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * The only error the chaincode throws on purpose. fabric-shim hands `message` to the peer as the
 * transaction's error, so the gateway maps the code prefix and never parses the prose. Messages
 * are logged by the chaincode server and returned to clients: they never carry personal details.
 */
export class VecheError extends Error {
  readonly code: ErrorCode;
  readonly detail: string;

  constructor(code: ErrorCode, detail: string) {
    super(`${code}: ${detail}`);
    this.name = 'VecheError';
    this.code = code;
    this.detail = detail;
  }
}

export function fail(code: ErrorCode, detail: string): never {
  throw new VecheError(code, detail);
}
