//! i18next set-up: Russian is the default and the fallback, English second. Language resolution
//! is the core's (`Settings.resolved_language`; the browser guesses before it is known); number formatting
//! inside messages; the words themselves live in ru.ts / en.ts.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import ru, { type Messages } from './ru';

export type Lang = 'ru' | 'en';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Messages };
  }
}

/** The texts of each language. Russian is the default and the fallback, read with the app;
 *  English is its own chunk, read when the app first speaks it (80 KB less script to read at
 *  every start, issue 13). */
const loaders: Record<Lang, () => Promise<Messages>> = {
  ru: () => Promise.resolve(ru),
  en: () => import('./en').then((m) => m.default),
};

/** Makes `lang`'s texts available (at once for Russian; English after its chunk is read). */
export async function loadLanguage(lang: Lang): Promise<void> {
  if (i18n.hasResourceBundle(lang, 'translation')) return;
  const messages = await loaders[lang]();
  i18n.addResourceBundle(lang, 'translation', messages);
}

let wanted: Lang | null = null;

/** Switches the app to `lang` once its texts are in (the screen stays in the language it
 *  speaks until then, never in keys). The last language asked for wins: English still being
 *  read does not override Russian chosen after it. */
export async function setLanguage(lang: Lang): Promise<void> {
  wanted = lang;
  await loadLanguage(lang);
  if (wanted === lang && i18n.language !== lang) await i18n.changeLanguage(lang);
}

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

/** Starts i18next in Russian, the texts it starts with; `setLanguage` switches. */
export function initI18n() {
  if (!i18n.isInitialized) {
    void i18n.use(initReactI18next).init({
      resources: { ru: { translation: ru } },
      lng: 'ru',
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
  }
  return i18n;
}

export default i18n;
