import { z } from 'zod';
import { canonicalJson, marshal, unmarshal } from '../../../../chaincode/src/ledger/marshal';

describe('canonicalJson', () => {
  it('sorts keys at every level, whatever the insertion order', () => {
    const a = { b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } };
    const b = { a: { c: 'x', d: [3, { y: 2, z: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it('sorts integer-like keys as strings, unlike JSON.stringify', () => {
    expect(canonicalJson({ b: 0, 10: 0, 2: 0 })).toBe('{"10":0,"2":0,"b":0}');
    expect(JSON.stringify({ b: 0, 10: 0, 2: 0 })).toBe('{"2":0,"10":0,"b":0}');
  });

  it('drops undefined fields and turns undefined array items into null, as JSON does', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
  });

  it('escapes strings the way JSON.stringify does', () => {
    expect(canonicalJson({ 'k"': 'Вече\n😀' })).toBe(JSON.stringify({ 'k"': 'Вече\n😀' }));
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
  });
});

describe('unmarshal', () => {
  const schema = z.strictObject({ n: z.int() });

  it('reads back what marshal wrote', () => {
    expect(unmarshal(marshal({ n: 3 }), schema, 'thing')).toEqual({ n: 3 });
  });

  it('reports foreign bytes as INVALID_STATE', () => {
    expect(() => unmarshal(Buffer.from('not json'), schema, 'thing')).toThrow(
      'INVALID_STATE: stored thing is not JSON',
    );
    expect(() => unmarshal(marshal({ n: 'x' }), schema, 'thing')).toThrow(
      'INVALID_STATE: stored thing does not match its schema',
    );
  });
});
