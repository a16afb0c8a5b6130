//! The counter dialog's list: search and a virtualised list for agencies with hundreds of
//! counters (arrows + Enter). Loaded when the dialog first opens.
import { Label, Loader, Text, TextInput } from '@gravity-ui/uikit';
import { useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Counter } from '../../ipc';
import { ErrorNotice } from '../../common/ErrorNotice';
import { formatTimeZone } from '../../common/format';
import { useActiveAccount, useActiveCounter, useBackend } from '../app/context';

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

export function CounterList({
  onPick,
  searchRef,
}: {
  onPick: (c: Counter) => void;
  searchRef: React.RefObject<HTMLInputElement | null>;
}) {
  const { t, i18n } = useTranslation();
  const backend = useBackend();
  const { account } = useActiveAccount();
  const active = useActiveCounter();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 150);
  const [cursor, setCursor] = useState(0);
  const list = useQuery({
    queryKey: ['counters', account?.login ?? null, q],
    queryFn: () => backend.counters({ search: q || null, offset: 0, limit: 10_000 }),
    placeholderData: (prev) => prev,
  });
  const items = list.data?.counters ?? [];
  const scrollRef = useRef<HTMLDivElement>(null);
  // TanStack Virtual returns functions that must not be memoised by React Compiler.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => 52,
    overscan: 8,
    initialRect: { width: 500, height: 360 },
  });
  const move = (to: number) => {
    const n = Math.max(0, Math.min(items.length - 1, to));
    setCursor(n);
    virtualizer.scrollToIndex(n);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      move(cursor + 1);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      move(cursor - 1);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      // Never pick from a stale list while the search for what was typed is still running.
      if (q !== search.trim() || list.isPlaceholderData) return;
      const c = items[cursor];
      if (c) onPick(c);
    }
  };
  return (
    <div className="mb-picker">
      <TextInput
        value={search}
        onUpdate={(v) => {
          setSearch(v);
          setCursor(0);
        }}
        placeholder={t('top.searchCounter')}
        autoFocus
        controlRef={searchRef}
        hasClear
        size="l"
        onKeyDown={onKeyDown}
        controlProps={{
          'aria-label': t('top.searchCounter'),
          role: 'combobox',
          'aria-expanded': true,
          'aria-controls': 'counter-listbox',
          'aria-activedescendant': items[cursor] ? `counter-${items[cursor].id}` : undefined,
        }}
        qa="counter-search"
      />
      <Text color="secondary" variant="caption-2">
        {list.data ? `${t('common.counters', { count: list.data.total })} · ` : ''}
        {t('top.counterHint')}
      </Text>
      <div
        className="mb-picker__list"
        ref={scrollRef}
        role="listbox"
        id="counter-listbox"
        aria-label={t('top.counter')}
      >
        {list.isFetching && !list.data ? <Loader size="s" /> : null}
        {list.isError && !list.isFetching && !list.data ? (
          <ErrorNotice error={list.error} onRetry={() => void list.refetch()} />
        ) : null}
        {list.data && items.length === 0 ? <Text color="secondary">{t('top.noCounters')}</Text> : null}
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((vi) => {
            const c = items[vi.index];
            if (!c) return null;
            return (
              <div
                key={c.id}
                id={`counter-${c.id}`}
                role="option"
                aria-selected={vi.index === cursor}
                className={`mb-picker__item${vi.index === cursor ? ' mb-picker__item_cursor' : ''}${active?.id === c.id ? ' mb-picker__item_active' : ''}${c.can_upload ? '' : ' mb-picker__item_view-only'}`}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: 52,
                  transform: `translateY(${vi.start}px)`,
                }}
                onClick={() => onPick(c)}
                onMouseMove={() => setCursor(vi.index)}
              >
                <div className="mb-two-lines">
                  <span className="mb-ellipsis">{c.name}</span>
                  <Text variant="caption-2" color="secondary">
                    {[
                      c.site,
                      t('common.numero', { id: c.id }),
                      formatTimeZone(c.time_zone, c.utc_offset_minutes, i18n.language),
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </Text>
                </div>
                {!c.can_upload ? (
                  <Label size="xs" theme="unknown" title={t('top.viewOnlyWhy')}>
                    {t('top.viewOnly')}
                  </Label>
                ) : null}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
