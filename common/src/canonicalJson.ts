function canonical(value: unknown): string | undefined {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
    return undefined;
  }
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError('cannot serialise a non-finite number');
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item: unknown) => canonical(item) ?? 'null').join(',')}]`;
  }
  const fields = Object.keys(value)
    .sort()
    .flatMap((key) => {
      const text = canonical((value as Record<string, unknown>)[key]);
      return text === undefined ? [] : [`${JSON.stringify(key)}:${text}`];
    });
  return `{${fields.join(',')}}`;
}

/**
 * JSON with object keys sorted at every level, arrays in order, undefined fields left out.
 * JavaScript's own key order depends on insertion order (and puts integer-like keys, such as an
 * option called "1", first), so whatever must compare or hash alike on every endorser, or
 * across two requests, is serialised through this.
 */
export function canonicalJson(value: unknown): string {
  const text = canonical(value);
  if (text === undefined) {
    throw new TypeError('cannot serialise undefined');
  }
  return text;
}
