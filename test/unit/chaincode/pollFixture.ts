import { createPoll, pollDraftSchema, type Poll } from '../../../chaincode/src/domain/poll';

export const TX_ID = 'a'.repeat(64);

export function draftInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Where should the new park go?',
    description: 'Pick a site.',
    options: [
      { id: 'north', label: 'North bank' },
      { id: 'south', label: 'South bank' },
      { id: 'east', label: 'East side' },
    ],
    maxChoices: 2,
    opensAt: '2026-03-01T00:00:00Z',
    closesAt: '2026-04-01T00:00:00Z',
    ...overrides,
  };
}

export function makePoll(
  overrides: Record<string, unknown> = {},
  fields: Partial<Poll> = {},
): Poll {
  const draft = pollDraftSchema.parse(draftInput(overrides));
  return {
    ...createPoll(draft, {
      txId: TX_ID,
      txTime: new Date('2026-02-01T10:00:00Z'),
      department: 'ITDeptMSP',
    }),
    ...fields,
  };
}
