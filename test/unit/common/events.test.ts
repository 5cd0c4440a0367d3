import { EVENT_ACTIONS, ledgerEventSchema } from '@veche/common';

describe('the chaincode event, one definition for writer and readers', () => {
  it('parses a ballot’s event as the chaincode writes it, dropping fields it does not name', () => {
    const event = {
      action: 'BallotCast',
      mspId: 'ITDeptMSP',
      actor: 'resident',
      actorId: 'a'.repeat(64),
      pollId: '0'.repeat(32),
      residentId: 'a'.repeat(64),
      choices: ['park'],
      previousChoices: ['yard'],
      revision: 2,
    };
    expect(ledgerEventSchema.parse({ ...event, extra: 'x' })).toEqual(event);
  });

  it('refuses an unknown action or actor, and choices that are not strings', () => {
    const base = { action: 'PollCreated', mspId: 'ITDeptMSP', actor: 'official' };
    expect(ledgerEventSchema.safeParse(base).success).toBe(true);
    expect(ledgerEventSchema.safeParse({ ...base, action: 'Anything' }).success).toBe(false);
    expect(ledgerEventSchema.safeParse({ ...base, actor: 'mayor' }).success).toBe(false);
    expect(ledgerEventSchema.safeParse({ ...base, choices: [1] }).success).toBe(false);
    expect(EVENT_ACTIONS).toContain('TallyFinalized');
  });
});
