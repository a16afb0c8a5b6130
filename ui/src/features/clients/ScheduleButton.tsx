//! «Включить расписание» / «Выключить расписание»: the job's entry in the operating system's
//! scheduler, installed by Rust (mb_uploader::schedule, the same code as `mbridge jobs schedule`).
import { Alert, Button, Text } from '@gravity-ui/uikit';
import { useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppError, JobView } from '../../ipc';
import { ErrorNotice } from '../../common/ErrorNotice';
import { useBackend } from '../app/context';

/** Why the OS scheduler entry could not be made, in words (the core refuses with data). */
export function scheduleErrorText(e: unknown, t: TFunction): string | null {
  if (!e || typeof e !== 'object' || !('kind' in e) || !('data' in e)) return null;
  const err = e as AppError;
  if (err.kind === 'not_found' && /mbridge/.test(err.data.what)) return t('jobs.scheduleNoRunner');
  if (err.kind !== 'invalid_input') return null;
  if (err.data.field === 'schedule') return t('jobs.scheduleDemo');
  if (err.data.field === 'every') return t('jobs.scheduleNeedsEvery');
  return t('jobs.scheduleFailed', { detail: err.data.reason });
}

/** «Включить расписание» / «Выключить расписание»: Rust installs the OS scheduler entry. */
export function ScheduleButton({ job, onDone }: { job: JobView; onDone?: (j: JobView) => void }) {
  const { t } = useTranslation();
  const backend = useBackend();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const toggle = async () => {
    setBusy(true);
    setError(null);
    try {
      const j = await backend.setJobScheduled(job.name, !job.scheduled);
      await queryClient.invalidateQueries({ queryKey: ['overview'] });
      onDone?.(j);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const text = error !== null ? scheduleErrorText(error, t) : null;
  // What the core would refuse, said before the button is pressed (a job by hand only, a job of
  // the demo, whose Metrica lives inside the open app).
  const why =
    job.schedule_block === 'no_schedule'
      ? t('jobs.scheduleNeedsEvery')
      : job.schedule_block === 'demo'
        ? t('jobs.scheduleDemo')
        : null;
  return (
    <>
      <Button
        view={job.scheduled ? 'outlined' : 'action'}
        size="m"
        loading={busy}
        disabled={busy || why !== null}
        onClick={() => void toggle()}
        qa="job-schedule"
        title={why ?? undefined}
      >
        {job.scheduled ? t('jobs.scheduleOff') : t('jobs.scheduleOn')}
      </Button>
      {why !== null && error === null ? (
        <Text color="secondary" variant="caption-2" qa="job-schedule-why">
          {why}
        </Text>
      ) : null}
      {error !== null ? (
        text ? (
          <Alert theme="warning" message={text} qa="job-schedule-error" />
        ) : (
          <ErrorNotice error={error} />
        )
      ) : null}
    </>
  );
}
