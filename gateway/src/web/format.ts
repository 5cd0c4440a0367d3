import type { Language } from './i18n.js';

const locales: Readonly<Record<Language, string>> = { ru: 'ru-RU', en: 'en-GB' };

/** Dates and numbers as the page's language writes them, in the city's time zone. */
export interface Formats {
  dateTime(iso: string): string;
  number(value: number): string;
  percent(share: number): string;
}

export function formatsFor(language: Language, timeZone: string): Formats {
  const dateTime = new Intl.DateTimeFormat(locales[language], {
    timeZone,
    dateStyle: 'long',
    timeStyle: 'short',
  });
  // The zone's own short name (МСК, GMT+3), so a reader elsewhere knows which clock this is.
  const zone = new Intl.DateTimeFormat(locales[language], { timeZone, timeZoneName: 'short' });
  const number = new Intl.NumberFormat(locales[language]);
  const percent = new Intl.NumberFormat(locales[language], {
    style: 'percent',
    maximumFractionDigits: 1,
  });
  return {
    dateTime(iso: string): string {
      const date = new Date(iso);
      if (Number.isNaN(date.getTime())) return iso;
      const zoneName = zone.formatToParts(date).find((p) => p.type === 'timeZoneName')?.value;
      return zoneName === undefined
        ? dateTime.format(date)
        : `${dateTime.format(date)} ${zoneName}`;
    },
    number: (value) => number.format(value),
    percent: (share) => percent.format(share),
  };
}
