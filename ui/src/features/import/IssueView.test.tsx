import { render, screen } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import i18n from '../../i18n';
import type { Issue, IssueCode, IssueCount } from '../../ipc';
import { ru as catalogue } from '../../i18n/catalogue-ru';
import { IssueView, NoticeSummary, RemarkSummary, dateInWords, isFix } from './parts';

function renderIssue(issue: Partial<Issue>) {
  const full: Issue = {
    line: 14,
    record: 13,
    place: 'line',
    column: 'Дата создания',
    code: 'invalid_datetime',
    severity: 'error',
    value: '31.02.2026',
    fix: null,
    shown: null,
    said: issue.value ?? '31.02.2026',
    value_type: null,
    ...issue,
  };
  return (
    render(
      <I18nextProvider i18n={i18n}>
        <ul>
          <IssueView issue={full} />
        </ul>
      </I18nextProvider>,
    ).container.textContent ?? ''
  );
}

// Every code Rust emits, from the catalogue generated out of the same enum (no hand copy).
const CODES = Object.keys(catalogue.issues) as IssueCode[];

describe('issue rendering', () => {
  it('knows every code the core emits', () => {
    expect(CODES.length).toBeGreaterThan(60);
    expect(CODES).toContain('md5_normalized');
  });

  it('says what happened, where and what to do', () => {
    const text = renderIssue({});
    expect(text).toContain('Строка 14, столбец «Дата создания»');
    expect(text).toContain('Дата «31.02.2026» не существует');
    expect(text).toContain('Исправьте дату в файле');
  });

  it.each(CODES)('has its own Russian text for %s', (code) => {
    const text = renderIssue({ code, value: 'ЗНАЧ', column: 'Колонка' });
    expect(text).toContain('Строка 14');
    expect(text).toContain(catalogue.issues[code].todo);
    expect(text).not.toMatch(/\{\{|issues\./);
  });

  it('adds the suggested value when a fix is known', () => {
    const text = renderIssue({ code: 'unknown_currency', column: 'Валюта', value: 'RUR', fix: 'RUB' });
    expect(text).toContain('«RUR»');
    expect(text).toContain('Подходящее значение: «RUB»');
  });

  it('places file-level problems where the core says they are', () => {
    // A header on line 3 (two title lines above it): still the header, not «Строка 3».
    const text = renderIssue({
      code: 'missing_required_column',
      line: 3,
      record: 0,
      place: 'header',
      column: 'Target',
      value: null,
    });
    expect(text).toContain('Заголовок файла, поле «Target»');
    expect(text).toContain('обязательного поля «Target»');
    // A broken line of the file is a line, though no data row.
    const broken = renderIssue({ code: 'too_many_fields', line: 3, record: 0, place: 'line', column: null });
    expect(broken).toContain('Строка 3');
    const whole = renderIssue({ code: 'excel_damaged_column', line: 0, record: 0, place: 'file', column: 'ClientId' });
    expect(whole).toContain('Столбец «ClientId» целиком');
  });
});

describe('human values and the notice summary', () => {
  it('says a value the way the core says it (readable first; the rule is mb-import human::said)', () => {
    const text = renderIssue({
      code: 'outside_linking_window',
      severity: 'warning',
      column: 'DateTime',
      value: '1794228120',
      fix: null,
      shown: '08.11.2026 14:02',
      said: '08.11.2026 14:02 (1794228120)',
      value_type: 'date_time',
    });
    expect(text).toContain('Событие «08.11.2026 14:02 (1794228120)» было больше 21 дня назад');
    // A workbook's date cell (ISO from the reader): Excel shows the user the date, not ISO.
    const cell = renderIssue({
      code: 'outside_linking_window',
      severity: 'warning',
      column: 'DateTime',
      value: '2026-11-15 13:15:00',
      fix: null,
      shown: '15.11.2026 13:15',
      said: '15.11.2026 13:15',
      value_type: 'date_time',
    });
    expect(cell).toContain('Событие «15.11.2026 13:15» было больше 21 дня назад');
  });

  it('shows a fixed date, money and a status the way a person reads them', () => {
    const date = renderIssue({
      code: 'invalid_datetime',
      fix: '1795172700',
      shown: '20.11.2026 14:05',
      value_type: 'date_time',
    });
    expect(date).toContain('20.11.2026 14:05');
    expect(date).not.toContain('1795172700');
    const money = renderIssue({ code: 'invalid_money', fix: '2990.5', value_type: 'money' });
    expect(money.replace(/[\u00a0\u202f]/g, ' ')).toContain('2 990,50');
    const status = renderIssue({ code: 'unknown_status', fix: 'IN_PROGRESS', value_type: 'status' });
    expect(status).toContain('В работе');
    // Metrica's code is for support (the tooltip), never text a shop owner reads.
    expect(status).not.toContain('IN_PROGRESS');
  });

  it('summarises notices as one line per kind of change with two examples', () => {
    const count = (over: Partial<IssueCount>): IssueCount => ({
      code: 'phone_normalized',
      column: 'Телефон',
      severity: 'notice',
      count: 38,
      in_file: false,
      examples: [
        { line: 2, value: '8 (912) 345-67-89', fix: '79123456789', shown: null },
        { line: 3, value: '+7 912 000-11-22', fix: '79120001122', shown: null },
      ],
      value_type: null,
      ...over,
    });
    const { container } = render(
      <I18nextProvider i18n={i18n}>
        <NoticeSummary
          counts={[
            count({}),
            count({
              code: 'datetime_normalized',
              column: 'Дата',
              count: 42,
              examples: [{ line: 2, value: '20.11.2026 14:05', fix: '1795172700', shown: '20.11.2026 14:05' }],
              value_type: 'date_time',
            }),
          ]}
        />
      </I18nextProvider>,
    );
    const items = screen.getAllByRole('listitem').filter((li) => li.className === 'mb-fixes__item');
    expect(items).toHaveLength(2);
    const text = container.textContent ?? '';
    expect(text).toContain('38 строк');
    expect(text).toContain('8 (912) 345-67-89 → 79123456789');
    expect(text).toContain('+7 912 000-11-22 → 79120001122');
    expect(text).toContain('и ещё 36 строк');
    expect(text).not.toContain('1795172700');
  });

  it('keeps remarks that change nothing out of «Поправили сами»', () => {
    expect(isFix('phone_normalized')).toBe(true);
    expect(isFix('no_revenue')).toBe(false);
    expect(isFix('mixed_currencies')).toBe(false);
    // The core's list, not the window's table of titles: hashes written as Metrica reads them
    // are a change; a date without a time is a remark.
    expect(isFix('md5_normalized')).toBe(true);
    expect(isFix('date_only')).toBe(false);
    const { container } = render(
      <I18nextProvider i18n={i18n}>
        <RemarkSummary
          counts={[
            {
              code: 'no_revenue',
              column: 'Price',
              severity: 'notice',
              count: 2,
              in_file: false,
              examples: [{ line: 3, value: null, fix: null, shown: null }],
              value_type: null,
            },
          ]}
        />
      </I18nextProvider>,
    );
    const text = container.textContent ?? '';
    expect(text).toContain('К сведению');
    expect(text).toContain('Без суммы · Price: 2 строки — строки без суммы — это допустимо');
    expect(text).not.toContain('например');
  });

  it('spells out the month of a date the core shows in its own form', () => {
    expect(dateInWords('02.10.2026 10:15', 'ru')).toBe('2 октября 2026 г. в 10:15');
    expect(dateInWords('02.10.2026', 'ru')).toBe('2 октября 2026 г.');
    // English days come first too (en-GB), as in History and the date filter.
    expect(dateInWords('02.10.2026 10:15', 'en')).toBe('2 October 2026 at 10:15');
    expect(dateInWords('2026-10-02', 'ru')).toBeNull();
  });
});
