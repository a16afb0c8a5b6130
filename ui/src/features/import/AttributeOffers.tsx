//! Contacts only: file columns that no field reads can go to the counter's contact attributes
//! (Metrica accepts extra contact columns only when the counter declares them). Offers the
//! attributes the counter has and, where the account may edit the counter, to declare a new one
//! named after the column.
import { Button, Select, Text } from '@gravity-ui/uikit';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ATTRIBUTE_TYPES } from '../../ipc';
import type { ColumnMapping, CounterAttributeDto } from '../../ipc';
import type { Messages } from '../../i18n/ru';
import { ErrorNotice } from '../../common/ErrorNotice';
import { useBackend } from '../app/context';
import { useImport } from './state';

/** The types the core accepts for a new attribute, each with its words in the catalogue. */
type AttrType = keyof Messages['columns']['attr']['types'];
const TYPES = ATTRIBUTE_TYPES as readonly AttrType[];

function Offer({
  header,
  index,
  counterId,
  canCreate,
  free,
}: {
  header: string;
  index: number;
  counterId: number;
  canCreate: boolean;
  free: CounterAttributeDto[];
}) {
  const { t } = useTranslation();
  const backend = useBackend();
  const [, dispatch] = useImport();
  const [type, setType] = useState<AttrType>('text');
  const create = useMutation({
    mutationFn: () => backend.createContactAttribute(counterId, header, type),
    onSuccess: (attribute) => dispatch({ type: 'attribute', attribute, index, header }),
  });
  return (
    <div className="mb-attr" data-testid="attribute-offer" data-column={header}>
      <Text as="div">{t('columns.attr.column', { header })}</Text>
      <div className="mb-attr__actions">
        {free.length > 0 ? (
          <Select
            size="m"
            placeholder={t('columns.attr.sendTo')}
            options={free.map((a) => ({ value: a.name, content: a.title }))}
            onUpdate={(v) => {
              const attribute = free.find((a) => a.name === v[0]);
              if (attribute) dispatch({ type: 'attribute', attribute, index, header });
            }}
            qa={`attr-existing-${index}`}
            title={t('columns.attr.sendTo')}
          />
        ) : null}
        {canCreate ? (
          <>
            <Select
              size="m"
              value={[type]}
              options={TYPES.map((x) => ({ value: x, content: t(`columns.attr.types.${x}`) }))}
              onUpdate={(v) => setType((v[0] as AttrType | undefined) ?? 'text')}
              qa={`attr-type-${index}`}
              title={t('columns.attr.type')}
            />
            <Button
              view="outlined"
              loading={create.isPending}
              onClick={() => create.mutate()}
              qa={`attr-create-${index}`}
            >
              {t('columns.attr.create')}
            </Button>
          </>
        ) : null}
      </div>
      {create.isError ? <ErrorNotice error={create.error} /> : null}
    </div>
  );
}

export function AttributeOffers({
  mapping,
  counterId,
  canCreate,
}: {
  mapping: ColumnMapping;
  counterId: number;
  canCreate: boolean;
}) {
  const { t } = useTranslation();
  const used = new Set(mapping.fields.map((f) => f.field));
  const free = mapping.attributes.filter((a) => !used.has(a.name));
  // The core's columns by position: of two named alike, the one no field reads.
  const columns = mapping.unmapped_columns;
  if (columns.length === 0 || (free.length === 0 && !canCreate)) return null;
  return (
    <section className="mb-attrs" aria-label={t('columns.attr.title')}>
      <Text variant="subheader-2" as="h3">
        {t('columns.attr.title')}
      </Text>
      <Text color="secondary" as="p">
        {t('columns.attr.hint')}
      </Text>
      {columns.map((c) => (
        <Offer key={c.index} {...c} counterId={counterId} canCreate={canCreate} free={free} />
      ))}
    </section>
  );
}
