import fc from 'fast-check';

// Generated junk shared by the fuzz tests of the gateway and of the chaincode, and the bounds
// that keep both files within a few minutes on CI's machine.

function positiveEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

/**
 * Cases per endpoint and per chaincode function (VECHE_FUZZ_RUNS), and the time each may take at
 * most (VECHE_FUZZ_MS_PER_TARGET): whichever ends first ends the property, which then passes only
 * if no case failed. A failure prints fast-check's seed and path; VECHE_FUZZ_SEED replays it.
 */
export function fuzzParameters(): fc.Parameters<unknown> {
  const seed = process.env.VECHE_FUZZ_SEED;
  return {
    numRuns: positiveEnv('VECHE_FUZZ_RUNS', 20),
    plugins: [fc.interruptAfterTimeLimit(positiveEnv('VECHE_FUZZ_MS_PER_TARGET', 3000))],
    ...(seed === undefined || seed === '' ? {} : { seed: Number(seed) }),
  };
}

/** Runs a property under the bounds, and says how many cases ran. */
export async function fuzz<T>(
  arbitrary: fc.Arbitrary<T>,
  check: (value: T) => Promise<void>,
): Promise<number> {
  let cases = 0;
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      cases += 1;
      await check(value);
    }),
    fuzzParameters() as fc.Parameters<[T]>,
  );
  return cases;
}

const oneChar = (min: number, max: number): fc.Arbitrary<string> =>
  fc.integer({ min, max }).map((code) => String.fromCharCode(code));

/** Text that may stand in an HTTP header: printable ASCII and Latin-1, no control characters. */
export const headerText = (maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.oneof(oneChar(0x20, 0x7e), oneChar(0xa0, 0xff)), maxLength });

/** Strings a careless client or an attacker sends: unicode, controls, lone surrogates, huge. */
export const junkString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.stringMatching(/^[0-9a-f]{64}$/) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\u0000',
      '\ud800',
      '\u202e',
      'null',
      'undefined',
      '[]',
      '{}',
      '-1',
      '0',
      '01',
      '1e309',
      'NaN',
      '__proto__',
      'constructor',
      '../../etc/passwd',
      "' OR 1=1 --",
      '\u0000\u0001veche',
      '𝓿𝓮𝓬𝓱𝓮',
      'ВЕЧЕ',
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 257, max: 70_000 }), fc.string({ minLength: 1, maxLength: 3 }))
      .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length))),
  },
);

/** JSON values of every shape, prototype-pollution keys and deep nesting included. */
export const junkJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  {
    weight: 2,
    arbitrary: fc.dictionary(junkString, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
  },
  { weight: 2, arbitrary: junkString },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      { ['__proto__']: { admin: true } },
      { constructor: { prototype: { admin: true } } },
      [[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]],
      null,
      true,
      -0,
      1e308,
      Number.MAX_SAFE_INTEGER + 2,
    ),
  },
);

/** Replaces, deletes or adds one field of an object, or of the first object in one of its arrays. */
export function mutated(base: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(base);
  return fc.oneof(
    fc.tuple(fc.constantFrom(...keys), junkJson).map(([key, value]) => ({ ...base, [key]: value })),
    fc
      .constantFrom(...keys)
      .map((key) => Object.fromEntries(Object.entries(base).filter(([name]) => name !== key))),
    fc.tuple(junkString, junkJson).map(([key, value]) => ({ ...base, [key]: value })),
    // Inside the first element of an array of objects (a poll's options, say).
    fc
      .tuple(fc.constantFrom(...keys), fc.nat(), fc.option(junkString), junkJson)
      .map(([outer, index, newKey, value]) => {
        const nested = base[outer];
        if (!Array.isArray(nested) || typeof nested[0] !== 'object' || nested[0] === null) {
          return { ...base, [outer]: [nested, value] };
        }
        const [first, ...rest] = nested as Record<string, unknown>[];
        const innerKeys = Object.keys(first ?? {});
        const inner = newKey ?? innerKeys[index % Math.max(innerKeys.length, 1)] ?? 'x';
        return { ...base, [outer]: [{ ...first, [inner]: value }, ...rest] };
      }),
  );
}
