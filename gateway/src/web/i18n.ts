import { readFileSync } from 'node:fs';
import type { Request } from 'express';
import i18next, { type TFunction } from 'i18next';
import { webPaths } from './paths.js';

export const languages = ['ru', 'en'] as const;
export type Language = (typeof languages)[number];
/** The city's own language wins when the browser states no preference we serve. */
export const defaultLanguage: Language = 'ru';
export const languageCookie = 'veche.lang';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (languages as readonly string[]).includes(value);
}

/** The page's language: the switch's cookie, else Accept-Language, else Russian. */
export function languageOf(req: Request): Language {
  const chosen = cookieValue(req.headers.cookie, languageCookie);
  if (isLanguage(chosen)) return chosen;
  const accepted = req.acceptsLanguages(...languages);
  return isLanguage(accepted) ? accepted : defaultLanguage;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export interface Translations {
  translator(language: Language): TFunction;
}

/** One i18next instance of its own (not the global one) with the locale files loaded up front. */
export function loadTranslations(): Translations {
  const instance = i18next.createInstance();
  const resources = Object.fromEntries(
    languages.map((language) => [
      language,
      {
        translation: JSON.parse(
          readFileSync(`${webPaths.locales}/${language}.json`, 'utf8'),
        ) as Record<string, unknown>,
      },
    ]),
  );
  // initAsync false: the resources are given, so init is done when it returns.
  void instance.init({
    resources,
    fallbackLng: 'en',
    supportedLngs: [...languages],
    // Templates escape on output; escaping here too would show &amp; on the page.
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  return { translator: (language) => instance.getFixedT(language) };
}
