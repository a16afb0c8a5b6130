//! The Clients screen's repeating jobs and warnings. Everything judged here was computed in
//! Rust (mb_uploader::overview): the UI only words it and offers pause, run now and delete.
import { Alert, Button, Card, Label, Text } from '@gravity-ui/uikit';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ALARM_WARNINGS } from '../../ipc';
import type { ClientOverview, IssueCount, JobRunView, JobView, ValidationSummary } from '../../ipc';
import { ErrorNotice } from '../../common/ErrorNotice';
import type { Messages } from '../../i18n/ru';
import { explainError } from '../../common/errors';
import { formatDateTime, formatPercent } from '../../common/format';
import { useBackend, useSession } from '../app/context';
import { RepeatJobDialog } from '../import/RepeatJobDialog';
import { MapStatusesButton } from './JobStatusesDialog';
import { ScheduleButton } from './ScheduleButton';

/** How often «Клиенты» looks at the history again while it is shown: jobs run by the system's
 *  scheduler or by `mbridge` in another process change it with no word to this window. */
export const REFRESH_MS = 15_000;

/** A tiny line of the linked share over the recent uploads (0–100 %), with the last one
 *  marked and the shares in its tooltip; two points are no trend (a bare line), so none. */
export function Sparkline({
  values,
  label,
  format,
}: {
  values: number[];
  label: string;
  format: (v: number) => string;
}) {
  if (values.length < 3) return null;
  const w = 56;
  const h = 18;
  const step = w / (values.length - 1);
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(h - Math.max(0, Math.min(1, v)) * h).toFixed(1)}`);
  const said = `${label}: ${values.map(format).join(', ')}`;
  const [lx, ly] = (points[points.length - 1] ?? '0,0').split(',');
  return (
    <svg className="mb-sparkline" width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={said}>
      <title>{said}</title>
      <polyline points={points.join(' ')} fill="none" stroke="currentColor" strokeWidth="1.5" />
      <circle cx={lx} cy={ly} r="2" fill="currentColor" />
    </svg>
  );
}

/** A job's schedule in words («каждый день в 09:00»): the catalogue's key the core chose, which
 *  `mbridge jobs list` says too. */
export function everyText(job: Pick<JobView, 'every_key' | 'schedule'>, t: TFunction): string {
  return t(job.every_key as 'every.manual', { time: job.schedule?.at ?? '' });
}

export function WarningsList({ rows }: { rows: ClientOverview[] }) {
  const { t, i18n } = useTranslation();
  const items = rows.flatMap((r) =>
    r.warnings.map((w, i) => ({
      key: `${r.counter_id}-${i}`,
      // Red when something is lost unless the user acts; the core says which.
      theme: ALARM_WARNINGS.includes(w.code) ? ('danger' as const) : ('warning' as const),
      // The counter first, unless the job's name already starts with it (a name made from the
      // counter and the kind): «Цветы: Задание «Цветы · Офлайн-конверсии»…» said it twice.
      text: `${w.job?.startsWith(r.counter_name) ? '' : `${r.counter_name}: `}${t(`clients.warnings.${w.code}`, {
        job: w.job ?? '',
        value: w.value !== null ? formatPercent(w.value, i18n.language) : '',
        count: w.value ?? 0,
      })}`,
      // A failed run is said with its reason, as its card says it: the alert is what an
      // agency reads first.
      run: w.code === 'job_failed' ? (r.jobs.find((j) => j.name === w.job_name)?.last_run ?? null) : null,
    })),
  );
  if (items.length === 0) return null;
  return (
    <div className="mb-warnings" data-testid="overview-warnings">
      {items.map((w) => (
        <Alert
          key={w.key}
          theme={w.theme}
          message={
            <>
              {w.text}
              {w.run ? <LastRunReason run={w.run} /> : null}
            </>
          }
        />
      ))}
    </div>
  );
}

/** Why a job's last run did not go as it should (its error, the kinds of rows it left out),
 *  or its note («файл не менялся…»); nothing for a run with nothing to say. */
export function LastRunReason({ run }: { run: JobRunView }) {
  const { t, i18n } = useTranslation();
  if (run.error) {
    return (
      <Text as="div" color="secondary" variant="caption-2" qa="job-last-error">
        {explainError(run.error, t, i18n.language).text}
      </Text>
    );
  }
  if (run.rows_rejected > 0) return <RunReasons report={run.report} />;
  if (run.message) {
    return (
      <Text as="div" color="secondary" variant="caption-2" qa="job-last-note">
        {runNote(run.message, t)}
      </Text>
    );
  }
  return null;
}

/** «в файле новые столбцы «X», «Y»: задание их не читает…» (the catalogue's words, shared with
 *  the CLI), with the columns quoted. */
function newColumnsText(columns: string[], t: TFunction): string {
  const note = t('run_note.new_columns', {
    count: columns.length,
    columns: columns.map((value) => t('check.quoted', { value })).join(', '),
  });
  return `${note.charAt(0).toUpperCase()}${note.slice(1)}.`;
}

/** The columns a run's file had that the job neither reads nor had when it was made, in the
 *  runs list; how to have them read is on the job's card (said on hover). Nothing for none. */
export function NewColumns({ run, qa }: { run: JobRunView; qa: string }) {
  const { t } = useTranslation();
  if (run.new_columns.length === 0) return null;
  return (
    <Text as="div" color="secondary" variant="caption-2" qa={qa} title={t('jobs.newColumnsOnCard')}>
      {newColumnsText(run.new_columns, t)}
    </Text>
  );
}

/** On a job's card: the columns its newest file gained that it does not read (the core's
 *  `new_columns`, kept until learnt), and «Учесть новые столбцы» — the core reads the ones
 *  Metrica has a field for from now on and knows the rest — then what it did. */
function LearnColumns({ job }: { job: JobView }) {
  const { t } = useTranslation();
  const backend = useBackend();
  const queryClient = useQueryClient();
  const learn = useMutation({
    mutationFn: () => backend.learnJobColumns(job.name),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['overview'] }),
  });
  const done = learn.data;
  if (done) {
    const label = (field: string) => {
      const known = field in (t('fields', { returnObjects: true }) as object);
      return known ? (t(`fields.${field as keyof Messages['fields']}`).split(' — ')[0] ?? field) : field;
    };
    // «Email» (ClientID…) names the field when the column's name does not already say it.
    const read = done.read
      .map((r) => {
        const column = t('check.quoted', { value: r.column });
        const field = label(r.field);
        return field.toLowerCase() === r.column.toLowerCase() ? column : `${column} (${field})`;
      })
      .join(', ');
    const ignored = done.ignored.map((value) => t('check.quoted', { value })).join(', ');
    return (
      <Text as="div" color="secondary" variant="caption-2" qa="job-learnt">
        {done.read.length > 0 ? `${t('jobs.learntRead', { list: read })} ` : ''}
        {done.ignored.length > 0 ? t('jobs.learntIgnored', { count: done.ignored.length, list: ignored }) : ''}
        {done.read.length === 0 && done.ignored.length === 0 ? t('jobs.learntNone') : ''}
      </Text>
    );
  }
  if (job.new_columns.length === 0) return null;
  return (
    <div className="mb-job__learn" data-qa="job-new-columns">
      <Text as="div" color="secondary" variant="caption-2">
        {newColumnsText(job.new_columns, t)} {t('jobs.newColumnsHow', { count: job.new_columns.length })}
      </Text>
      {learn.error ? <ErrorNotice error={learn.error} /> : null}
      <Button view="outlined" size="s" loading={learn.isPending} onClick={() => learn.mutate()} qa="job-learn-columns">
        {t('jobs.learnColumns')}
      </Button>
    </div>
  );
}

/** A run's note (the core's codes) in the catalogue's words, shared with the CLI; one kept as
 *  text by an older version as it is. */
export function runNote(message: string, t: TFunction): string {
  return message in t('run_note', { returnObjects: true })
    ? t(`run_note.${message as keyof Messages['run_note']}`)
    : message;
}

/** Why a run left rows out or stopped: its report's kinds of error, most rows first (a file
 *  of another kind, a column the export lost), in the words of the Check step. */
export function RunReasons({ report }: { report: ValidationSummary | null }) {
  const { t } = useTranslation();
  const errors = (report?.counts ?? []).filter((c) => c.severity === 'error').sort((a, b) => b.count - a.count);
  if (errors.length === 0) return null;
  const shown = errors.slice(0, 3);
  // A problem of the file itself (a column the export lost) is said without a row count; a
  // column is named as the file names it («Статус», not `order_status`).
  const ofFile = (c: IssueCount) =>
    c.in_file ||
    // A report kept before the core said so (`in_file` absent): the issue's place says it.
    (report?.issues ?? []).some((i) => i.code === c.code && i.column === c.column && i.place !== 'line');
  const named = (column: string) => report?.headers?.[column] ?? column;
  // Where: the first such row the report kept, with its value (the line to open in the file).
  const example = (c: IssueCount) => {
    const i = (report?.issues ?? []).find((x) => x.code === c.code && x.column === c.column && x.place === 'line');
    if (!i) return '';
    // As the core says the value (a run kept before it did: as written).
    const value = i.said ?? i.value;
    return ` — ${value ? t('jobs.reasonExample', { line: i.line, value }) : t('jobs.reasonLine', { line: i.line })}`;
  };
  return (
    <Text as="div" color="secondary" variant="caption-2" qa="job-run-reasons">
      {shown
        .map(
          (c) =>
            `${t(`issues.${c.code}.title`)}${c.column ? ` (${t('check.quoted', { value: named(c.column) })})` : ''}${ofFile(c) ? '' : `: ${t('common.rows', { count: c.count })}${example(c)}`}`,
        )
        .join('; ')}
      {errors.length > shown.length ? `; ${t('jobs.moreReasons', { count: errors.length - shown.length })}` : ''}
    </Text>
  );
}

/** Clients → job → runs: every run with its file, rows, result in words and its uploads. */
export function JobRuns({ name }: { name: string }) {
  const { t, i18n } = useTranslation();
  const backend = useBackend();
  const { showUpload } = useSession();
  const runs = useQuery({
    queryKey: ['job-runs', name],
    queryFn: () => backend.jobRuns(name),
    refetchInterval: REFRESH_MS,
    refetchOnWindowFocus: true,
  });
  if (runs.error) return <ErrorNotice error={runs.error} />;
  if (!runs.data) return null;
  if (runs.data.length === 0) return <Text color="secondary">{t('jobs.runsNone')}</Text>;
  return (
    <table className="mb-job-runs" data-testid={`job-runs-${name}`}>
      <thead>
        <tr>
          <th>{t('jobs.runsCols.when')}</th>
          <th>{t('jobs.runsCols.file')}</th>
          <th>{t('jobs.runsCols.rows')}</th>
          <th>{t('jobs.runsCols.result')}</th>
          <th>{t('jobs.runsCols.report')}</th>
        </tr>
      </thead>
      <tbody>
        {runs.data.map((r) => {
          const bad = r.bad;
          return (
            <tr key={r.id}>
              <td>{formatDateTime(r.started_at, i18n.language)}</td>
              <td className="mb-ellipsis" title={r.files.join(', ')}>
                {r.files.length > 0 ? r.files.map((f) => f.split(/[\\/]/).pop()).join(', ') : '—'}
              </td>
              <td>
                {r.file_read ? (
                  // Corrections are among the new rows: said apart, in full on hover.
                  <span title={r.rows_corrected > 0 ? t('send.corrected', { count: r.rows_corrected }) : undefined}>
                    {t('jobs.runsRows', {
                      new: r.rows_new,
                      old: r.rows_unchanged,
                      corrected: r.rows_corrected > 0 ? t('jobs.corrected', { count: r.rows_corrected }) : '',
                    })}
                  </span>
                ) : r.rows_rejected > 0 ? null : (
                  '—'
                )}
                {/* Corrected since they went: Metrica keeps the earlier values (said in full on hover). */}
                {r.rows_changed > 0 ? (
                  <span title={t('send.changedKept', { count: r.rows_changed })} data-qa="job-run-changed">
                    {t('jobs.runsChanged', { changed: r.rows_changed })}
                  </span>
                ) : null}
                {r.rows_outdated > 0 ? (
                  <span title={t('send.outdated', { count: r.rows_outdated })} data-qa="job-run-outdated">
                    {t('jobs.runsOutdated', { count: r.rows_outdated })}
                  </span>
                ) : null}
                {/* A run stopped by its errors counted nothing else: «с ошибками 12» alone, not «—, с ошибками 12». */}
                {r.rows_rejected > 0
                  ? t(r.file_read ? 'jobs.runsBad' : 'jobs.runsBadOnly', { bad: r.rows_rejected })
                  : ''}
              </td>
              <td>
                <Text color={bad ? 'danger' : undefined}>{t(`jobs.result.${r.result}`)}</Text>
                {r.error ? (
                  <Text as="div" color="secondary" variant="caption-2" qa="job-run-error">
                    {explainError(r.error, t, i18n.language).text}
                  </Text>
                ) : r.report && r.rows_rejected > 0 ? (
                  <RunReasons report={r.report} />
                ) : r.message ? (
                  <Text as="div" color="secondary" variant="caption-2" qa="job-run-note">
                    {runNote(r.message, t)}
                  </Text>
                ) : null}
                <NewColumns run={r} qa="job-run-new-columns" />
              </td>
              <td>
                {r.upload_ids.length > 0
                  ? r.upload_ids.map((id) => (
                      <Button key={id} view="flat-info" size="s" onClick={() => showUpload(id)} qa="job-run-upload">
                        {t('jobs.openUpload', { id })}
                      </Button>
                    ))
                  : '—'}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function JobCard({ job, client }: { job: JobView; client: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const backend = useBackend();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [confirm, setConfirm] = useState(false);
  const [editing, setEditing] = useState(false);
  const [showRuns, setShowRuns] = useState(false);
  const act = async (what: string, work: () => Promise<unknown>) => {
    setBusy(what);
    setError(null);
    try {
      await work();
      await queryClient.invalidateQueries({ queryKey: ['overview'] });
      await queryClient.invalidateQueries({ queryKey: ['history'] });
      await queryClient.invalidateQueries({ queryKey: ['job-runs', job.name] });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };
  const run = job.last_run;
  const bad = run?.bad ?? false;
  return (
    <Card view="outlined" className={showRuns ? 'mb-job mb-job_wide' : 'mb-job'} data-testid={`job-${job.name}`}>
      <div className="mb-job__head">
        <div className="mb-two-lines">
          <Text variant="subheader-2">{client}</Text>
          {/* Body size, not a caption: two jobs of one counter differ by this line. */}
          <Text color="secondary">
            {/* A job named after its counter («Цветы · Офлайн-конверсии») under that counter's
                name: the kind is what is left to say. */}
            {job.title.startsWith(`${client} · `) ? job.title.slice(client.length + 3) : job.title} ·{' '}
            {everyText(job, t)}
          </Text>
        </div>
        {job.paused ? <Label theme="unknown">{t('jobs.paused')}</Label> : null}
        {job.scheduled ? (
          <Label theme="success" title={t('jobs.scheduledNote')} qa="job-scheduled">
            {t('jobs.scheduled')}
          </Label>
        ) : job.schedule !== null && !job.paused ? (
          // «каждый день в 09:00» is the plan, not what happens: nothing runs it until the
          // schedule is switched on.
          <Label theme="warning" title={t('jobs.notScheduledNote')} qa="job-not-scheduled">
            {t('jobs.notScheduled')}
          </Label>
        ) : null}
      </div>
      <Text color="secondary" className="mb-ellipsis" title={job.folder}>
        {job.folder}
        {job.pattern ? ` · ${job.pattern}` : ''}
        {job.each_new_file ? ` · ${t('jobs.eachNewShort')}` : ''}
        {job.stop_on_bad_rows ? ` · ${t('jobs.stopsOnErrorsShort')}` : ''}
      </Text>
      <div className="mb-job__runs">
        <Text>
          {t('jobs.lastRun')}:{' '}
          {run ? (
            <>
              {formatDateTime(run.started_at, lang)} —{' '}
              <Text color={bad ? 'danger' : undefined} as="span" data-testid="job-result">
                {t(`jobs.result.${run.result}`)}
              </Text>
              {run.rows_new > 0
                ? ` (${t('jobs.newRows', { rows: t('common.rows', { count: run.rows_new }) })}${
                    run.rows_corrected > 0 ? t('jobs.correctedAfter', { count: run.rows_corrected }) : ''
                  })`
                : ''}
              {run.rows_changed > 0 ? (
                <span title={t('send.changedKept', { count: run.rows_changed })} data-qa="job-last-changed">
                  {t('jobs.lastChanged', { changed: run.rows_changed })}
                </span>
              ) : null}
              {/* Rows back at values Metrica had before (an older export copied into the
                  folder): held back, said in full on hover. */}
              {run.rows_outdated > 0 ? (
                <span title={t('send.outdated', { count: run.rows_outdated })} data-qa="job-last-outdated">
                  {t('jobs.lastOutdated', { count: run.rows_outdated })}
                </span>
              ) : null}
              {run.rows_rejected > 0
                ? ` · ${t('jobs.badRows', { rows: t('common.rows', { count: run.rows_rejected }) })}`
                : ''}
            </>
          ) : (
            t('jobs.never')
          )}
        </Text>
        {/* Why the last run did not go as it should, on the card: an agency's thirty cards
            are not opened one by one to learn it. */}
        {run ? <LastRunReason run={run} /> : null}
        <LearnColumns job={job} />
        <MapStatusesButton job={job} />
        <Text color="secondary">
          {t('jobs.nextRun')}: {job.next_run ? formatDateTime(job.next_run, lang) : '—'}
        </Text>
      </div>
      {error !== null ? <ErrorNotice error={error} /> : null}
      <div className="mb-job__actions">
        <Button
          view="action"
          size="m"
          loading={busy === 'run'}
          disabled={busy !== null}
          onClick={() => void act('run', () => backend.runJob(job.name))}
          // A paused job runs once by this button (`mbridge jobs run --even-if-paused`); the
          // pause, which holds its schedule, stays.
          title={
            !job.paused ? undefined : job.schedule ? t('jobs.runOncePausedNote') : t('jobs.runOncePausedByHandNote')
          }
          qa="job-run-now"
        >
          {job.paused ? t('jobs.runOncePaused') : t('jobs.runNow')}
        </Button>
        <Button
          view="outlined"
          size="m"
          loading={busy === 'pause'}
          disabled={busy !== null}
          onClick={() => void act('pause', () => backend.setJobPaused(job.name, !job.paused))}
          qa="job-pause"
        >
          {job.paused ? t('jobs.resume') : t('jobs.pause')}
        </Button>
        <Button view="outlined" size="m" disabled={busy !== null} onClick={() => setEditing(true)} qa="job-edit">
          {t('jobs.edit')}
        </Button>
        <Button
          // Red from the start: grey flat text read as a disabled button.
          view={confirm ? 'outlined-danger' : 'flat-danger'}
          size="m"
          loading={busy === 'remove'}
          disabled={busy !== null}
          onClick={() => (confirm ? void act('remove', () => backend.removeJob(job.name)) : setConfirm(true))}
          qa="job-remove"
        >
          {confirm ? t('jobs.removeConfirm') : t('jobs.remove')}
        </Button>
        <Button view="flat" size="m" onClick={() => setShowRuns((v) => !v)} qa="job-runs">
          {showRuns ? t('jobs.runsHide') : t('jobs.runs')}
        </Button>
      </div>
      {/* A job run by hand has no schedule to switch on: its card says «вручную». */}
      {job.schedule_block === 'no_schedule' && !job.scheduled ? null : (
        <div className="mb-job__actions">
          <ScheduleButton job={job} />
        </div>
      )}
      {showRuns ? <JobRuns name={job.name} /> : null}
      {editing ? <RepeatJobDialog existing={job} onClose={() => setEditing(false)} /> : null}
    </Card>
  );
}

export function JobsPanel({ rows }: { rows: ClientOverview[] }) {
  const { t } = useTranslation();
  const jobs = rows.flatMap((r) => r.jobs.map((j) => ({ job: j, client: r.counter_name })));
  if (jobs.length === 0) return null;
  return (
    <section className="mb-jobs" aria-label={t('jobs.title')} data-testid="jobs-panel">
      <Text variant="subheader-3" as="h2">
        {t('jobs.title')}
      </Text>
      <div className="mb-jobs__list">
        {jobs.map(({ job, client }) => (
          <JobCard key={job.name} job={job} client={client} />
        ))}
      </div>
    </section>
  );
}
