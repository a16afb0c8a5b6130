import { describe, expect, it } from 'vitest';
import {
  formatDateTime,
  formatMoney,
  formatMoneyText,
  formatSheetCell,
  formatNumber,
  formatPercent,
  formatTimeZone,
  formatUtcOffset,
  parseDay,
  dayIso,
} from './format';

const nb = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('format', () => {
  it('writes money the Russian way', () => {
    expect(nb(formatMoney(12500.5))).toBe('12 500,50 ₽');
    expect(nb(formatMoney(8000))).toBe('8 000 ₽');
  });
  it('groups thousands with a space', () => {
    expect(nb(formatNumber(1204))).toBe('1 204');
  });
  it('writes dates as 22.11.2026 14:05 in the counter time zone', () => {
    expect(formatDateTime('2026-11-22T11:05:00Z', 'ru', 'Europe/Moscow')).toBe('22.11.2026 14:05');
  });
  it('writes shares as percent', () => {
    expect(nb(formatPercent(0.78))).toBe('78 %');
  });
});

describe('formatTimeZone', () => {
  it('names the zone as people say it, with the offset the core gives', () => {
    expect(formatTimeZone('Europe/Moscow', 180)).toBe('Москва, GMT+3');
    expect(formatTimeZone('Europe/Moscow', 180, 'en')).toBe('Moscow, GMT+3');
    expect(formatTimeZone('America/St_Johns', -150, 'ru')).toBe('St Johns, GMT-2:30');
    expect(formatTimeZone('Mars/Olympus_Mons', null)).toBe('Olympus Mons');
  });
  it("writes offsets as ICU's shortOffset does, in Russian and English", () => {
    // Zones without daylight saving, so ICU's answer for today is the same every day.
    const zones: [string, number][] = [
      ['Europe/Moscow', 180],
      ['Asia/Kolkata', 330],
      ['Asia/Kathmandu', 345],
      ['America/Bogota', -300],
      ['Pacific/Marquesas', -570],
      ['UTC', 0],
      ['Africa/Abidjan', 0],
    ];
    for (const [tz, minutes] of zones) {
      for (const locale of ['ru-RU', 'en-GB']) {
        const icu = new Intl.DateTimeFormat(locale, { timeZone: tz, timeZoneName: 'shortOffset' })
          .formatToParts(new Date())
          .find((p) => p.type === 'timeZoneName')?.value;
        expect(formatUtcOffset(minutes), `${tz} ${locale}`).toBe(icu);
      }
    }
  });
});

describe('parseDay', () => {
  it('reads the Russian way and what a native date field gives', () => {
    expect(parseDay('20.11.2026')).toEqual({ year: 2026, month: 11, day: 20 });
    expect(parseDay(' 1/2/2026 ')).toEqual({ year: 2026, month: 2, day: 1 });
    expect(parseDay('2026-11-20')).toEqual({ year: 2026, month: 11, day: 20 });
  });
  it('treats empty text as no filter', () => {
    expect(parseDay('')).toBeNull();
    expect(dayIso('  ')).toBeNull();
  });
  it('calls half-typed and impossible days invalid instead of throwing', () => {
    for (const s of ['2', '20.11', '20.11.20', '31.02.2026', '00.01.2026', '2026-13-01', 'вчера', '29.02.2025']) {
      expect(parseDay(s)).toBe('invalid');
      expect(dayIso(s)).toBeNull();
    }
    expect(parseDay('29.02.2028')).toEqual({ year: 2028, month: 2, day: 29 });
  });
  it("hands the core the day itself, which the core turns into instants of the window's zone", () => {
    expect(dayIso('1/2/2026')).toBe('2026-02-01');
    expect(dayIso('20.11.2026')).toBe('2026-11-20');
  });
});

describe('formatMoneyText', () => {
  it('shows machine money the way a person reads it', () => {
    expect(nb(formatMoneyText('2990.5', 'ru'))).toBe('2 990,50');
    expect(nb(formatMoneyText('12500', 'ru'))).toBe('12 500');
    expect(formatMoneyText('2990.5', 'en')).toBe('2,990.50');
    expect(formatMoneyText('4990"', 'ru')).toBe('4990"');
  });
});

describe('formatSheetCell', () => {
  it('shows the numbers and dates of a spreadsheet as Excel does', () => {
    expect(formatSheetCell('2026-11-13 13:15:00', 'date_time', 'ru')).toBe('13.11.2026 13:15');
    expect(formatSheetCell('2026-11-13 13:15:07', 'date_time', 'ru')).toBe('13.11.2026 13:15:07');
    expect(formatSheetCell('2026-11-13', 'date', 'ru')).toBe('13.11.2026');
    expect(nb(formatSheetCell('2990.5', 'number', 'ru'))).toBe('2 990,5');
    expect(formatSheetCell('2990.5', 'number', 'en')).toBe('2,990.5');
    // Order numbers and phones stay as written.
    expect(formatSheetCell('100234', 'number', 'ru')).toBe('100234');
    expect(formatSheetCell('79123456789', 'number', 'ru')).toBe('79123456789');
  });

  it('shows text typed into a cell as typed, whatever it looks like', () => {
    expect(formatSheetCell('007.5', 'text', 'ru')).toBe('007.5');
    expect(formatSheetCell('1.500', 'text', 'ru')).toBe('1.500');
    expect(formatSheetCell('2026-02-30 10:00', 'text', 'ru')).toBe('2026-02-30 10:00');
    expect(formatSheetCell('Оплачен', 'text', 'ru')).toBe('Оплачен');
  });
});
