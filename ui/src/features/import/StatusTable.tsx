//! The table of a file's CRM statuses, each with its rows and the Metrica status type chosen for
//! it: the Statuses step's and a job's «Сопоставить новые статусы» dialog's.
import { Label, Select, Text } from '@gravity-ui/uikit';
import { useTranslation } from 'react-i18next';
import type { OrderStatusType } from '../../ipc';
import { formatNumber } from '../../common/format';

export type StatusTableRow = {
  value: string;
  count: number;
  /** The type chosen (or suggested); null: none yet, the placeholder asks for one. */
  type: OrderStatusType | null;
  /** The suggestion is a guess (the core's `StatusValue.guessed`): marked «проверьте». */
  guessed: boolean;
};

export function StatusTable(props: {
  rows: StatusTableRow[];
  types: readonly OrderStatusType[];
  onChange: (value: string, type: OrderStatusType) => void;
  /** The Select of a value is `${qaPrefix}${value}`. */
  qaPrefix: string;
  testId: string;
  placeholder?: string;
  /** A type's words when they differ from its usual ones (simple orders' «Другое» is a goal). */
  labels?: Partial<Record<OrderStatusType, string>>;
}) {
  const { t, i18n } = useTranslation();
  return (
    <div className="mb-statuses" role="table" aria-label={t('statuses.title')} data-testid={props.testId}>
      <div className="mb-statuses__row mb-statuses__row_head" role="row">
        <div role="columnheader">{t('statuses.value')}</div>
        <div role="columnheader" className="mb-num">
          {t('statuses.count')}
        </div>
        <div role="columnheader">{t('statuses.type')}</div>
        <div role="columnheader" />
      </div>
      {props.rows.map((r) => (
        <div className="mb-statuses__row" role="row" key={r.value} data-status={r.value}>
          <div role="cell">
            <Text variant="subheader-1">{r.value}</Text>
          </div>
          <div role="cell" className="mb-num">
            {formatNumber(r.count, i18n.language)}
          </div>
          <div role="cell">
            <Select
              width="max"
              value={r.type ? [r.type] : []}
              placeholder={props.placeholder}
              options={props.types.map((x) => ({ value: x, content: props.labels?.[x] ?? t(`statuses.types.${x}`) }))}
              onUpdate={(v) => props.onChange(r.value, (v[0] ?? 'OTHER') as OrderStatusType)}
              qa={`${props.qaPrefix}${r.value}`}
              title={r.value}
            />
          </div>
          <div role="cell">
            {r.guessed ? (
              <Label size="xs" theme="warning" title={t('statuses.guessed')}>
                {t('columns.conf.low')}
              </Label>
            ) : null}
          </div>
        </div>
      ))}
    </div>
  );
}
