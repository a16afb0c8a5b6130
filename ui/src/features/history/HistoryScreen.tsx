//! History: every upload with filters (counter, kind, state, dates), coloured states, a detail
//! panel that explains the result in plain words, refresh/resend, and CSV export.
import { Alert, Button, Card, ClipboardButton, Loader, Progress, Select, Text, TextInput } from '@gravity-ui/uikit';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  CRM_KINDS,
  UPLOAD_STATES,
  type HistoryFilter,
  type UploadKind,
  type UploadState,
  type UploadSummary,
} from '../../ipc';
import { KINDS } from '../../common/kinds';
import { DataTable } from '../../common/DataTable';
import { EmptyState } from '../../common/EmptyState';
import { failureText } from '../../common/failure';
import { ErrorNotice } from '../../common/ErrorNotice';
import { RejectedFileActions } from '../../common/RejectedFileActions';
import { StateLabel } from '../../common/StateLabel';
import { dayIso, formatDateTime, formatNumber, formatPercent, parseDay } from '../../common/format';
import { toAppError } from '../../common/errors';
import { useActiveAccount, useAllCounters, useBackend, useSession } from '../app/context';
import { useJob } from '../import/job';
import { JobProgress } from '../import/parts';

/** One upload, explained; `onResent` moves the selection to the new upload a resend made (or
 *  to the one that sent its rows again). */
/** What the first time is: «Отправлена» only once Metrica has the file (the core's
 *  `received`: it may have refused or failed it since); a send cut off, stopped or failed
 *  before it arrived was only begun. */
function startedLabel(s: UploadSummary) {
  if (s.state === 'prepared') return 'history.preparedAt' as const;
  return s.received ? ('history.sentAt' as const) : ('history.startedAt' as const);
}

/** What the last time is: «Обработана» only when Metrica processed the file. */
function endedLabel(s: UploadSummary) {
  switch (s.state) {
    case 'processed':
    case 'linkage_failure':
      return 'history.finishedAt' as const;
    case 'rejected':
      return 'history.rejectedAt' as const;
    default:
      return 'history.endedAt' as const;
  }
}

function Detail({ id, onResent }: { id: number; onResent: (id: number) => void }) {
  const { t, i18n } = useTranslation();
  const backend = useBackend();
  const qc = useQueryClient();
  const lang = i18n.language;
  // Followed while Metrica works on it: the core's notice refreshes it, and so does a look
  // every 15 s (a notice can be missed: the browser adapter, a window asleep).
  const detail = useQuery({
    queryKey: ['detail', id],
    queryFn: () => backend.uploadDetail(id),
    refetchInterval: (q) => (q.state.data && !q.state.data.summary.refreshable ? false : 15_000),
  });
  const invalidate = () => {
    void qc.invalidateQueries({ queryKey: ['history'] });
    void qc.invalidateQueries({ queryKey: ['detail'] });
    void qc.invalidateQueries({ queryKey: ['overview'] });
  };
  const refresh = useMutation({ mutationFn: () => backend.refreshStatus(id), onSuccess: invalidate });
  // Resending is long work like a send: progress with the pace and time left, and a stop.
  const resend = useJob<UploadSummary>();
  const resendNow = () => {
    void resend
      .run((onProgress) => backend.resend(id, onProgress))
      .then((next) => {
        invalidate();
        if (next) onResent(next.id);
      });
  };
  const resendStopped = resend.error !== null && toAppError(resend.error).kind === 'cancelled';
  if (detail.isPending) return <Loader size="s" />;
  if (detail.isError) return <ErrorNotice narrow error={detail.error} onRetry={() => void detail.refetch()} />;
  const d = detail.data;
  const s = d.summary;
  const canRefresh = s.refreshable;
  // The core says whether a resend would be taken (not sent again already, its file still there).
  const canResend = s.resendable;
  return (
    <div className="mb-detail" data-testid="upload-detail">
      <div className="mb-detail__head">
        <Text variant="subheader-3" as="h3">
          {t('history.detailTitle', { id: s.id })}
        </Text>
        <StateLabel state={s.state} />
      </div>
      <Text as="div" variant="subheader-1" ellipsis title={s.file_name}>
        {s.file_name}
      </Text>
      <Text as="div" color="secondary">
        {t(`kinds.${s.kind}.title`)} · {s.counter_name ?? s.counter_id} · {t('common.numero', { id: s.counter_id })}
      </Text>
      <dl className="mb-detail__facts">
        <dt>{t(startedLabel(s))}</dt>
        <dd>{formatDateTime(s.created_at, lang)}</dd>
        {s.finished_at ? (
          <>
            <dt>{t(endedLabel(s))}</dt>
            <dd>{formatDateTime(s.finished_at, lang)}</dd>
          </>
        ) : null}
        <dt>{t('history.rows')}</dt>
        <dd>{formatNumber(s.valid_rows, lang)}</dd>
        {s.server_id ? (
          <>
            <dt>{t('history.serverId')}</dt>
            {/* A CRM upload's id is a UUID: whole (broken anywhere), selected at one click, and
                copied with the button beside it (for Yandex's support). */}
            <dd className="mb-server-id">
              <span className="mb-select-all">{s.server_id}</span>
              <ClipboardButton text={s.server_id} size="xs" view="flat-secondary" qa="copy-server-id" />
            </dd>
          </>
        ) : null}
        {s.replaced_by !== null ? (
          <>
            <dt>{t('history.replacedBy')}</dt>
            <dd>
              <Button view="flat-info" size="s" onClick={() => onResent(s.replaced_by ?? id)} qa="replaced-by">
                {t('history.detailTitle', { id: s.replaced_by })}
              </Button>
            </dd>
          </>
        ) : null}
        {s.note ? (
          <>
            <dt>{t('history.note')}</dt>
            <dd>{s.note}</dd>
          </>
        ) : null}
        {s.failure ? (
          <>
            <dt>{s.state === 'rejected' ? t('history.serverMessage') : t('history.reasonTitle')}</dt>
            <dd>{failureText(s.failure, t, lang)}</dd>
          </>
        ) : null}
      </dl>
      {d.linked_share !== null ? (
        <div className="mb-detail__share">
          <Text color="secondary" variant="caption-2">
            {t('history.linkedShare')}
          </Text>
          <div className="mb-detail__share-row">
            <Progress
              value={Math.round(d.linked_share * 100)}
              theme={d.linked_share > 0.5 ? 'success' : 'warning'}
              size="s"
            />
            <Text variant="subheader-2">{formatPercent(d.linked_share, lang)}</Text>
          </div>
        </div>
      ) : null}
      <ul className="mb-detail__explain" data-testid="explanation">
        {d.explanation.map((e) => {
          const advice = e.advice;
          return (
            <li key={e.code}>
              <Text as="p">
                {t(`history.explain.${e.code}`, {
                  rows: e.count !== null ? t('common.rows', { count: e.count }) : '',
                })}
              </Text>
              {advice ? (
                <Text as="p" color="secondary">
                  {t(`history.advice.${advice}`)}
                </Text>
              ) : null}
            </li>
          );
        })}
      </ul>
      {d.rejected_path ? (
        <div className="mb-rejected" data-testid="history-rejected">
          <Text color="secondary" as="p">
            {t('history.rejectedFile')}
          </Text>
          <RejectedFileActions path={d.rejected_path} />
        </div>
      ) : null}
      {refresh.isError ? <ErrorNotice narrow error={refresh.error} onRetry={() => refresh.mutate()} /> : null}
      {resend.running ? (
        <JobProgress progress={resend.progress} onCancel={resend.cancel} cancelLabel={t('send.cancel')} />
      ) : resendStopped ? (
        <Alert theme="info" message={t('history.resendStopped')} />
      ) : resend.error !== null ? (
        <ErrorNotice narrow error={resend.error} onRetry={resendNow} />
      ) : null}
      <div className="mb-detail__actions">
        {canRefresh ? (
          <Button view="outlined" onClick={() => refresh.mutate()} loading={refresh.isPending} qa="refresh-status">
            {t('history.refresh')}
          </Button>
        ) : null}
        {canResend && !resend.running ? (
          <Button view="action" onClick={resendNow} qa="resend">
            {t('history.resend')}
          </Button>
        ) : null}
      </div>
    </div>
  );
}

/** A day typed as дд.мм.гггг; a text box everywhere (WebKitGTK has no date picker). */
function DayInput(props: { value: string; onUpdate: (v: string) => void; label: string; qa: string }) {
  const { t } = useTranslation();
  const invalid = parseDay(props.value) === 'invalid';
  return (
    <TextInput
      value={props.value}
      onUpdate={props.onUpdate}
      label={props.label}
      placeholder={t('history.dayPlaceholder')}
      hasClear
      style={{ width: 190 }}
      qa={props.qa}
      validationState={invalid ? 'invalid' : undefined}
      errorMessage={invalid ? t('history.dayInvalid') : undefined}
      controlProps={{ 'aria-label': props.label, inputMode: 'numeric' }}
    />
  );
}

export function HistoryScreen() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const backend = useBackend();
  const session = useSession();
  const { account } = useActiveAccount();
  const counters = useAllCounters();
  const [counterId, setCounterId] = useState<string>('all');
  const [kind, setKind] = useState<string>('all');
  const [states, setStates] = useState<string[]>([]);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [picked, setPicked] = useState<number | null>(null);
  const selected = picked ?? session.historyFocus;
  const filter: HistoryFilter = {
    account: account?.login ?? null,
    counter_id: counterId === 'all' ? null : Number(counterId),
    kind: kind === 'all' ? null : (kind as UploadKind),
    states: states as UploadState[],
    // Half-typed or impossible days are ignored (with a hint under the field), never thrown.
    // The core makes them whole days of the zone the list shows its dates in.
    from: dayIso(from),
    to: dayIso(to),
    limit: null,
    time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
  const history = useQuery({ queryKey: ['history', filter], queryFn: () => backend.history(filter) });
  const exported = useMutation({ mutationFn: () => backend.exportHistory(filter) });
  // A day that is not a date is not applied to the list (its field says so); the export would
  // be of every upload while the screen asks for some, so it waits for the day to be fixed.
  const dayTypo = parseDay(from) === 'invalid' || parseDay(to) === 'invalid';

  const columns = useMemo<Array<ColumnDef<UploadSummary, unknown>>>(
    () => [
      {
        id: 'when',
        header: t('history.when'),
        accessorFn: (r) => formatDateTime(r.created_at, lang),
        cell: (c) => {
          const [date, time] = formatDateTime(c.row.original.created_at, lang).split(' ');
          return (
            <div className="mb-two-lines">
              <span>{date}</span>
              <Text variant="caption-2" color="secondary">
                {time}
              </Text>
            </div>
          );
        },
        meta: { width: '92px' },
      },
      {
        id: 'file',
        header: t('history.file'),
        accessorFn: (r) => r.file_name,
        cell: (c) => (
          <div className="mb-two-lines">
            <span className="mb-ellipsis" title={c.row.original.file_name}>
              {c.row.original.file_name}
            </span>
            <Text variant="caption-2" color="secondary">
              {t(`kinds.${c.row.original.kind}.title`)}
            </Text>
          </div>
        ),
        meta: { width: 'minmax(104px, 1.4fr)' },
      },
      {
        id: 'counter',
        header: t('history.counter'),
        accessorFn: (r) => r.counter_name ?? String(r.counter_id),
        cell: (c) => (
          <div className="mb-two-lines">
            <span className="mb-ellipsis">{c.row.original.counter_name ?? c.row.original.counter_id}</span>
            <Text variant="caption-2" color="secondary">
              {t('common.numero', { id: c.row.original.counter_id })}
            </Text>
          </div>
        ),
        meta: { width: 'minmax(92px, 1fr)' },
      },
      {
        id: 'rows',
        header: t('history.rows'),
        accessorFn: (r) => formatNumber(r.valid_rows, lang),
        // Wide enough for «12 345 678»: counts are never clipped.
        meta: { width: '88px', align: 'end' },
      },
      {
        id: 'state',
        header: t('history.state'),
        // The words the label shows (the cell's tooltip), never the state's wire name.
        accessorFn: (r) => t(`history.states.${r.state}`),
        cell: (c) => <StateLabel state={c.row.original.state} />,
        meta: { width: '152px' },
      },
      {
        id: 'linked',
        header: t('history.linked'),
        accessorFn: (r) => (r.linked_share !== null ? formatPercent(r.linked_share, lang) : '—'),
        // Metrica counts no linking for orders and contacts: «—» there is not «nothing linked».
        cell: (c) =>
          c.row.original.linked_share === null && CRM_KINDS.includes(c.row.original.kind) ? (
            <span title={t('history.linkedNotCounted')} data-qa="linked-not-counted">
              —
            </span>
          ) : (
            c.getValue<string>()
          ),
        meta: { width: '84px', align: 'end' },
      },
    ],
    [t, lang],
  );

  const counterOptions = [
    { value: 'all', content: t('history.allCounters') },
    ...(counters.data?.counters ?? []).map((c) => ({ value: String(c.id), content: `${c.name} · ${c.id}` })),
  ];
  const filtered = counterId !== 'all' || kind !== 'all' || states.length > 0 || from !== '' || to !== '';
  const resetFilters = () => {
    setCounterId('all');
    setKind('all');
    setStates([]);
    setFrom('');
    setTo('');
  };
  // Nothing to write: the export would be a header alone, said as «saved».
  const nothingToExport = history.data !== undefined && history.data.length === 0;
  // The filters hide the chosen upload (or a resend replaced it under a state filter): its
  // details stay (a resend going on in them keeps its progress and stop), said apart from
  // the list's.
  const listed = history.data?.some((r) => r.id === selected) ?? true;
  const hiddenByFilters = selected !== null && filtered && !listed;

  return (
    <div className="mb-screen mb-history">
      <div className="mb-screen__head">
        <Text variant="header-1" as="h1">
          {t('history.title')}
        </Text>
        <Button
          view="outlined"
          onClick={() => exported.mutate()}
          loading={exported.isPending}
          disabled={dayTypo || nothingToExport}
          title={dayTypo ? t('history.exportDayInvalid') : nothingToExport ? t('history.exportNothing') : undefined}
          qa="export-history"
        >
          {t('history.export')}
        </Button>
      </div>
      <div className="mb-filters" role="group" aria-label={t('history.title')}>
        <Select
          value={[counterId]}
          onUpdate={(v) => setCounterId(v[0] ?? 'all')}
          options={counterOptions}
          filterable
          width={200}
          qa="filter-counter"
          title={t('history.counter')}
        />
        <Select
          value={[kind]}
          onUpdate={(v) => setKind(v[0] ?? 'all')}
          options={[
            { value: 'all', content: t('history.allKinds') },
            ...KINDS.map((k) => ({ value: k, content: t(`kinds.${k}.title`) })),
          ]}
          width={170}
          qa="filter-kind"
          title={t('history.kind')}
        />
        <Select
          multiple
          value={states}
          onUpdate={setStates}
          placeholder={t('history.allStates')}
          options={UPLOAD_STATES.map((x) => ({ value: x, content: t(`history.states.${x}`) }))}
          width={170}
          // «Все состояния» is a choice like «Все типы» beside it, not a grey hint.
          className="mb-filter-all"
          qa="filter-state"
          title={t('history.state')}
        />
        <DayInput value={from} onUpdate={setFrom} label={t('history.from')} qa="filter-from" />
        <DayInput value={to} onUpdate={setTo} label={t('history.to')} qa="filter-to" />
      </div>
      {exported.data ? <Alert theme="success" message={t('history.exported', { path: exported.data })} /> : null}
      {exported.isError ? <ErrorNotice error={exported.error} /> : null}
      <div className="mb-history__body">
        <div className="mb-history__table">
          {history.isPending ? (
            <Loader size="m" />
          ) : history.isError ? (
            <ErrorNotice error={history.error} onRetry={() => void history.refetch()} />
          ) : history.data.length === 0 ? (
            <>
              <EmptyState text={filtered ? t('history.emptyFiltered') : t('history.empty')} testId="history-empty" />
              {filtered ? (
                <div className="mb-history__reset">
                  <Button view="outlined" onClick={resetFilters} qa="reset-filters">
                    {t('history.resetFilters')}
                  </Button>
                </div>
              ) : null}
            </>
          ) : (
            <DataTable
              data={history.data}
              columns={columns}
              height="100%"
              rowHeight={52}
              label={t('history.title')}
              testId="history-table"
              getRowId={(r) => String(r.id)}
              selectedId={selected !== null ? String(selected) : null}
              onRowClick={(r) => setPicked(r.id)}
            />
          )}
        </div>
        <Card view="outlined" className="mb-history__detail">
          {hiddenByFilters ? (
            <Text as="p" color="secondary" variant="caption-2" qa="detail-filtered-out">
              {t('history.filteredOut')}
            </Text>
          ) : null}
          {selected !== null ? (
            <Detail key={selected} id={selected} onResent={setPicked} />
          ) : (
            <Text color="secondary">{t('history.pickRow')}</Text>
          )}
        </Card>
      </div>
    </div>
  );
}
