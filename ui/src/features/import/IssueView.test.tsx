import { render, screen } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import i18n from '../../i18n';
import type { Issue } from '../../ipc';
import { IssueView } from './parts';

function renderIssue(issue: Partial<Issue>) {
  const full: Issue = {
    line: 14,
    record: 13,
    column: 'Дата создания',
    code: 'invalid_date',
    severity: 'error',
    value: '31.02.2026',
    fix: null,
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

const CODES = [
  'future_datetime',
  'milliseconds_timestamp',
  'excel_scientific_id',
  'unknown_currency',
  'currency_lowercase',
  'missing_required_column',
  'unclosed_quote',
  'stray_quote',
  'no_identifier',
  'invalid_email',
  'invalid_phone',
  'invalid_date',
  'date_before_1970',
  'old_datetime',
  'unknown_status',
  'duplicate_row',
  'goal_name_instead_of_id',
  'unknown_goal',
];

describe('issue rendering', () => {
  it('says what happened, where and what to do', () => {
    const text = renderIssue({});
    expect(text).toContain('Строка 14, столбец «Дата создания»');
    expect(text).toContain('Дата «31.02.2026» не существует');
    expect(text).toContain('Исправьте дату в файле');
  });

  it.each(CODES)('has its own Russian text for %s', (code) => {
    const text = renderIssue({ code, value: 'ЗНАЧ', column: 'Колонка' });
    expect(text).not.toContain('укажите код');
    expect(text).toContain('Строка 14');
    expect(text).not.toMatch(/\{\{|issues\./);
  });

  it('adds the suggested value when a fix is known', () => {
    const text = renderIssue({ code: 'unknown_currency', column: 'Валюта', value: 'RUR', fix: 'RUB' });
    expect(text).toContain('«RUR»');
    expect(text).toContain('Подходящее значение: «RUB»');
  });

  it('falls back to a generic message that still shows line, column and value', () => {
    const text = renderIssue({ code: 'price_negative', line: 71, column: 'Сумма', value: '-500' });
    expect(text).toContain('Строка 71, столбец «Сумма»');
    expect(text).toContain('«-500»');
    expect(text).toContain('price_negative');
    expect(screen.getByTestId('issue-price_negative')).toBeTruthy();
  });

  it('places file-level problems in the header', () => {
    const text = renderIssue({ code: 'missing_required_column', line: 1, column: 'Target', value: null });
    expect(text).toContain('Заголовок файла, поле «Target»');
    expect(text).toContain('обязательного поля «Target»');
  });
});
