import { readFileSync } from 'node:fs';
import accepts from 'accepts';
import type { Request } from 'express';
import { languageOf, loadTranslations } from '../../../../gateway/src/web/i18n.js';

function request(headers: Record<string, string>): Request {
  // Express's own negotiation (the accepts package behind req.acceptsLanguages).
  const req = { headers } as unknown as Request;
  req.acceptsLanguages = ((...languages: string[]) =>
    accepts(req).languages(languages)) as Request['acceptsLanguages'];
  return req;
}

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, inner]) =>
    keys(inner, prefix === '' ? key : `${prefix}.${key}`),
  );
}

describe('the web page\u2019s languages', () => {
  it('takes the switch\u2019s cookie over Accept-Language', () => {
    expect(languageOf(request({ cookie: 'a=b; veche.lang=en', 'accept-language': 'ru' }))).toBe(
      'en',
    );
  });

  it('follows Accept-Language when no cookie is set, and ignores an unknown cookie value', () => {
    expect(languageOf(request({ 'accept-language': 'en-GB,en;q=0.9' }))).toBe('en');
    expect(languageOf(request({ cookie: 'veche.lang=fr', 'accept-language': 'ru-RU' }))).toBe('ru');
  });

  it('falls back to Russian, the city\u2019s language', () => {
    expect(languageOf(request({ 'accept-language': 'de' }))).toBe('ru');
    expect(languageOf(request({}))).toBe('ru');
  });

  it('has every English key in Russian and no other', () => {
    const en = JSON.parse(readFileSync('gateway/locales/en.json', 'utf8')) as unknown;
    const ru = JSON.parse(readFileSync('gateway/locales/ru.json', 'utf8')) as unknown;
    expect(keys(ru).sort()).toEqual(keys(en).sort());
  });

  it('translates with interpolation in both languages', () => {
    const translations = loadTranslations();
    expect(translations.translator('en')('results.total', { count: 3 })).toBe('Ballots counted: 3');
    expect(translations.translator('ru')('results.total', { count: 3 })).toBe('Учтено голосов: 3');
  });
});
