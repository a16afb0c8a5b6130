import { describe, expect, it } from 'vitest';
import i18n, { resolveLanguage, setLanguage, systemLanguage } from '.';
import en from './en';
import ru from './ru';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

const nb = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('i18n', () => {
  it('has the same keys in Russian and English', () => {
    expect(keys(en).sort()).toEqual(keys(ru).sort());
  });

  it('has no empty texts', () => {
    for (const lang of [ru, en]) {
      const flat = keys(lang);
      for (const k of flat) {
        const v = k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], lang);
        expect(typeof v === 'string' && v.length > 0, k).toBe(true);
      }
    }
  });

  it('gives every Russian plural all four forms', () => {
    const plural = keys(ru).filter((k) => /_(one|few|many|other)$/.test(k));
    const bases = new Set(plural.map((k) => k.replace(/_(one|few|many|other)$/, '')));
    for (const b of bases) {
      for (const f of ['one', 'few', 'many', 'other']) expect(plural, b).toContain(`${b}_${f}`);
    }
  });

  it('says 1 строка, 2 строки, 5 строк', () => {
    const t = i18n.getFixedT('ru');
    expect(t('common.rows', { count: 1 })).toBe('1 строка');
    expect(t('common.rows', { count: 2 })).toBe('2 строки');
    expect(t('common.rows', { count: 5 })).toBe('5 строк');
    expect(t('common.rows', { count: 11 })).toBe('11 строк');
    expect(t('common.rows', { count: 21 })).toBe('21 строка');
    expect(t('common.rows', { count: 24 })).toBe('24 строки');
    expect(nb(t('common.rows', { count: 1214 }))).toBe('1 214 строк');
    expect(t('common.errors', { count: 10 })).toBe('10 ошибок');
    expect(t('common.warnings', { count: 3 })).toBe('3 предупреждения');
    // Under «Готово к отправке N»: the verb agrees with N.
    expect(t('check.heldByFile', { count: 1 })).toBe('не уйдёт, пока в файле ошибка');
    expect(t('check.heldByFile', { count: 21 })).toBe('не уйдёт, пока в файле ошибка');
    expect(t('check.heldByFile', { count: 3 })).toBe('не уйдут, пока в файле ошибка');
    // The rows sent before, in the accusative, with the pronoun agreeing.
    expect(t('check.unchangedAsk', { count: 1 })).toBe(
      'Ещё 1 строку уже отправляли раньше: отправлять ли её снова, выберите ниже.',
    );
    expect(t('check.unchangedAsk', { count: 21 })).toContain('Ещё 21 строку');
    expect(t('check.unchangedAsk', { count: 3 })).toContain('Ещё 3 строки уже отправляли раньше: отправлять ли их');
    expect(nb(t('check.unchangedAsk', { count: 1214 }))).toContain('Ещё 1 214 строк уже');
  });

  it('names the main button by what it does, in the accusative', () => {
    const t = i18n.getFixedT('ru');
    expect(nb(t('send.button', { count: 1204 }))).toBe('Отправить 1 204 строки в Метрику');
    expect(t('send.button', { count: 1 })).toBe('Отправить 1 строку в Метрику');
    expect(t('send.button', { count: 5 })).toBe('Отправить 5 строк в Метрику');
  });

  it('uses English plurals in English', () => {
    const t = i18n.getFixedT('en');
    expect(t('common.rows', { count: 1 })).toBe('1 row');
    expect(t('common.rows', { count: 2 })).toBe('2 rows');
    expect(t('common.rows', { count: 1204 })).toBe('1,204 rows');
  });
});

describe('the language the app speaks', () => {
  it('is the one the core resolved, also for «system», so window and notifications agree', () => {
    expect(resolveLanguage({ language: 'system', resolved_language: 'en' })).toBe('en');
    expect(resolveLanguage({ language: 'system', resolved_language: 'ru' })).toBe('ru');
    expect(resolveLanguage({ language: 'en', resolved_language: 'en' })).toBe('en');
    // Before the settings are known: the browser's guess.
    expect(resolveLanguage(undefined)).toBe(systemLanguage());
  });
  it('switches to the language asked for last, also while English is still being read', async () => {
    i18n.removeResourceBundle('en', 'translation');
    const english = setLanguage('en');
    const russian = setLanguage('ru');
    await Promise.all([english, russian]);
    expect(i18n.language).toBe('ru');
    // English was read meanwhile: asked again, it is there at once.
    expect(i18n.hasResourceBundle('en', 'translation')).toBe(true);
    await setLanguage('en');
    expect(i18n.t('nav.history')).toBe('History');
    await setLanguage('ru');
  });
});
