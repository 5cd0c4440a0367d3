import {
  ballotIdOf,
  pollIdFromTxId,
  pollIdSchema,
  residentIdSchema,
} from '../../../../chaincode/src/domain/ids';

describe('pollIdFromTxId', () => {
  it('derives a stable 32-hex-digit ID from the transaction ID', () => {
    const id = pollIdFromTxId('3f'.repeat(32));
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(pollIdFromTxId('3f'.repeat(32))).toBe(id);
    expect(pollIdFromTxId('40'.repeat(32))).not.toBe(id);
  });
});

describe('ballotIdOf', () => {
  it('names the (poll, resident) pair', () => {
    const poll = '0'.repeat(32);
    expect(ballotIdOf(poll, 'a'.repeat(64))).toBe(ballotIdOf(poll, 'a'.repeat(64)));
    expect(ballotIdOf(poll, 'a'.repeat(64))).not.toBe(ballotIdOf(poll, 'b'.repeat(64)));
  });
});

describe('ID schemas', () => {
  it('require lowercase hex of the exact length', () => {
    expect(residentIdSchema.safeParse('a'.repeat(64)).success).toBe(true);
    expect(residentIdSchema.safeParse('A'.repeat(64)).success).toBe(false);
    expect(residentIdSchema.safeParse('a'.repeat(63)).success).toBe(false);
    expect(pollIdSchema.safeParse('0'.repeat(32)).success).toBe(true);
    expect(pollIdSchema.safeParse('0'.repeat(33)).success).toBe(false);
  });
});
