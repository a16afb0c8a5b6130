//! Step 1: choose or drop a file, see "what we understood" (each item changeable in place),
//! the first rows, and the detected upload kind with plain-words explanations.
import { FileArrowUp } from '@gravity-ui/icons';
import { Button, Card, Icon, Label, Loader, Radio, RadioGroup, Select, Text } from '@gravity-ui/uikit';
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { FilePreview, UploadKind } from '../../ipc';
import { ErrorNotice } from '../../common/ErrorNotice';
import { Loading, lazyNamed } from '../../common/lazy';
import { formatBytes, formatPercent } from '../../common/format';
import { useBackend } from '../app/context';
import { StepFooter } from './parts';
import { useImport } from './state';

// The table of first rows (TanStack Table) loads once a file is chosen.
const PreviewTable = lazyNamed(() => import('./PreviewTable'), 'PreviewTable');

export const KINDS: UploadKind[] = ['simple-orders', 'conversions', 'calls', 'contacts', 'orders'];
const ENCODINGS = ['UTF-8', 'windows-1251', 'KOI8-R', 'UTF-16LE', 'IBM866'];
const DELIMITERS: Array<[string, 'semicolon' | 'comma' | 'tab' | 'pipe']> = [
  [';', 'semicolon'],
  [',', 'comma'],
  ['\t', 'tab'],
  ['|', 'pipe'],
];

export function usePreview() {
  const backend = useBackend();
  const [s] = useImport();
  return useQuery({
    queryKey: ['preview', s.path, s.pickCount, s.read],
    queryFn: () => backend.inspectFile(s.path ?? '', s.read),
    enabled: s.path !== null,
    staleTime: Infinity,
    retry: false,
  });
}

export function usePickFile() {
  const backend = useBackend();
  const [, dispatch] = useImport();
  return async () => {
    const path = await backend.pickFile();
    if (path) dispatch({ type: 'file', path });
  };
}

function DropZone() {
  const { t } = useTranslation();
  const pick = usePickFile();
  return (
    <Card view="outlined" className="mb-drop" data-testid="drop-zone">
      <Icon data={FileArrowUp} size={40} className="mb-drop__icon" />
      <Text variant="header-1" as="h2">
        {t('file.dropTitle')}
      </Text>
      <Text color="secondary" as="p">
        {t('file.dropHint')}
      </Text>
      <Button view="action" size="xl" onClick={() => void pick()} qa="pick-file" data-main-action="true">
        {t('file.pick')}
      </Button>
    </Card>
  );
}

function Understood({ preview }: { preview: FilePreview }) {
  const { t, i18n } = useTranslation();
  const [s, dispatch] = useImport();
  const info = preview.info;
  const encodings = ENCODINGS.includes(info.encoding) ? ENCODINGS : [info.encoding, ...ENCODINGS];
  return (
    <section className="mb-understood" aria-label={t('file.understood')}>
      <Text variant="subheader-2" as="h3">
        {t('file.understood')}
      </Text>
      <div className="mb-understood__items">
        <div className="mb-understood__item">
          <Text color="secondary" variant="caption-2">
            {t('file.format')}
          </Text>
          <Text>{`${info.format.toUpperCase()} · ${formatBytes(info.size, i18n.language)}`}</Text>
        </div>
        <div className="mb-understood__item">
          <Text color="secondary" variant="caption-2">
            {t('file.encoding')}
            {info.encoding_detected ? ` (${t('file.detected')})` : ''}
          </Text>
          <Select
            size="s"
            width={150}
            value={[info.encoding]}
            options={encodings.map((e) => ({ value: e, content: e }))}
            onUpdate={(v) => dispatch({ type: 'read', read: { encoding: v[0] ?? null } })}
            qa="read-encoding"
            title={t('file.encoding')}
          />
        </div>
        {info.format === 'csv' ? (
          <div className="mb-understood__item">
            <Text color="secondary" variant="caption-2">
              {t('file.delimiter')}
            </Text>
            <Select
              size="s"
              width={190}
              value={[info.delimiter ?? ';']}
              options={DELIMITERS.map(([d, k]) => ({ value: d, content: t(`file.delimiters.${k}`) }))}
              onUpdate={(v) => dispatch({ type: 'read', read: { delimiter: v[0] ?? null } })}
              qa="read-delimiter"
              title={t('file.delimiter')}
            />
          </div>
        ) : null}
        <div className="mb-understood__item">
          <Text color="secondary" variant="caption-2">
            {t('file.headerLine')}
          </Text>
          <Select
            size="s"
            width={70}
            value={[String(info.header_line)]}
            options={Array.from({ length: 10 }, (_, i) => ({ value: String(i + 1), content: String(i + 1) }))}
            onUpdate={(v) => dispatch({ type: 'read', read: { header_line: Number(v[0] ?? 1) } })}
            qa="read-header"
            title={t('file.headerLine')}
          />
        </div>
        {info.sheets.length > 0 ? (
          <div className="mb-understood__item">
            <Text color="secondary" variant="caption-2">
              {t('file.sheet')}
            </Text>
            <Select
              size="s"
              width={150}
              value={[info.sheet ?? info.sheets[0] ?? '']}
              options={info.sheets.map((x) => ({ value: x, content: x }))}
              onUpdate={(v) => dispatch({ type: 'read', read: { sheet: v[0] ?? null } })}
              qa="read-sheet"
              title={t('file.sheet')}
            />
          </div>
        ) : null}
      </div>
      {s.read.encoding !== null || info.headers.some((h) => h.includes('�')) ? (
        <Text color="secondary" variant="caption-2">
          {t('file.garbled')}
        </Text>
      ) : null}
    </section>
  );
}

function KindChooser({ preview }: { preview: FilePreview }) {
  const { t, i18n } = useTranslation();
  const [s, dispatch] = useImport();
  return (
    <section className="mb-kinds" aria-labelledby="kind-title">
      <Text variant="subheader-2" as="h3" id="kind-title">
        {t('file.kind')}
      </Text>
      <Text color="secondary" as="p" className="mb-kinds__detected">
        {preview.detected_kind
          ? t('file.kindDetected', {
              kind: t(`kinds.${preview.detected_kind}.title`),
              confidence: formatPercent(preview.kind_confidence, i18n.language),
            })
          : t('file.kindUnknown')}
      </Text>
      <RadioGroup
        value={s.kind ?? ''}
        onUpdate={(v) => dispatch({ type: 'kind', kind: v as UploadKind })}
        direction="vertical"
        aria-labelledby="kind-title"
        qa="kind-group"
      >
        {KINDS.map((k) => (
          <Radio key={k} value={k} className="mb-kinds__item">
            <span className="mb-kinds__title">{t(`kinds.${k}.title`)}</span>
            {preview.detected_kind === k ? (
              <Label size="xs" theme="info" className="mb-kinds__badge">
                {formatPercent(preview.kind_confidence, i18n.language)}
              </Label>
            ) : null}
            <span className="mb-kinds__text">{t(`kinds.${k}.text`)}</span>
          </Radio>
        ))}
      </RadioGroup>
    </section>
  );
}

export function FileStep({ onNext }: { onNext: () => void }) {
  const { t } = useTranslation();
  const [s, dispatch] = useImport();
  const preview = usePreview();
  const pick = usePickFile();
  const detected = preview.data?.detected_kind ?? null;
  const hasData = preview.data !== undefined;
  useEffect(() => {
    if (hasData) dispatch({ type: 'detected', kind: detected });
  }, [hasData, detected, dispatch]);

  if (!s.path) return <DropZone />;
  return (
    <div className="mb-step">
      <div className="mb-file-head">
        <div className="mb-file-head__name">
          <Text variant="header-1" as="h2" ellipsis title={preview.data?.info.file_name ?? s.path}>
            {preview.data?.info.file_name ?? s.path.split(/[\\/]/).pop()}
          </Text>
        </div>
        <Button view="outlined" onClick={() => void pick()} qa="pick-another">
          {t('file.another')}
        </Button>
      </div>
      {preview.isPending ? (
        <div className="mb-loading" role="status">
          <Loader size="m" />
          <Text color="secondary">{t('file.reading')}</Text>
        </div>
      ) : preview.isError ? (
        <ErrorNotice error={preview.error} onRetry={() => void preview.refetch()} />
      ) : (
        <>
          <div className="mb-file-grid">
            <div className="mb-file-grid__main">
              <Understood preview={preview.data} />
              <Loading>
                <PreviewTable preview={preview.data} />
              </Loading>
            </div>
            <KindChooser preview={preview.data} />
          </div>
        </>
      )}
      <StepFooter main={{ label: t('common.next'), onClick: onNext, disabled: !preview.data || s.kind === null }} />
    </div>
  );
}
