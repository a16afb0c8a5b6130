import { render, screen } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import i18n from '../../i18n';
import type { Issue, IssueCount } from '../../ipc';
import { IssueView, NoticeSummary, issueKey } from './parts';

function renderIssue(issue: Partial<Issue>) {
  const full: Issue = {
    line: 14,
    record: 13,
    column: 'Дата создания',
    code: 'invalid_date',
    severity: 'error',
    value: '31.02.2026',
    fix: null,
    shown: null,
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

// Codes mb-import emits (crates/import/src): each must have its own text or an alias.
const VALIDATOR_CODES = [
  'all_static_calls',
  'bad_encoding',
  'client_type_case',
  'currency_lowercase',
  'currency_trimmed',
  'date_only',
  'datetime_before_1970',
  'datetime_converted',
  'datetime_normalized',
  'datetime_offset_converted',
  'datetime_reformatted',
  'duplicate_call',
  'duplicate_contact_id',
  'duplicate_conversion',
  'duplicate_order_id',
  'duration_normalized',
  'email_normalized',
  'empty_file',
  'excel_number_id',
  'excel_rounded_id',
  'excel_scientific_id',
  'flag_normalized',
  'future_datetime',
  'goal_name_not_identifier',
  'id_trimmed',
  'invalid_client_type',
  'invalid_datetime',
  'invalid_digits_id',
  'invalid_duration',
  'invalid_email',
  'invalid_flag',
  'invalid_goal_list',
  'invalid_md5',
  'invalid_money',
  'invalid_phone',
  'invalid_product_list',
  'list_normalized',
  'mapped_column_not_found',
  'milliseconds_timestamp',
  'missing_required_column',
  'missing_value',
  'mixed_currencies',
  'money_normalized',
  'negative_money',
  'no_identifier',
  'no_revenue',
  'only_hashed_identifiers',
  'outside_linking_window',
  'phone_normalized',
  'static_call',
  'status_case',
  'status_goal_unverified',
  'status_mapped',
  'status_mapping_unverified',
  'stray_quote',
  'target_not_identifier',
  'too_many_fields',
  'unclosed_quote',
  'unknown_currency',
  'unknown_goal',
  'unknown_status',
  'unmapped_status',
  'user_id_needs_set_user_id',
];

describe('issue rendering', () => {
  it.each(VALIDATOR_CODES)('knows the validator code %s', (code) => {
    expect(issueKey(code, true)).not.toBe('generic');
  });

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

describe('human values and the notice summary', () => {
  it('shows a fixed date, money and a status the way a person reads them', () => {
    const date = renderIssue({ code: 'invalid_date', fix: '1795172700', shown: '20.11.2026 14:05', value_type: 'date_time' });
    expect(date).toContain('20.11.2026 14:05');
    expect(date).not.toContain('1795172700');
    const money = renderIssue({ code: 'invalid_money', fix: '2990.5', value_type: 'money' });
    expect(money.replace(/[\u00a0\u202f]/g, ' ')).toContain('2 990,50');
    const status = renderIssue({ code: 'unknown_status', fix: 'IN_PROGRESS', value_type: 'status' });
    expect(status).toContain('В работе');
    expect(status).toContain('IN_PROGRESS');
  });

  it('summarises notices as one line per kind of change with two examples', () => {
    const count = (over: Partial<IssueCount>): IssueCount => ({
      code: 'phone_normalized',
      column: 'Телефон',
      severity: 'notice',
      count: 38,
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
});
