//! i18next set-up: Russian is the default and the fallback, English second. Owns language
//! resolution ("system" → the OS language if it is English, else Russian) and number formatting
//! inside messages; the words themselves live in ru.ts / en.ts.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en';
import ru, { type Messages } from './ru';

export type Lang = 'ru' | 'en';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Messages };
  }
}

export const resources = { ru: { translation: ru }, en: { translation: en } } as const;

export function systemLanguage(): Lang {
  const langs = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]);
  for (const l of langs) {
    if (l.toLowerCase().startsWith('ru')) return 'ru';
    if (l.toLowerCase().startsWith('en')) return 'en';
  }
  return 'ru';
}

export function resolveLanguage(setting: string | undefined): Lang {
  if (setting === 'ru' || setting === 'en') return setting;
  return systemLanguage();
}

export function localeOf(lang: string): string {
  return lang === 'en' ? 'en-GB' : 'ru-RU';
}

export function initI18n(lang: Lang = systemLanguage()) {
  if (!i18n.isInitialized) {
    void i18n.use(initReactI18next).init({
      resources,
      lng: lang,
      fallbackLng: 'ru',
      supportedLngs: ['ru', 'en'],
      interpolation: { escapeValue: false },
      returnNull: false,
      initAsync: false,
    });
    i18n.services.formatter?.add('number', (value: unknown, lng: string | undefined) =>
      typeof value === 'number' ? new Intl.NumberFormat(localeOf(lng ?? 'ru')).format(value) : String(value),
    );
  } else if (i18n.language !== lang) {
    void i18n.changeLanguage(lang);
  }
  return i18n;
}

export default i18n;
