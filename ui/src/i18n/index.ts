//! i18next set-up: Russian is the default and the fallback, English second. Language resolution
//! is the core's (`Settings.resolved_language`; the browser guesses before it is known); number formatting
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

/** The language the core says the app speaks (the setting, or the system's as the core reads
 *  it, which the notifications and the CLI use too); before the settings are known, the
 *  browser's guess. */
export function resolveLanguage(settings: { language: string; resolved_language: string } | undefined): Lang {
  const lang = settings?.resolved_language || settings?.language;
  if (lang === 'ru' || lang === 'en') return lang;
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
    // A name quoted in «…» that has «…» of its own («Мебель «Рома»»): its inner quotes become
    // „…“, as Russian typesetting nests them. English quotes with “…”, around which the
    // name's own «…» read as they are.
    i18n.services.formatter?.add('inner', (value: unknown, lng: string | undefined) =>
      lng === 'en' ? String(value) : String(value).replace(/«/g, '„').replace(/»/g, '“'),
    );
  } else if (i18n.language !== lang) {
    void i18n.changeLanguage(lang);
  }
  return i18n;
}

export default i18n;
