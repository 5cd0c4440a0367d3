import { safeReturnTo } from '../../../gateway/src/auth/browserLogin.js';

describe('safeReturnTo', () => {
  it.each([
    ['/', '/'],
    ['/polls/p-1', '/polls/p-1'],
    ['/polls?tab=results#top', '/polls?tab=results#top'],
    ['/a/../b', '/b'],
  ])('keeps the same-origin path %j', (value, expected) => {
    expect(safeReturnTo(value)).toBe(expected);
  });

  it.each([
    undefined,
    '',
    42,
    ['/a', '/b'],
    { path: '/' },
    'polls',
    '//evil.example',
    '///evil.example',
    '/\\evil',
    '\\\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    'https://evil.example',
    'javascript:alert(1)',
    ' /polls',
    `/${'a'.repeat(2048)}`,
  ])('falls back to / for %j', (value) => {
    expect(safeReturnTo(value)).toBe('/');
  });
});
