//! A virtualised table (TanStack Table for the model, TanStack Virtual for the rows) that fits its
//! container's width: columns are CSS grid tracks, long cells are cut with an ellipsis and a title.
import { type ColumnDef, type RowData, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, type KeyboardEvent } from 'react';

declare module '@tanstack/react-table' {
  // Type parameters must match the library's declaration to merge.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    /** CSS grid track, e.g. `120px` or `minmax(120px, 2fr)`. */
    width?: string;
    align?: 'start' | 'end';
  }
}

export interface DataTableProps<T> {
  data: T[];
  columns: Array<ColumnDef<T, unknown>>;
  height: number | string;
  rowHeight?: number;
  getRowId?: (row: T, index: number) => string;
  selectedId?: string | null;
  onRowClick?: (row: T) => void;
  label: string;
  testId?: string;
  minColumnWidth?: number;
}

export function DataTable<T>({
  data,
  columns,
  height,
  rowHeight = 40,
  getRowId,
  selectedId,
  onRowClick,
  label,
  testId,
  minColumnWidth = 80,
}: DataTableProps<T>) {
  // TanStack Table returns functions that must not be memoised by React Compiler.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({ data, columns, getCoreRowModel: getCoreRowModel(), getRowId });
  const scrollRef = useRef<HTMLDivElement>(null);
  const rows = table.getRowModel().rows;
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 10,
    initialRect: { width: 1000, height: 600 },
  });
  const template = table
    .getVisibleLeafColumns()
    .map((c) => c.columnDef.meta?.width ?? `minmax(${minColumnWidth}px, 1fr)`)
    .join(' ');

  const onKey = (e: KeyboardEvent<HTMLDivElement>, row: T) => {
    if ((e.key === 'Enter' || e.key === ' ') && onRowClick) {
      e.preventDefault();
      e.stopPropagation();
      onRowClick(row);
    }
  };

  return (
    <div
      className="mb-table"
      role="table"
      aria-label={label}
      aria-rowcount={rows.length + 1}
      data-testid={testId}
      ref={scrollRef}
      style={{ height }}
    >
      <div className="mb-table__head" role="rowgroup">
        {table.getHeaderGroups().map((hg) => (
          <div
            key={hg.id}
            role="row"
            className="mb-table__row mb-table__row_head"
            style={{ gridTemplateColumns: template }}
          >
            {hg.headers.map((h) => {
              const meta = h.column.columnDef.meta;
              return (
                <div
                  key={h.id}
                  role="columnheader"
                  className={`mb-table__cell mb-table__cell_${meta?.align ?? 'start'}`}
                  title={typeof h.column.columnDef.header === 'string' ? h.column.columnDef.header : undefined}
                >
                  {h.isPlaceholder ? null : flexRender(h.column.columnDef.header, h.getContext())}
                </div>
              );
            })}
          </div>
        ))}
      </div>
      <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((vi) => {
          const row = rows[vi.index];
          if (!row) return null;
          const selected = selectedId !== undefined && selectedId === row.id;
          return (
            <div
              key={row.id}
              role="row"
              aria-rowindex={vi.index + 2}
              aria-selected={onRowClick ? selected : undefined}
              tabIndex={onRowClick ? 0 : undefined}
              className={`mb-table__row${onRowClick ? ' mb-table__row_clickable' : ''}${selected ? ' mb-table__row_selected' : ''}`}
              style={{
                gridTemplateColumns: template,
                position: 'absolute',
                top: 0,
                left: 0,
                right: 0,
                height: rowHeight,
                transform: `translateY(${vi.start}px)`,
              }}
              onClick={onRowClick ? () => onRowClick(row.original) : undefined}
              onKeyDown={onRowClick ? (e) => onKey(e, row.original) : undefined}
            >
              {row.getVisibleCells().map((cell) => {
                const meta = cell.column.columnDef.meta;
                const value = cell.getValue();
                return (
                  <div
                    key={cell.id}
                    role="cell"
                    className={`mb-table__cell mb-table__cell_${meta?.align ?? 'start'}`}
                    title={typeof value === 'string' ? value : undefined}
                  >
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </div>
                );
              })}
            </div>
          );
        })}
      </div>
    </div>
  );
}
