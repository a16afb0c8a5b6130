import { describe, expect, it } from 'vitest';
import i18n from '../i18n';
import type { Progress } from '../ipc';
import { describeProgress, formatTimeLeft } from './progress';

const nb = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');
const MB = 1024 * 1024;

function p(over: Partial<Progress>): Progress {
  return {
    job_id: 'j',
    stage: 'validating',
    done: 0,
    total: null,
    rows: 0,
    total_rows: null,
    bytes_per_sec: null,
    rows_per_sec: null,
    eta_secs: null,
    ...over,
  };
}

describe('progress in words', () => {
  const ru = i18n.getFixedT('ru');
  const en = i18n.getFixedT('en');
  const say = (x: Progress, lang = 'ru') => {
    const d = describeProgress(x, lang === 'ru' ? ru : en, lang);
    return { ...d, amount: nb(d.amount), pace: nb(d.pace) };
  };

  it('checks in rows and megabytes of the file, with rows a second and the time left', () => {
    const d = say(
      p({
        done: 66 * MB,
        total: 504 * MB,
        rows: 12_345,
        rows_per_sec: 25_000.4,
        bytes_per_sec: 3.1 * MB,
        eta_secs: 118,
      }),
    );
    expect(d.amount).toBe('12 345 строк · 66 из 504 МБ');
    expect(d.pace).toBe('25 000 строк в секунду · осталось ≈ 2 мин');
    expect(Math.round(d.percent ?? 0)).toBe(13);
  });

  it('sends in rows of rows, with megabytes a second', () => {
    const d = say(
      p({
        stage: 'uploading',
        done: 66 * MB,
        total: 504 * MB,
        rows: 1200,
        total_rows: 5000,
        bytes_per_sec: 3.14 * MB,
        eta_secs: 40,
      }),
    );
    expect(d.amount).toBe('1 200 из 5 000 строк · 66 из 504 МБ');
    expect(d.pace).toBe('3,1 МБ/с · осталось ≈ 40 с');
  });

  it('reads the file in megabytes before any row is known, and says nothing it does not know', () => {
    const d = say(p({ stage: 'reading', done: 1.5 * MB, total: 8.25 * MB }));
    expect(d.amount).toBe('1,5 из 8,3 МБ');
    expect(d.pace).toBe('');
  });

  it('leaves the bar indeterminate while waiting for Metrica or when the amount is unknown', () => {
    const waiting = say(p({ stage: 'waiting', done: 10, total: 10, rows: 5, total_rows: 5 }));
    expect([waiting.percent, waiting.amount, waiting.pace]).toEqual([null, '', '']);
    expect(say(p({ stage: 'reading' })).percent).toBeNull();
    expect(describeProgress(null, ru, 'ru').amount).toBe('');
  });

  it('uses Russian plurals for rows', () => {
    expect(say(p({ rows: 1 })).amount).toBe('1 строка');
    expect(say(p({ rows: 3 })).amount).toBe('3 строки');
    expect(say(p({ rows_per_sec: 1, rows: 2 })).pace).toBe('1 строка в секунду');
    // «из N» takes the genitive: из 2 строк, из 21 строки (not «из 2 строки», «из 21 строка»).
    expect(say(p({ rows: 1, total_rows: 2 })).amount).toBe('1 из 2 строк');
    expect(say(p({ rows: 1, total_rows: 21 })).amount).toBe('1 из 21 строки');
    expect(say(p({ rows: 1, total_rows: 1 })).amount).toBe('1 из 1 строки');
  });

  it('rounds the time left the way a person says it', () => {
    expect(formatTimeLeft(3, ru)).toBe('5 с');
    expect(formatTimeLeft(41, ru)).toBe('45 с');
    expect(formatTimeLeft(58, ru)).toBe('1 мин');
    expect(formatTimeLeft(150, ru)).toBe('3 мин');
    expect(formatTimeLeft(3900, ru)).toBe('1 ч 5 мин');
    expect(formatTimeLeft(150, en)).toBe('3 min');
  });

  it('speaks English too', () => {
    const d = say(
      p({ stage: 'uploading', done: 2 * MB, total: 4 * MB, rows: 1, total_rows: 2, bytes_per_sec: MB, eta_secs: 2 }),
      'en',
    );
    expect(d.amount).toBe('1 of 2 rows · 2.0 of 4.0 MB');
    expect(d.pace).toBe('1.0 MB/s · ≈ 5 s left');
  });
});
