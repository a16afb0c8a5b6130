import { describe, expect, it } from 'vitest';
import { formatDateTime, formatMoney, formatNumber, formatPercent } from './format';

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
