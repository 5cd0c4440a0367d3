import {
  assertValidChoices,
  ballotSchema,
  castBallot,
} from '../../../../chaincode/src/domain/ballot';
import { ballotIdOf } from '../../../../chaincode/src/domain/ids';
import { makePoll } from '../pollFixture';

const RESIDENT = 'b'.repeat(64);
const poll = makePoll({}, { status: 'open' });
const tx = (n: number): { txId: string; txTime: Date } => ({
  txId: String(n).repeat(64).slice(0, 64),
  txTime: new Date(`2026-03-0${n}T00:00:00Z`),
});

describe('assertValidChoices', () => {
  it('accepts unique known choices up to maxChoices', () => {
    expect(() => {
      assertValidChoices(poll, ['north', 'east']);
    }).not.toThrow();
  });

  it.each([
    ['empty', []],
    ['duplicate', ['north', 'north']],
    ['unknown', ['west']],
    ['too many', ['north', 'south', 'east']],
  ])('rejects %s choices with INVALID_ARGUMENT', (_, choices) => {
    expect(() => {
      assertValidChoices(poll, choices);
    }).toThrow(/^INVALID_ARGUMENT: /);
  });
});

describe('castBallot', () => {
  it('records a first ballot as revision 1 with a stable ballotId', () => {
    const { ballot, previousChoices } = castBallot(poll, RESIDENT, ['south'], null, tx(1));
    expect(ballot).toEqual({
      pollId: poll.pollId,
      residentId: RESIDENT,
      ballotId: ballotIdOf(poll.pollId, RESIDENT),
      choices: ['south'],
      txId: tx(1).txId,
      revision: 1,
      recordedAt: '2026-03-01T00:00:00.000Z',
    });
    expect(previousChoices).toBeUndefined();
    expect(ballotSchema.parse(ballot)).toEqual(ballot);
  });

  it('refuses a second ballot with ALREADY_VOTED when re-voting is off', () => {
    const { ballot } = castBallot(poll, RESIDENT, ['south'], null, tx(1));
    expect(() => castBallot(poll, RESIDENT, ['north'], ballot, tx(2))).toThrow(/^ALREADY_VOTED: /);
  });

  it('replaces the ballot on a re-vote, bumping the revision and reporting the old choices', () => {
    const revotable = makePoll({ allowRevote: true }, { status: 'open' });
    const first = castBallot(revotable, RESIDENT, ['south'], null, tx(1)).ballot;
    const second = castBallot(revotable, RESIDENT, ['north', 'east'], first, tx(2));
    expect(second.ballot.revision).toBe(2);
    expect(second.ballot.ballotId).toBe(first.ballotId);
    expect(second.ballot.choices).toEqual(['north', 'east']);
    expect(second.previousChoices).toEqual(['south']);
  });

  it('checks the choices before the earlier ballot', () => {
    const { ballot } = castBallot(poll, RESIDENT, ['south'], null, tx(1));
    expect(() => castBallot(poll, RESIDENT, ['west'], ballot, tx(2))).toThrow(
      /^INVALID_ARGUMENT: /,
    );
  });
});
