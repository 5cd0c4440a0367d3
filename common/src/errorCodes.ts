/** The codes the chaincode puts before the colon of the errors it throws on purpose. */
export const CHAINCODE_ERROR_CODES = [
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
  'CLOCK_SKEW',
] as const;
export type ChaincodeErrorCode = (typeof CHAINCODE_ERROR_CODES)[number];

/** `<CODE>: detail`: fabric-shim hands this to the peer, and clients find the code in it. */
export function codedMessage(code: ChaincodeErrorCode, detail: string): string {
  return `${code}: ${detail}`;
}

const codePattern = new RegExp(`\\b(${CHAINCODE_ERROR_CODES.join('|')}):`);

/**
 * Finds the code inside whatever text a Fabric client wraps the chaincode's message in
 * (`chaincode response 500, NOT_FOUND: ...`). The prose after the colon is never used.
 */
export function chaincodeErrorCodeIn(message: string): ChaincodeErrorCode | undefined {
  const found = codePattern.exec(message)?.[1];
  return CHAINCODE_ERROR_CODES.find((code) => code === found);
}
