import {
  BallotBody,
  PathId,
  PollDraft,
  PollListQuery,
} from '../../../gateway/src/validation/schemas.js';

const draft = {
  title: 'Park',
  description: '',
  options: [
    { id: 'yes', label: 'Yes' },
    { id: 'no', label: 'No' },
  ],
  maxChoices: 1,
  opensAt: '2030-01-01T00:00:00Z',
  closesAt: '2030-02-01T00:00:00Z',
};

function paths(result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[] }[] };
}): string[] {
  return (result.error?.issues ?? []).map((issue) => issue.path.join('/'));
}

describe('PollDraft', () => {
  it('accepts a minimal draft', () => {
    expect(PollDraft.safeParse(draft).success).toBe(true);
  });

  it('counts title length in code points, not UTF-16 units', () => {
    const emoji = '\u{1F600}';
    expect(PollDraft.safeParse({ ...draft, title: emoji.repeat(200) }).success).toBe(true);
    expect(PollDraft.safeParse({ ...draft, title: emoji.repeat(201) }).success).toBe(false);
    expect(PollDraft.safeParse({ ...draft, title: '' }).success).toBe(false);
  });

  it('limits description to 10000 code points', () => {
    expect(PollDraft.safeParse({ ...draft, description: 'a'.repeat(10000) }).success).toBe(true);
    expect(PollDraft.safeParse({ ...draft, description: 'a'.repeat(10001) }).success).toBe(false);
  });

  it('rejects duplicate option ids, bad ids, too many choices and closesAt before opensAt', () => {
    const result = PollDraft.safeParse({
      ...draft,
      options: [
        { id: 'yes', label: 'Yes' },
        { id: 'yes', label: 'Again' },
        { id: 'Bad Id', label: 'x' },
      ],
      maxChoices: 4,
      closesAt: '2029-01-01T00:00:00Z',
    });
    expect(paths(result)).toEqual(expect.arrayContaining(['options/2/id']));
    const refined = PollDraft.safeParse({
      ...draft,
      options: [
        { id: 'yes', label: 'Yes' },
        { id: 'yes', label: 'Again' },
      ],
      maxChoices: 3,
      closesAt: '2029-01-01T00:00:00Z',
    });
    expect(paths(refined)).toEqual(['options/1/id', 'maxChoices', 'closesAt']);
  });

  it('limits options to 2..50 and eligibility to its fields', () => {
    expect(PollDraft.safeParse({ ...draft, options: [{ id: 'a', label: 'A' }] }).success).toBe(
      false,
    );
    expect(PollDraft.safeParse({ ...draft, eligibility: { minAge: 151 } }).success).toBe(false);
    expect(PollDraft.safeParse({ ...draft, eligibility: { districts: [] } }).success).toBe(false);
    expect(
      PollDraft.safeParse({ ...draft, eligibility: { districts: ['north'], minAge: 18 } }).success,
    ).toBe(true);
  });

  it('rejects unknown fields, including prototype keys, at any depth', () => {
    expect(PollDraft.safeParse({ ...draft, extra: 1 }).success).toBe(false);
    expect(
      PollDraft.safeParse(JSON.parse(`{"__proto__": {"x": 1}, ${JSON.stringify(draft).slice(1)}`))
        .success,
    ).toBe(false);
    expect(PollDraft.safeParse({ ...draft, eligibility: { constructor: 'x' } }).success).toBe(
      false,
    );
  });
});

describe('BallotBody', () => {
  it('requires 1..50 unique option ids and nothing else', () => {
    expect(BallotBody.safeParse({ choices: ['yes'] }).success).toBe(true);
    expect(BallotBody.safeParse({ choices: [] }).success).toBe(false);
    expect(paths(BallotBody.safeParse({ choices: ['a', 'a'] }))).toEqual(['choices/1']);
    expect(BallotBody.safeParse({ choices: ['yes'], extra: true }).success).toBe(false);
  });
});

describe('query and path schemas', () => {
  it('defaults and limits the poll list query', () => {
    expect(PollListQuery.parse({})).toEqual({ limit: 20 });
    expect(PollListQuery.safeParse({ limit: '101' }).success).toBe(false);
    expect(PollListQuery.safeParse({ other: '1' }).success).toBe(false);
  });

  it('caps path IDs at 256 characters', () => {
    expect(PathId.safeParse('p'.repeat(256)).success).toBe(true);
    expect(PathId.safeParse('p'.repeat(257)).success).toBe(false);
  });
});
