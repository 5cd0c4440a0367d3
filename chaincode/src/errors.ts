import { CHAINCODE_ERROR_CODES, codedMessage, type ChaincodeErrorCode } from '@veche/common';

export const ERROR_CODES = CHAINCODE_ERROR_CODES;
export type ErrorCode = ChaincodeErrorCode;

/**
 * The only error the chaincode throws on purpose. fabric-shim hands `message` to the peer as the
 * transaction's error, so the gateway maps the code prefix and never parses the prose. Messages
 * are logged by the chaincode server and returned to clients: they never carry personal details.
 */
export class VecheError extends Error {
  readonly code: ErrorCode;
  readonly detail: string;

  constructor(code: ErrorCode, detail: string) {
    super(codedMessage(code, detail));
    this.name = 'VecheError';
    this.code = code;
    this.detail = detail;
  }
}

export function fail(code: ErrorCode, detail: string): never {
  throw new VecheError(code, detail);
}
