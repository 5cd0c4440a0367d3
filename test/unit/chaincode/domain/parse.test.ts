import { z } from 'zod';
import { parseJson, parseWith } from '../../../../chaincode/src/domain/parse';

describe('parseWith', () => {
  const schema = z.strictObject({ name: z.string().min(2) });

  it('returns the parsed value when the input fits', () => {
    expect(parseWith(schema, { name: 'ok' }, 'thing')).toEqual({ name: 'ok' });
  });

  it('throws INVALID_ARGUMENT naming the field, without echoing the value', () => {
    expect(() => parseWith(schema, { name: 'x' }, 'thing')).toThrow(
      /^INVALID_ARGUMENT: thing\.name: /,
    );
    try {
      parseWith(
        z.strictObject({ phone: z.string().regex(/^\d+$/) }),
        { phone: 'secret-phone' },
        'p',
      );
    } catch (error) {
      expect((error as Error).message).not.toContain('secret-phone');
    }
  });
});

describe('parseJson', () => {
  it('parses JSON text', () => {
    expect(parseJson('["a"]', 'choices')).toEqual(['a']);
  });

  it('throws INVALID_ARGUMENT on malformed JSON', () => {
    expect(() => parseJson('[a', 'choices')).toThrow('INVALID_ARGUMENT: choices is not valid JSON');
  });
});
