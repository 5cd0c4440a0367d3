import {
  ballotChoicesFor,
  ballotChoicesSchema,
  boundedText,
  CHAINCODE_ERROR_CODES,
  chaincodeErrorCodeIn,
  codedMessage,
  codePointLength,
  isoInstantSchema,
  pollDraftSchema,
} from '@veche/common';

function options(count: number): { id: string; label: string }[] {
  return Array.from({ length: count }, (_, i) => ({ id: `o${i}`, label: `Option ${i}` }));
}

const draft = {
  title: 'Which bridge should be repaired first?',
  description: '',
  options: options(3),
  maxChoices: 2,
  opensAt: '2026-03-01T00:00:00Z',
  closesAt: '2026-04-01T00:00:00Z',
};

function accepts(overrides: Record<string, unknown>): boolean {
  return pollDraftSchema.safeParse({ ...draft, ...overrides }).success;
}

function issues(result: {
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}): [string, string][] {
  return (result.error?.issues ?? []).map((issue) => [issue.path.join('/'), issue.message]);
}

describe('codePointLength and boundedText', () => {
  it('counts an astral character once, not as two UTF-16 units', () => {
    expect(codePointLength('😀')).toBe(1);
    expect('😀'.length).toBe(2);
    expect(codePointLength('Вече 🗳')).toBe(6);
  });

  it('bounds text in code points, both ends inclusive', () => {
    const text = boundedText(1, 3);
    expect(text.safeParse('𝄞𝄞𝄞').success).toBe(true);
    expect(text.safeParse('𝄞𝄞𝄞𝄞').success).toBe(false);
    expect(issues(text.safeParse(''))).toEqual([['', 'must be 1 to 3 characters']]);
  });
});

describe('isoInstantSchema', () => {
  it('accepts Z or an offset and rewrites the instant in UTC', () => {
    expect(isoInstantSchema.parse('2026-03-01T03:00:00+03:00')).toBe('2026-03-01T00:00:00.000Z');
    expect(isoInstantSchema.parse('2026-03-01T00:00:00.5Z')).toBe('2026-03-01T00:00:00.500Z');
  });

  it.each(['2026-03-01T00:00:00', '2026-03-01', '2026-02-30T00:00:00Z', 'yesterday', ''])(
    'rejects %j',
    (text) => {
      expect(isoInstantSchema.safeParse(text).success).toBe(false);
    },
  );
});

describe('pollDraftSchema', () => {
  it('accepts a draft without the optional fields and adds no defaults', () => {
    expect(pollDraftSchema.parse(draft)).toEqual({
      ...draft,
      opensAt: '2026-03-01T00:00:00.000Z',
      closesAt: '2026-04-01T00:00:00.000Z',
    });
  });

  it('limits title, description and labels in code points', () => {
    expect(accepts({ title: '😀'.repeat(200) })).toBe(true);
    expect(accepts({ title: '😀'.repeat(201) })).toBe(false);
    expect(accepts({ title: '' })).toBe(false);
    expect(accepts({ description: '𝄞'.repeat(10000) })).toBe(true);
    expect(accepts({ description: '𝄞'.repeat(10001) })).toBe(false);
    expect(accepts({ options: [{ id: 'a', label: '😀'.repeat(200) }, ...options(1)] })).toBe(true);
    expect(accepts({ options: [{ id: 'a', label: '😀'.repeat(201) }, ...options(1)] })).toBe(false);
  });

  it('takes 2..50 options whose ids match ^[a-z0-9-]{1,32}$', () => {
    expect(accepts({ options: options(1), maxChoices: 1 })).toBe(false);
    expect(accepts({ options: options(50), maxChoices: 50 })).toBe(true);
    expect(accepts({ options: options(51), maxChoices: 1 })).toBe(false);
    expect(accepts({ options: [{ id: 'x'.repeat(32), label: 'L' }, ...options(1)] })).toBe(true);
    for (const id of ['A', 'a_b', '', 'x'.repeat(33)]) {
      expect(accepts({ options: [{ id, label: 'L' }, ...options(2)], maxChoices: 1 })).toBe(false);
    }
  });

  it('bounds eligibility: 1..100 districts of 1..200 code points, minAge an integer 0..150', () => {
    expect(accepts({ eligibility: {} })).toBe(true);
    expect(accepts({ eligibility: { districts: [] } })).toBe(false);
    expect(accepts({ eligibility: { districts: Array(100).fill('Arbat') } })).toBe(true);
    expect(accepts({ eligibility: { districts: Array(101).fill('Arbat') } })).toBe(false);
    expect(accepts({ eligibility: { districts: [''] } })).toBe(false);
    expect(accepts({ eligibility: { districts: ['😀'.repeat(201)] } })).toBe(false);
    expect(accepts({ eligibility: { minAge: 0 } })).toBe(true);
    expect(accepts({ eligibility: { minAge: 150 } })).toBe(true);
    expect(accepts({ eligibility: { minAge: 151 } })).toBe(false);
    expect(accepts({ eligibility: { minAge: 17.5 } })).toBe(false);
  });

  it('rejects unknown fields at the top level and inside', () => {
    expect(accepts({ colour: 'red' })).toBe(false);
    expect(accepts({ eligibility: { minAge: 18, gender: 'any' } })).toBe(false);
    expect(accepts({ options: [{ id: 'a', label: 'A', extra: 1 }, ...options(1)] })).toBe(false);
  });

  it('reports the cross-field rules at the field that is wrong', () => {
    const result = pollDraftSchema.safeParse({
      ...draft,
      options: [...options(2), { id: 'o0', label: 'Again' }],
      maxChoices: 4,
      closesAt: '2026-03-01T03:00:00+03:00',
    });
    expect(issues(result)).toEqual([
      ['options/2/id', 'duplicate option id'],
      ['maxChoices', 'must not exceed the number of options'],
      ['closesAt', 'must be after opensAt'],
    ]);
  });

  it('compares instants, not their text', () => {
    expect(
      accepts({ opensAt: '2026-03-01T02:00:00+03:00', closesAt: '2026-03-01T00:00:00Z' }),
    ).toBe(true);
  });
});

describe('ballot choices', () => {
  it('takes 1..50 option ids and reports a repeat at its index', () => {
    expect(ballotChoicesSchema.safeParse(['o0']).success).toBe(true);
    expect(ballotChoicesSchema.safeParse([]).success).toBe(false);
    expect(ballotChoicesSchema.safeParse(options(50).map((o) => o.id)).success).toBe(true);
    expect(ballotChoicesSchema.safeParse(options(51).map((o) => o.id)).success).toBe(false);
    expect(ballotChoicesSchema.safeParse(['North']).success).toBe(false);
    expect(issues(ballotChoicesSchema.safeParse(['a', 'b', 'a']))).toEqual([
      ['2', 'duplicate choice'],
    ]);
  });

  it('given a poll, also takes only its options and at most maxChoices', () => {
    const choices = ballotChoicesFor(draft);
    expect(choices.safeParse(['o0', 'o2']).success).toBe(true);
    expect(issues(choices.safeParse(['o0', 'o3']))).toEqual([['1', 'not an option of this poll']]);
    expect(issues(choices.safeParse(['o0', 'o1', 'o2']))).toEqual([['', 'at most 2 choices']]);
  });
});

describe('chaincode error codes', () => {
  it.each(CHAINCODE_ERROR_CODES)('finds %s again in a message Fabric wrapped', (code) => {
    const wrapped = `10 ABORTED: chaincode response 500, ${codedMessage(code, 'detail: more')}`;
    expect(chaincodeErrorCodeIn(wrapped)).toBe(code);
  });

  it('finds nothing in prose without a code', () => {
    expect(chaincodeErrorCodeIn('no code here: at all')).toBeUndefined();
    expect(chaincodeErrorCodeIn('XNOT_FOUND: glued to a word')).toBeUndefined();
  });
});
