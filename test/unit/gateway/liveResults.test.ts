import { countsByOption } from '../../../gateway/src/services/polls.js';

const poll = {
  options: [
    { id: 'constructor', label: 'A' },
    { id: 'tostring', label: 'B' },
    { id: 'valueof', label: 'C' },
    { id: 'park', label: 'D' },
  ],
};

describe('counts by option', () => {
  it('answers 0 for an option called constructor that nobody chose, not Object.prototype’s function', () => {
    const counts = countsByOption(poll, new Map([['park', 2]]));
    expect(counts).toEqual({ constructor: 0, tostring: 0, valueof: 0, park: 2 });
    expect(JSON.parse(JSON.stringify(counts))).toEqual({
      constructor: 0,
      tostring: 0,
      valueof: 0,
      park: 2,
    });
  });

  it('lists every option of the poll and only those, counted where known', () => {
    expect(
      countsByOption(
        poll,
        new Map([
          ['constructor', 3],
          ['gone', 9],
        ]),
      ),
    ).toEqual({ constructor: 3, tostring: 0, valueof: 0, park: 0 });
  });
});
