import { status as StatusCode, type ServiceError } from '@grpc/grpc-js';
import fabricGateway from '@hyperledger/fabric-gateway';
// The client throws it from submit() but exports only its type.
import { SubmitError } from '@hyperledger/fabric-gateway/dist/submiterror.js';
import { translateFabricError } from '../../../gateway/src/fabric/fabricLedger.js';
import { LedgerError } from '../../../gateway/src/services/ledgerErrors.js';

// A CommonJS package: Node's ESM loader does not see these classes as named exports.
const { CommitStatusError, EndorseError } = fabricGateway;
type CommitStatusError = InstanceType<typeof CommitStatusError>;

const txId = 'f'.repeat(64);

function grpc(code: number, message: string): ServiceError {
  return Object.assign(new Error(message), {
    code,
    details: message,
    metadata: undefined,
  }) as never;
}

function submitError(code: number): SubmitError {
  return new SubmitError({
    code,
    details: [],
    cause: grpc(code, 'orderer'),
    transactionId: txId,
    message: 'submit failed',
  });
}

function commitStatusError(code: number): CommitStatusError {
  return new CommitStatusError({
    code,
    details: [],
    cause: grpc(code, 'peer'),
    transactionId: txId,
    message: 'commit status failed',
  });
}

describe('translating Fabric client errors', () => {
  it.each([
    ['UNAVAILABLE', StatusCode.UNAVAILABLE],
    ['DEADLINE_EXCEEDED', StatusCode.DEADLINE_EXCEEDED],
    ['CANCELLED', StatusCode.CANCELLED],
    ['ABORTED', StatusCode.ABORTED],
    ['INTERNAL', StatusCode.INTERNAL],
  ])(
    'calls a submit that failed with %s commit-pending with its txId, not unavailable',
    (_name, code) => {
      expect(translateFabricError(submitError(code), 'submit', txId).failure).toEqual({
        kind: 'commit-pending',
        txId,
      });
    },
  );

  it.each([
    ['UNAVAILABLE', StatusCode.UNAVAILABLE],
    ['DEADLINE_EXCEEDED', StatusCode.DEADLINE_EXCEEDED],
    ['CANCELLED', StatusCode.CANCELLED],
  ])(
    'calls a commit-status wait that failed with %s commit-pending with its txId',
    (_name, code) => {
      expect(translateFabricError(commitStatusError(code), 'commit', txId).failure).toEqual({
        kind: 'commit-pending',
        txId,
      });
    },
  );

  it('answers a failed endorsement unavailable, or the chaincode code it carries', () => {
    const refused = new EndorseError({
      code: StatusCode.ABORTED,
      details: [
        {
          address: 'peer0:8050',
          mspId: 'CivicChamberMSP',
          message: 'chaincode response 500, ALREADY_VOTED: already voted',
        },
      ],
      cause: grpc(StatusCode.ABORTED, 'endorse'),
      transactionId: txId,
      message: 'endorse failed',
    });
    expect(translateFabricError(refused, 'endorse', txId).failure).toEqual({
      kind: 'chaincode',
      code: 'ALREADY_VOTED',
    });
    const down = new EndorseError({
      code: StatusCode.UNAVAILABLE,
      details: [],
      cause: grpc(StatusCode.UNAVAILABLE, 'down'),
      transactionId: txId,
      message: 'connection refused',
    });
    expect(translateFabricError(down, 'endorse', txId).failure).toEqual({
      kind: 'unavailable',
      write: true,
    });
    expect(translateFabricError(down, 'evaluate').failure).toEqual({
      kind: 'unavailable',
      write: false,
    });
  });

  it('keeps the client error’s name, message, gRPC code and node details for the log', () => {
    const error = translateFabricError(commitStatusError(StatusCode.UNAVAILABLE), 'commit', txId);
    expect(error).toBeInstanceOf(LedgerError);
    expect(error.ledgerCause).toMatchObject({
      class: 'CommitStatusError',
      message: 'commit status failed',
      grpcCode: 'UNAVAILABLE',
    });
  });
});
