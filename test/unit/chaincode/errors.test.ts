import { ERROR_CODES, VecheError, fail } from '../../../chaincode/src/errors';

describe('VecheError', () => {
  it.each(ERROR_CODES)('prefixes the message with %s and keeps the code', (code) => {
    const error = new VecheError(code, 'something happened');
    expect(error.message).toBe(`${code}: something happened`);
    expect(error.code).toBe(code);
    expect(error).toBeInstanceOf(Error);
  });

  it('is what fail throws', () => {
    expect(() => fail('NOT_FOUND', 'no such poll')).toThrow(
      new VecheError('NOT_FOUND', 'no such poll'),
    );
  });
});
