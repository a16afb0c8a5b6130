//! Step 2: each Metrica field with its source (a file column, one value for all rows, or
//! nothing), how sure the suggestion is, and which file columns will not be sent.
import { Alert, Button, Label, Loader, Select, Text, TextInput } from '@gravity-ui/uikit';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldMapping, FieldSource, Goal } from '../../ipc';
import { CURRENCY_CODES } from '../../ipc';
import type { Messages } from '../../i18n/ru';
import { ErrorNotice } from '../../common/ErrorNotice';
import { useActiveCounter, useBackend } from '../app/context';
import { AttributeOffers } from './AttributeOffers';
import { usePreview } from './FileStep';
import { StepFooter } from './parts';
import { mappingProblems, useImport } from './state';

function sourceValue(src: FieldSource): string {
  if (src.type === 'column') return `col:${src.index}`;
  return src.type;
}

function Confidence({ f, touched }: { f: FieldMapping; touched: boolean }) {
  const { t } = useTranslation();
  if (touched)
    return (
      <Label size="xs" theme="normal">
        {t('columns.conf.manual')}
      </Label>
    );
  if (f.source.type !== 'column') return <Text color="secondary">—</Text>;
  const c = f.source.confidence;
  if (c >= 0.9)
    return (
      <Label size="xs" theme="success">
        {t('columns.conf.high')}
      </Label>
    );
  if (c >= 0.6)
    return (
      <Label size="xs" theme="info">
        {t('columns.conf.medium')}
      </Label>
    );
  return (
    <Label size="xs" theme="warning">
      {t('columns.conf.low')}
    </Label>
  );
}

function ConstantInput({ f, goals, onChange }: { f: FieldMapping; goals: Goal[]; onChange: (v: string) => void }) {
  const { t } = useTranslation();
  const value = f.source.type === 'constant' ? f.source.value : '';
  // What sort of value is the core's (`FieldMapping.format`): a goal picks from the counter's goals.
  if (f.format === 'goal_id' || f.format === 'goal_list') {
    const usable = goals.filter((g) => g.identifier);
    return (
      <Select
        size="m"
        width="max"
        placeholder={t('columns.pickGoal')}
        value={value ? [value] : []}
        options={usable.map((g) => ({ value: g.identifier ?? '', content: `${g.name} (${g.identifier ?? ''})` }))}
        onUpdate={(v) => onChange(v[0] ?? '')}
        filterable={usable.length > 8}
        qa={`constant-${f.field}`}
        title={t('columns.pickGoal')}
      />
    );
  }
  if (f.format === 'currency') {
    return (
      <Select
        size="m"
        width="max"
        placeholder={t('columns.pickCurrency')}
        value={value ? [value] : []}
        options={CURRENCY_CODES.map((c) => ({ value: c, content: c }))}
        onUpdate={(v) => onChange(v[0] ?? '')}
        filterable
        qa={`constant-${f.field}`}
        title={t('columns.pickCurrency')}
      />
    );
  }
  return (
    <TextInput
      size="m"
      value={value}
      onUpdate={onChange}
      placeholder={t('columns.value')}
      qa={`constant-${f.field}`}
      controlProps={{ 'aria-label': t('columns.value') }}
    />
  );
}

export function ColumnsStep({ onBack, onNext }: { onBack: () => void; onNext: () => void }) {
  const { t } = useTranslation();
  const backend = useBackend();
  const [s, dispatch] = useImport();
  const counter = useActiveCounter();
  const preview = usePreview();
  const read = preview.data?.info.headers;
  const headers = useMemo(() => read ?? [], [read]);
  const key = `${s.pickCount}|${s.path ?? ''}|${s.kind ?? ''}|${headers.join('|')}`;
  const needSuggest = preview.data !== undefined && s.kind !== null && s.mappingKey !== key;
  const suggestion = useQuery({
    queryKey: ['suggest', key, s.read, counter?.id ?? null],
    queryFn: () => backend.suggestMapping(s.path ?? '', s.read, s.kind ?? 'conversions', counter?.id ?? null),
    enabled: needSuggest,
    staleTime: Infinity,
    retry: false,
  });
  useEffect(() => {
    if (needSuggest && suggestion.data) dispatch({ type: 'mapping', mapping: suggestion.data, key, headers });
  }, [needSuggest, suggestion.data, key, headers, dispatch]);
  const goals = useQuery({
    queryKey: ['goals', counter?.id ?? null],
    queryFn: () => backend.goals(counter?.id ?? 0),
    enabled: counter !== null,
  });

  const mapping = needSuggest ? null : s.mapping;
  const problems = mappingProblems(s);
  const firstProblem = problems?.[0];
  const fieldText = (f: FieldMapping) =>
    f.attribute_title !== null
      ? t('columns.attr.field', { title: f.attribute_title })
      : f.field in (t('fields', { returnObjects: true }) as object)
        ? t(`fields.${f.field as keyof Messages['fields']}`)
        : t('fields.unknown');

  // The field as the table names it, up to its explanation («Дата и время события», «Цель»).
  const missingField = mapping?.fields.find((f) => f.field === firstProblem?.field);
  const reason = firstProblem
    ? firstProblem.code === 'identifier'
      ? t('columns.needIdentifier')
      : t('columns.missingRequired', {
          field: missingField ? (fieldText(missingField).split(' — ')[0] ?? '') : (firstProblem.field ?? ''),
        })
    : null;

  const setSource = (f: FieldMapping, source: FieldSource) => {
    if (!mapping) return;
    dispatch({ type: 'source', field: f.field, source });
  };

  const onSelect = (f: FieldMapping, v: string) => {
    if (v === 'none') setSource(f, { type: 'none' });
    else if (v === 'constant') setSource(f, { type: 'constant', value: '' });
    else {
      const index = Number(v.slice(4));
      setSource(f, { type: 'column', index, header: headers[index] ?? '', confidence: 1 });
    }
  };

  const requirementLabel = (f: FieldMapping) =>
    f.requirement === 'required'
      ? t('columns.required')
      : f.requirement === 'one_of_identifiers'
        ? t('columns.oneOfIds')
        : t('columns.optional');

  return (
    <div className="mb-step">
      <Text variant="header-1" as="h2">
        {t('columns.title')}
      </Text>
      {suggestion.isError ? <ErrorNotice error={suggestion.error} onRetry={() => void suggestion.refetch()} /> : null}
      {mapping && problems === null && s.mappingChecked?.error ? (
        <ErrorNotice error={s.mappingChecked.error} onRetry={() => dispatch({ type: 'recheckMapping' })} />
      ) : null}
      {/* Without the counter's goals the goal list would just be empty: say why, offer a retry. */}
      {goals.isError ? <ErrorNotice error={goals.error} onRetry={() => void goals.refetch()} /> : null}
      {!mapping ? (
        <div className="mb-loading" role="status">
          <Loader size="m" />
        </div>
      ) : (
        <>
          {mapping.from_template ? <Alert theme="info" message={t('columns.fromTemplate')} /> : null}
          <div className="mb-map" role="table" aria-label={t('columns.title')} data-testid="mapping-table">
            <div className="mb-map__row mb-map__row_head" role="row">
              <div role="columnheader">{t('columns.field')}</div>
              <div role="columnheader">{t('columns.source')}</div>
              <div role="columnheader">{t('columns.confidence')}</div>
            </div>
            {mapping.fields.map((f) => {
              // The core's answer says what is missing: a required field without a column or
              // value (a blank one too), or every identifier when none is given.
              const empty =
                problems?.some((p) =>
                  p.code === 'identifier' ? f.requirement === 'one_of_identifiers' : p.field === f.field,
                ) ?? false;
              return (
                <div
                  className={`mb-map__row${empty ? ' mb-map__row_missing' : ''}`}
                  role="row"
                  key={f.field}
                  data-field={f.field}
                >
                  <div role="cell" className="mb-map__field">
                    <div>
                      <span className="mb-map__name">{fieldText(f)}</span>{' '}
                      <Text variant="caption-2" color={f.requirement === 'optional' ? 'secondary' : 'warning'}>
                        {requirementLabel(f)}
                      </Text>
                    </div>
                    {/* The user's words first; Metrica's field name in small print for support. */}
                    <Text variant="caption-2" color="secondary">
                      {f.attribute_title !== null ? t('columns.attr.metricaName') : t('columns.metricaField')}{' '}
                      <code className="mb-code mb-code_small">{f.field}</code>
                    </Text>
                  </div>
                  <div role="cell" className="mb-map__source">
                    <Select
                      size="m"
                      width="max"
                      value={[sourceValue(f.source)]}
                      onUpdate={(v) => onSelect(f, v[0] ?? 'none')}
                      options={[
                        { value: 'none', content: t('columns.none') },
                        { value: 'constant', content: t('columns.constant') },
                        {
                          label: t('columns.columnsGroup'),
                          options: headers.map((h, i) => ({ value: `col:${i}`, content: h })),
                        },
                      ]}
                      qa={`source-${f.field}`}
                      title={f.field}
                    />
                    {f.format === 'currency' && Object.keys(mapping.currency_names).length > 0 ? (
                      <div className="mb-map__names" data-testid="currency-names">
                        <Text color="secondary" variant="caption-2">
                          {t('columns.currencyNames', {
                            list: Object.entries(mapping.currency_names)
                              .map(([word, code]) => `«${word}» → ${code}`)
                              .join(', '),
                          })}
                        </Text>{' '}
                        <Button
                          view="flat-secondary"
                          size="xs"
                          onClick={() => dispatch({ type: 'currencyNames', names: {} })}
                          qa="currency-names-forget"
                        >
                          {t('columns.currencyNamesForget')}
                        </Button>
                      </div>
                    ) : null}
                    {f.source.type === 'constant' ? (
                      <ConstantInput
                        f={f}
                        goals={goals.data ?? []}
                        onChange={(value) => setSource(f, { type: 'constant', value })}
                      />
                    ) : null}
                  </div>
                  <div role="cell">
                    <Confidence f={f} touched={s.touched.includes(f.field)} />
                  </div>
                </div>
              );
            })}
          </div>
          <Text color="secondary" as="p" data-testid="unmapped">
            {mapping.unmapped_columns.length > 0
              ? t('columns.unmapped', { list: mapping.unmapped_columns.map((c) => `«${c.header}»`).join(', ') })
              : t('columns.noUnmapped')}
          </Text>
          {s.kind === 'contacts' && counter ? (
            <AttributeOffers mapping={mapping} counterId={counter.id} canCreate={counter.can_upload} />
          ) : null}
        </>
      )}
      <StepFooter
        onBack={onBack}
        reason={reason}
        main={{
          label: t('common.next'),
          onClick: onNext,
          disabled: !mapping || problems === null || problems.length > 0,
        }}
      />
    </div>
  );
}
