import { pollIdFromTxId } from '../../../../chaincode/src/domain/ids';
import {
  assertAcceptingBallots,
  createPoll,
  hasEligibilityRules,
  isAcceptingBallots,
  pollDraftSchema,
  pollSchema,
  transitionPoll,
} from '../../../../chaincode/src/domain/poll';
import { draftInput, makePoll, TX_ID } from '../pollFixture';

function options(count: number): { id: string; label: string }[] {
  return Array.from({ length: count }, (_, i) => ({ id: `o${i}`, label: `Option ${i}` }));
}

function accepts(overrides: Record<string, unknown>): boolean {
  return pollDraftSchema.safeParse(draftInput(overrides)).success;
}

describe('pollDraftSchema', () => {
  it('fills the defaults for revoting and visibility', () => {
    const draft = pollDraftSchema.parse(draftInput());
    expect(draft.allowRevote).toBe(false);
    expect(draft.resultsVisibility).toBe('after-close');
  });

  it('counts title length in code points, so 200 emoji fit and 201 do not', () => {
    expect(accepts({ title: '😀'.repeat(200) })).toBe(true);
    expect(accepts({ title: '😀'.repeat(201) })).toBe(false);
    expect(accepts({ title: '' })).toBe(false);
  });

  it('allows an empty description and at most 10000 code points', () => {
    expect(accepts({ description: '' })).toBe(true);
    expect(accepts({ description: '𝄞'.repeat(10000) })).toBe(true);
    expect(accepts({ description: '𝄞'.repeat(10001) })).toBe(false);
  });

  it('requires 2..50 options with unique ids of the allowed form', () => {
    expect(accepts({ options: options(1), maxChoices: 1 })).toBe(false);
    expect(accepts({ options: options(2), maxChoices: 1 })).toBe(true);
    expect(accepts({ options: options(50), maxChoices: 1 })).toBe(true);
    expect(accepts({ options: options(51), maxChoices: 1 })).toBe(false);
    const duplicate = [
      { id: 'a', label: 'A' },
      { id: 'a', label: 'B' },
    ];
    expect(accepts({ options: duplicate, maxChoices: 1 })).toBe(false);
    for (const id of ['A', 'a_b', '', 'x'.repeat(33)]) {
      expect(accepts({ options: [{ id, label: 'L' }, ...options(2)], maxChoices: 1 })).toBe(false);
    }
    expect(accepts({ options: [{ id: 'x'.repeat(32), label: 'L' }, ...options(1)] })).toBe(true);
  });

  it('limits option labels to 1..200 code points', () => {
    const withLabel = (label: string): unknown[] => [{ id: 'a', label }, ...options(1)];
    expect(accepts({ options: withLabel('😀'.repeat(200)), maxChoices: 1 })).toBe(true);
    expect(accepts({ options: withLabel('😀'.repeat(201)), maxChoices: 1 })).toBe(false);
    expect(accepts({ options: withLabel(''), maxChoices: 1 })).toBe(false);
  });

  it('keeps maxChoices within 1..number of options', () => {
    expect(accepts({ maxChoices: 0 })).toBe(false);
    expect(accepts({ maxChoices: 3 })).toBe(true);
    expect(accepts({ maxChoices: 4 })).toBe(false);
    expect(accepts({ maxChoices: 1.5 })).toBe(false);
  });

  it('requires closesAt after opensAt and normalises times to UTC', () => {
    expect(accepts({ closesAt: '2026-03-01T00:00:00Z' })).toBe(false);
    expect(accepts({ opensAt: 'yesterday' })).toBe(false);
    const draft = pollDraftSchema.parse(draftInput({ opensAt: '2026-03-01T03:00:00+03:00' }));
    expect(draft.opensAt).toBe('2026-03-01T00:00:00.000Z');
  });

  it('bounds eligibility: 1..100 districts, minAge 0..150', () => {
    expect(accepts({ eligibility: { districts: [] } })).toBe(false);
    expect(accepts({ eligibility: { districts: Array(100).fill('Arbat') } })).toBe(true);
    expect(accepts({ eligibility: { districts: Array(101).fill('Arbat') } })).toBe(false);
    expect(accepts({ eligibility: { minAge: 0 } })).toBe(true);
    expect(accepts({ eligibility: { minAge: 150 } })).toBe(true);
    expect(accepts({ eligibility: { minAge: 151 } })).toBe(false);
    expect(accepts({ eligibility: { minAge: -1 } })).toBe(false);
  });

  it('rejects unknown fields, at the top level and inside', () => {
    expect(accepts({ colour: 'red' })).toBe(false);
    expect(accepts({ eligibility: { minAge: 18, gender: 'any' } })).toBe(false);
  });

  it('accepts only the two visibilities', () => {
    expect(accepts({ resultsVisibility: 'live' })).toBe(true);
    expect(accepts({ resultsVisibility: 'never' })).toBe(false);
  });
});

describe('createPoll', () => {
  it('starts a draft whose ID comes from the transaction ID', () => {
    const poll = makePoll();
    expect(poll.status).toBe('draft');
    expect(poll.pollId).toBe(pollIdFromTxId(TX_ID));
    expect(poll.txId).toBe(TX_ID);
    expect(poll.department).toBe('ITDeptMSP');
    expect(poll.createdAt).toBe('2026-02-01T10:00:00.000Z');
    expect(poll.shardCount).toBe(64);
    expect(pollSchema.parse(poll)).toEqual(poll);
  });

  it('takes a custom shard count, which the stored schema bounds below by 32', () => {
    const draft = pollDraftSchema.parse(draftInput());
    const creation = { txId: TX_ID, txTime: new Date(), department: 'D' };
    expect(pollSchema.safeParse(createPoll(draft, { ...creation, shardCount: 32 })).success).toBe(
      true,
    );
    expect(pollSchema.safeParse(createPoll(draft, { ...creation, shardCount: 16 })).success).toBe(
      false,
    );
  });
});

describe('transitionPoll', () => {
  it('goes draft → open → closed', () => {
    const open = transitionPoll(makePoll(), 'open');
    expect(open.status).toBe('open');
    expect(transitionPoll(open, 'close').status).toBe('closed');
  });

  it.each([
    ['open', 'open'],
    ['open', 'closed'],
    ['close', 'draft'],
    ['close', 'closed'],
  ] as const)('refuses to %s a poll that is %s with INVALID_STATE', (action, status) => {
    expect(() => transitionPoll(makePoll({}, { status }), action)).toThrow(/^INVALID_STATE: /);
  });
});

describe('isAcceptingBallots', () => {
  const open = makePoll({}, { status: 'open' });

  it('accepts from opensAt inclusive to closesAt exclusive', () => {
    expect(isAcceptingBallots(open, new Date('2026-02-28T23:59:59.999Z'))).toBe(false);
    expect(isAcceptingBallots(open, new Date('2026-03-01T00:00:00.000Z'))).toBe(true);
    expect(isAcceptingBallots(open, new Date('2026-03-31T23:59:59.999Z'))).toBe(true);
    expect(isAcceptingBallots(open, new Date('2026-04-01T00:00:00.000Z'))).toBe(false);
  });

  it('refuses inside the window unless the poll is open', () => {
    const inside = new Date('2026-03-15T00:00:00Z');
    expect(isAcceptingBallots(makePoll(), inside)).toBe(false);
    expect(isAcceptingBallots(makePoll({}, { status: 'closed' }), inside)).toBe(false);
    expect(() => {
      assertAcceptingBallots(makePoll({}, { status: 'closed' }), inside);
    }).toThrow('POLL_NOT_OPEN: the poll is closed');
  });
});

describe('hasEligibilityRules', () => {
  it('is true only when districts or minAge are set', () => {
    expect(hasEligibilityRules(makePoll())).toBe(false);
    expect(hasEligibilityRules(makePoll({ eligibility: {} }))).toBe(false);
    expect(hasEligibilityRules(makePoll({ eligibility: { minAge: 0 } }))).toBe(true);
    expect(hasEligibilityRules(makePoll({ eligibility: { districts: ['Arbat'] } }))).toBe(true);
  });
});
