/** The fields of API.md's Poll, sorted: a response carries exactly these (no chaincode extras). */
export const pollFields = [
  'allowRevote',
  'closesAt',
  'createdAt',
  'department',
  'description',
  'maxChoices',
  'opensAt',
  'options',
  'pollId',
  'resultsVisibility',
  'status',
  'title',
  'txId',
] as const;
