import { describe, expect, it } from 'vitest';
import i18n from '../../i18n';
import { failureText } from '../../common/failure';

describe('failureText', () => {
  it('turns typed failure reasons into Russian sentences', async () => {
    await i18n.changeLanguage('ru');
    expect(failureText({ kind: 'network' }, i18n.t)).toMatch(/Нет связи с Метрикой/);
    expect(failureText({ kind: 'server_error', status: 503 }, i18n.t)).toMatch(/ошибкой 503/);
    expect(failureText({ kind: 'quota_exceeded' }, i18n.t)).toMatch(/квота/);
    // The app's own English for developers never reaches the user: a reason in words.
    expect(failureText({ kind: 'unexpected' }, i18n.t)).toMatch(/не поняла ответа/);
    expect(failureText({ kind: 'linking_window', date: '2026-12-10' }, i18n.t, 'ru')).toMatch(/10\.12\.2026/);
  });

  it('passes Metrica’s own words through untouched', async () => {
    await i18n.changeLanguage('ru');
    const text = 'invalid_uploading: Некорректный DateTime в строке 4';
    expect(failureText({ kind: 'message', text }, i18n.t)).toBe(text);
  });

  it('speaks English when asked', async () => {
    await i18n.changeLanguage('en');
    expect(failureText({ kind: 'network' }, i18n.t)).toMatch(/Could not reach Metrica/);
    await i18n.changeLanguage('ru');
  });
});
