//! The file's first rows as a table, as the core read them (loaded once a file is chosen).
import { Text } from '@gravity-ui/uikit';
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { FilePreview, PreviewRow } from '../../ipc';
import { DataTable } from '../../common/DataTable';
import { formatSheetCell } from '../../common/format';

export function PreviewTable({ preview }: { preview: FilePreview }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  // A workbook's numbers and dates are read into machine text: shown as Excel shows them. Text
  // (every cell of a CSV, and text typed into a workbook's cell) is shown exactly as written.
  const columns = useMemo<Array<ColumnDef<PreviewRow, unknown>>>(() => {
    const shown = (r: PreviewRow, i: number) => formatSheetCell(r.cells[i] ?? '', r.kinds[i] ?? 'text', lang);
    // Each column's share of the width follows what it holds (a date or a phone needs more
    // than a sum), so «01.12.2026 11:20» is read whole instead of cut like every other column.
    const share = (h: string, i: number) =>
      Math.min(28, Math.max(4, h.length, ...preview.rows.slice(0, 20).map((r) => shown(r, i).length)));
    return [
      { id: 'line', header: '№', accessorFn: (r) => r.line, meta: { width: '52px', align: 'end' } },
      ...preview.info.headers.map((h, i): ColumnDef<PreviewRow, unknown> => ({
        id: `c${i}`,
        header: h,
        accessorFn: (r) => shown(r, i),
        // At least wide enough for what it holds (about 7.5 px a character, 90 px up), so a
        // date or a phone is read whole; the table scrolls sideways when they do not all fit.
        meta: { width: `minmax(${Math.max(90, Math.round(share(h, i) * 7.5) + 16)}px, ${share(h, i)}fr)` },
      })),
    ];
  }, [preview.info.headers, preview.rows, lang]);
  return (
    <section aria-label={t('file.preview')} className="mb-preview">
      <div className="mb-preview__title">
        <Text variant="subheader-2" as="h3">
          {t('file.preview')}
        </Text>
        {preview.truncated ? (
          <Text color="secondary" variant="caption-2">
            {t('file.previewTruncated', { count: preview.rows.length })}
          </Text>
        ) : null}
      </div>
      {preview.unreadable.length > 0 ? (
        // Lines the reader could not split are not rows of the table: said, not dropped.
        <Text as="p" color="danger" variant="body-1" qa="preview-unreadable">
          {t(preview.unreadable.length === 1 ? 'file.unreadableOne' : 'file.unreadableMany', {
            lines:
              preview.unreadable
                .slice(0, 10)
                .map((u) => u.line)
                .join(', ') +
              (preview.unreadable.length > 10 ? t('file.andMore', { count: preview.unreadable.length - 10 }) : ''),
            why: [...new Set(preview.unreadable.map((u) => t(`issues.${u.code}.title`).toLowerCase()))].join('; '),
          })}
        </Text>
      ) : null}
      <DataTable
        data={preview.rows}
        columns={columns}
        height={236}
        rowHeight={32}
        label={t('file.preview')}
        testId="preview-table"
        getRowId={(r) => String(r.line)}
        minColumnWidth={90}
      />
    </section>
  );
}
