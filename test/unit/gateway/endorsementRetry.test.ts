import {
  endorsersDisagreed,
  retryWhenEndorsersDisagree,
} from '../../../gateway/src/fabric/fabricLedger.js';
import { LedgerError } from '../../../gateway/src/services/ledgerErrors.js';

/** What the adapter throws when Fabric's gateway saw two endorsers answer differently. */
const disagreement = new LedgerError(
  { kind: 'unavailable', write: true },
  {
    class: 'EndorseError',
    message: '10 ABORTED: failed to collect enough transaction endorsements',
    grpcCode: 'ABORTED',
    details: ['CivicChamberMSP peer-civic:7151: ProposalResponsePayloads do not match'],
  },
);

const unreachable = new LedgerError(
  { kind: 'unavailable', write: true },
  { class: 'EndorseError', message: '14 UNAVAILABLE: connection refused', grpcCode: 'UNAVAILABLE' },
);

/** An endorsement that fails with `errors` in turn, then answers with its attempt number. */
function endorsement(errors: readonly Error[]) {
  let attempts = 0;
  return {
    endorse: () => {
      attempts += 1;
      const error = errors[attempts - 1];
      return error === undefined ? Promise.resolve(attempts) : Promise.reject(error);
    },
    attempts: () => attempts,
  };
}

describe('endorsing again when the endorsers disagreed', () => {
  it('recognises the disagreement in the details Fabric gives per endorser, and nothing else', () => {
    expect(endorsersDisagreed(disagreement)).toBe(true);
    expect(endorsersDisagreed(unreachable)).toBe(false);
    expect(endorsersDisagreed(new Error('ProposalResponsePayloads do not match'))).toBe(false);
  });

  it('sends a new proposal after a disagreement, counts each retry, and returns its endorsement', async () => {
    const { endorse, attempts } = endorsement([disagreement, disagreement]);
    let retries = 0;
    const counted = (): void => {
      retries += 1;
    };
    await expect(retryWhenEndorsersDisagree(endorse, [1, 1, 1], counted)).resolves.toBe(3);
    expect(attempts()).toBe(3);
    expect(retries).toBe(2);
  });

  it('gives up with the last disagreement once its delays are spent', async () => {
    const { endorse, attempts } = endorsement([disagreement, disagreement, disagreement]);
    await expect(retryWhenEndorsersDisagree(endorse, [1, 1])).rejects.toBe(disagreement);
    expect(attempts()).toBe(3);
  });

  it('does not retry any other failure: an unreachable peer or a chaincode refusal is final here', async () => {
    const { endorse, attempts } = endorsement([unreachable]);
    await expect(retryWhenEndorsersDisagree(endorse, [1, 1])).rejects.toBe(unreachable);
    expect(attempts()).toBe(1);
  });
});
