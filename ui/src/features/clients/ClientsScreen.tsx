//! Agency overview: every client counter with its last upload, state and linked share, and a
//! shortcut to upload a file for that client.
import { Button, Loader, Text, TextInput } from '@gravity-ui/uikit';
import { useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CRM_KINDS, type ClientOverview } from '../../ipc';
import { DataTable } from '../../common/DataTable';
import { EmptyState } from '../../common/EmptyState';
import { ErrorNotice } from '../../common/ErrorNotice';
import { StateLabel } from '../../common/StateLabel';
import { formatDateTime, formatPercent } from '../../common/format';
import { useActiveAccount, useAllCounters, useBackend, useSession } from '../app/context';
import { useImport } from '../import/state';
import { JobsPanel, REFRESH_MS, Sparkline, WarningsList } from './JobsPanel';

export function ClientsScreen() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const backend = useBackend();
  const session = useSession();
  const { account } = useActiveAccount();
  const [search, setSearch] = useState('');
  // Jobs run by the system's scheduler or by `mbridge` in another process change the history
  // with no word to this window: while it is open it looks again, and when it comes back.
  const overview = useQuery({
    queryKey: ['overview', account?.login ?? null],
    queryFn: () => backend.overview(),
    refetchInterval: REFRESH_MS,
    refetchOnWindowFocus: true,
  });
  const { setCounterId, go } = session;
  const [{ sending }, dispatch] = useImport();
  const columns = useMemo<Array<ColumnDef<ClientOverview, unknown>>>(
    () => [
      {
        id: 'client',
        header: t('clients.client'),
        accessorFn: (r) => r.counter_name,
        cell: (c) => (
          <div className="mb-two-lines">
            <span className="mb-ellipsis">{c.row.original.counter_name}</span>
            <Text variant="caption-2" color="secondary">
              {t('common.numero', { id: c.row.original.counter_id })}
            </Text>
          </div>
        ),
        meta: { width: 'minmax(180px, 1.3fr)' },
      },
      {
        id: 'last',
        header: t('clients.last'),
        accessorFn: (r) => r.last_upload?.file_name ?? '',
        cell: (c) => {
          const l = c.row.original.last_upload;
          if (!l) return <Text color="secondary">{t('clients.never')}</Text>;
          return (
            <div className="mb-two-lines">
              <span className="mb-ellipsis" title={l.file_name}>
                {l.file_name}
              </span>
              <Text variant="caption-2" color="secondary">
                {formatDateTime(l.created_at, lang)}
              </Text>
            </div>
          );
        },
        meta: { width: 'minmax(180px, 1.5fr)' },
      },
      {
        id: 'state',
        header: t('clients.state'),
        // The words the label shows (the cell's tooltip and sort), never the state's wire name.
        accessorFn: (r) => (r.last_upload ? t(`history.states.${r.last_upload.state}`) : ''),
        cell: (c) =>
          c.row.original.last_upload ? (
            <StateLabel state={c.row.original.last_upload.state} />
          ) : (
            <Text color="secondary">—</Text>
          ),
        meta: { width: '140px' },
      },
      {
        id: 'linked',
        header: t('clients.linked'),
        accessorFn: (r) => (r.linked_share !== null ? formatPercent(r.linked_share, lang) : '—'),
        cell: (c) => (
          <span className="mb-linked">
            <Sparkline
              values={c.row.original.linked_trend}
              label={t('clients.trend')}
              format={(v) => formatPercent(v, lang)}
            />
            {c.row.original.linked_share !== null ? (
              formatPercent(c.row.original.linked_share, lang)
            ) : c.row.original.last_upload && CRM_KINDS.includes(c.row.original.last_upload.kind) ? (
              // Metrica counts no linking for orders and contacts: not «nothing linked».
              <span title={t('history.linkedNotCounted')} data-qa="linked-not-counted">
                —
              </span>
            ) : (
              '—'
            )}
          </span>
        ),
        meta: { width: '130px', align: 'end' },
      },
      {
        id: 'action',
        header: '',
        cell: (c) => (
          <Button
            size="s"
            view="outlined"
            onClick={(e) => {
              e.stopPropagation();
              setCounterId(c.row.original.counter_id);
              // A new upload for this client starts at the file: one still open (chosen for
              // another client) is shown there to keep or replace, not checked on unseen; a
              // finished one starts afresh.
              dispatch({ type: 'startUpload' });
              go('upload');
            }}
            // While a file is going, the counter it goes to stays (as the top bar's picker does).
            disabled={sending}
            title={
              sending ? t('clients.uploadWhileSending') : t('clients.uploadFor', { name: c.row.original.counter_name })
            }
            aria-label={t('clients.uploadFor', { name: c.row.original.counter_name })}
          >
            {t('clients.upload')}
          </Button>
        ),
        meta: { width: '120px', align: 'end' },
      },
    ],
    [t, lang, setCounterId, go, dispatch, sending],
  );
  // Counters the account may only view are not clients to upload for: said, not hidden.
  const all = useAllCounters();
  const listed = new Set((overview.data ?? []).map((r) => r.counter_id));
  const viewOnly = (all.data?.counters ?? []).filter((c) => !c.can_upload && !listed.has(c.id)).length;
  const q = search.trim().toLowerCase();
  const rows = (overview.data ?? []).filter(
    (r) => !q || r.counter_name.toLowerCase().includes(q) || String(r.counter_id).includes(q),
  );
  return (
    <div className="mb-screen mb-clients">
      <div className="mb-screen__head">
        <div>
          <Text variant="header-1" as="h1">
            {t('clients.title')}
          </Text>
          <Text as="p" color="secondary">
            {t('clients.text')}
            {overview.data && viewOnly > 0 ? ` ${t('clients.viewOnlyLeftOut', { count: viewOnly })}` : ''}
          </Text>
        </div>
        {overview.data ? <Text color="secondary">{t('common.counters', { count: overview.data.length })}</Text> : null}
      </div>
      {overview.data ? <WarningsList rows={overview.data} /> : null}
      {overview.data ? <JobsPanel rows={overview.data} /> : null}
      <TextInput
        value={search}
        onUpdate={setSearch}
        placeholder={t('clients.search')}
        hasClear
        style={{ maxWidth: 360 }}
        qa="clients-search"
        controlProps={{ 'aria-label': t('clients.search') }}
      />
      <div className="mb-clients__table">
        {overview.isPending ? (
          <Loader size="m" />
        ) : overview.isError ? (
          <ErrorNotice error={overview.error} onRetry={() => void overview.refetch()} />
        ) : rows.length === 0 ? (
          // A search that finds nothing is not an account without counters.
          <EmptyState text={q !== '' ? t('clients.noMatch', { query: search.trim() }) : t('clients.empty')} />
        ) : (
          <DataTable
            data={rows}
            columns={columns}
            height="100%"
            rowHeight={52}
            label={t('clients.title')}
            testId="clients-table"
            getRowId={(r) => String(r.counter_id)}
          />
        )}
      </div>
    </div>
  );
}
