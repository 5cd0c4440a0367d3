import { assertWithinClockSkew } from '../../../../chaincode/src/domain/clock';

describe('assertWithinClockSkew', () => {
  const endorser = new Date('2026-05-01T12:00:00.000Z');
  const at = (offsetMs: number): Date => new Date(endorser.getTime() + offsetMs);

  it('accepts a timestamp up to the skew either side of the endorser’s clock', () => {
    for (const offset of [0, 60_000, -60_000, 1_500, -59_999]) {
      expect(() => {
        assertWithinClockSkew(at(offset), endorser, 60);
      }).not.toThrow();
    }
  });

  it.each([
    ['late', 60_001],
    ['early', -60_001],
    ['an hour late', 3_600_000],
  ])('refuses a timestamp that is %s with CLOCK_SKEW', (_, offset) => {
    expect(() => {
      assertWithinClockSkew(at(offset), endorser, 60);
    }).toThrow(/^CLOCK_SKEW: /);
  });

  it('refuses a timestamp that is not a date', () => {
    expect(() => {
      assertWithinClockSkew(new Date(Number.NaN), endorser, 60);
    }).toThrow(/^CLOCK_SKEW: /);
  });
});
