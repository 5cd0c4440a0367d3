import {
  chaincodeCodes,
  LedgerError,
  parseChaincodeCode,
  problemForLedgerFailure,
} from '../../../gateway/src/services/ledgerErrors.js';
import { toProblem } from '../../../gateway/src/middleware/errors.js';

describe('chaincode error mapping', () => {
  it('finds the code inside the text Fabric wraps around it', () => {
    expect(
      parseChaincodeCode(
        '10 ABORTED: failed to endorse: chaincode response 500, ALREADY_VOTED: already',
      ),
    ).toBe('ALREADY_VOTED');
    expect(parseChaincodeCode('no code here: at all')).toBeUndefined();
  });

  it.each([
    ['INVALID_ARGUMENT', 400, 'invalid-request'],
    ['NOT_FOUND', 404, 'not-found'],
    ['CONFLICT', 409, 'invalid-state'],
    ['FORBIDDEN', 403, 'forbidden'],
    ['NOT_REGISTERED', 403, 'not-registered'],
    ['NOT_ELIGIBLE', 403, 'not-eligible'],
    ['POLL_NOT_OPEN', 409, 'poll-not-open'],
    ['ALREADY_VOTED', 409, 'already-voted'],
    ['INVALID_STATE', 409, 'invalid-state'],
    ['TALLY_PENDING', 409, 'tally-pending'],
  ] as const)('maps %s to %i %s', (code, status, type) => {
    const problem = problemForLedgerFailure({ kind: 'chaincode', code });
    expect([problem.status, problem.type]).toEqual([status, type]);
  });

  it('covers every chaincode code, each a 4xx except the gateway’s own clock skew', () => {
    for (const code of chaincodeCodes) {
      const status = problemForLedgerFailure({ kind: 'chaincode', code }).status;
      if (code === 'CLOCK_SKEW') expect(status).toBe(503);
      else expect(status).toBeLessThan(500);
    }
  });

  it('answers an endorser’s CLOCK_SKEW refusal 503 unavailable: the gateway’s clock, not the caller', () => {
    expect(problemForLedgerFailure({ kind: 'chaincode', code: 'CLOCK_SKEW' }).type).toBe(
      'unavailable',
    );
  });

  it('answers 503 unavailable and 503 commit-pending with the txId', () => {
    expect(toProblem(new LedgerError({ kind: 'unavailable' })).toBody()).toMatchObject({
      type: 'unavailable',
      status: 503,
    });
    expect(
      toProblem(new LedgerError({ kind: 'commit-pending', txId: 'abc' })).toBody(),
    ).toMatchObject({
      type: 'commit-pending',
      status: 503,
      txId: 'abc',
    });
  });

  it('hides unknown errors behind a generic 500', () => {
    const body = toProblem(new Error('secret internal detail')).toBody();
    expect(body.status).toBe(500);
    expect(JSON.stringify(body)).not.toContain('secret');
  });
});
