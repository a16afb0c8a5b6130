import { render } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import i18n from '../../i18n';
import type { Issue, IssueCode } from '../../ipc';
import { ru as catalogue } from '../../i18n/catalogue';
import { IssueView } from './parts';

function renderIssue(issue: Partial<Issue>) {
  const full: Issue = {
    line: 14,
    record: 13,
    column: 'Дата создания',
    code: 'invalid_datetime',
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

  it('places file-level problems in the header', () => {
    const text = renderIssue({ code: 'missing_required_column', line: 1, column: 'Target', value: null });
    expect(text).toContain('Заголовок файла, поле «Target»');
    expect(text).toContain('обязательного поля «Target»');
  });
});
