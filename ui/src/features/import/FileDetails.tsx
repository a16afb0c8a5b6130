//! Step 1 once a file is read: "what we understood" (each item changeable in place), the first
//! rows and the detected upload kind with plain-words explanations. Loaded when first needed.
import { Label, Radio, RadioGroup, Select, Text } from '@gravity-ui/uikit';
import { useTranslation } from 'react-i18next';
import { ENCODINGS } from '../../ipc';
import type { FilePreview, UploadKind } from '../../ipc';
import { KINDS } from '../../common/kinds';
import { formatBytes, formatPercent } from '../../common/format';
import { PreviewTable } from './PreviewTable';
import { useImport } from './state';

const DELIMITERS: Array<[string, 'semicolon' | 'comma' | 'tab' | 'pipe']> = [
  [';', 'semicolon'],
  [',', 'comma'],
  ['\t', 'tab'],
  ['|', 'pipe'],
];

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
        {/* A workbook has no encoding a person chooses: said only of text files. */}
        {info.format === 'csv' ? (
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
        ) : null}
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
            // The core looks for the header in the first 200 lines: the line it found is offered,
            // and a few after it.
            options={Array.from({ length: Math.max(20, info.header_line + 5) }, (_, i) => ({
              value: String(i + 1),
              content: String(i + 1),
            }))}
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
          : // One column: the file was likely split wrong; several: read fine, not recognised.
            preview.info.headers.length > 1
            ? t('file.kindUnknownColumns')
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

export function FileDetails({ preview }: { preview: FilePreview }) {
  return (
    <div className="mb-file-grid">
      <div className="mb-file-grid__main">
        <Understood preview={preview} />
        <PreviewTable preview={preview} />
      </div>
      <KindChooser preview={preview} />
    </div>
  );
}
