//! Step 3 (CRM kinds only): each distinct status value of the file, how many rows have it, and
//! the Metrica status type it becomes, prefilled from the suggestions.
import { Loader, Text } from '@gravity-ui/uikit';
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../common/ErrorNotice';
import { STATUS_TYPES } from '../../common/kinds';
import { useActiveCounter, useBackend } from '../app/context';
import { StepFooter } from './parts';
import { StatusTable } from './StatusTable';
import { needsStatuses, useImport } from './state';

export function StatusesStep({ onBack, onNext }: { onBack: () => void; onNext: () => void }) {
  const { t } = useTranslation();
  const backend = useBackend();
  const [s, dispatch] = useImport();
  const counterId = useActiveCounter()?.id ?? null;
  const statusField = s.mapping?.fields.find((f) => f.field === 'order_status');
  const column = statusField?.source.type === 'column' ? statusField.source.header : null;
  const key = `${s.path ?? ''}|${JSON.stringify(s.read)}|${column ?? ''}|${counterId ?? ''}`;
  const need = needsStatuses(s) && s.statusKey !== key;
  const values = useQuery({
    queryKey: ['statuses', key],
    queryFn: async () => (s.path && s.mapping ? backend.statusValues(s.path, s.read, s.mapping, counterId) : []),
    enabled: need,
    staleTime: Infinity,
    retry: false,
  });
  useEffect(() => {
    if (need && values.data) {
      dispatch({
        type: 'statuses',
        key,
        entries: values.data.map((v) => ({
          value: v.value,
          status_type: v.suggested_type,
          status_id: v.suggested_id,
          goal_ids: [],
        })),
        counts: Object.fromEntries(values.data.map((v) => [v.value, v.count])),
      });
    }
  }, [need, values.data, key, dispatch]);
  const guessed = new Set((values.data ?? []).filter((v) => v.guessed).map((v) => v.value));
  const entries = need ? null : s.statusMap;

  return (
    <div className="mb-step">
      <Text variant="header-1" as="h2">
        {t('statuses.title')}
      </Text>
      {/* Shown only when a column holds the statuses (`stepsFor`): no status at all is «paid»
          for Metrica, which the check says among the file's remarks. */}
      {values.isError ? (
        <ErrorNotice error={values.error} onRetry={() => void values.refetch()} />
      ) : !entries ? (
        <div className="mb-loading" role="status">
          <Loader size="m" />
          <Text color="secondary">{t('statuses.loading')}</Text>
        </div>
      ) : (
        <>
          <Text as="p" color="secondary">
            {t('statuses.text')}
          </Text>
          <StatusTable
            testId="status-table"
            qaPrefix="status-type-"
            types={STATUS_TYPES}
            labels={s.kind === 'simple-orders' ? { OTHER: t('statuses.types.OTHER_goal') } : undefined}
            rows={entries.map((e) => ({
              value: e.value,
              count: s.statusCounts[e.value] ?? 0,
              type: e.status_type,
              guessed: guessed.has(e.value),
            }))}
            onChange={(value, statusType) => dispatch({ type: 'statusType', value, statusType })}
          />
        </>
      )}
      <StepFooter
        onBack={onBack}
        main={{ label: t('common.next'), onClick: onNext, disabled: needsStatuses(s) && !entries }}
      />
    </div>
  );
}
