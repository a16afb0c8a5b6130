//! Clients → job → «Сопоставить новые статусы»: the statuses a CRM job's last run met that its
//! map lacks (from the core, with its suggestions), each given a Metrica status; saved into the
//! job by the core, whose next run reads the same file again and sends the rows held back.
import { Alert, Button, Dialog, Loader, Text } from '@gravity-ui/uikit';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobView, OrderStatusType, StatusMapEntry } from '../../ipc';
import { ErrorNotice } from '../../common/ErrorNotice';
import { STATUS_TYPES } from '../../common/kinds';
import { useBackend } from '../app/context';
import { StatusTable } from '../import/StatusTable';

export function JobStatusesDialog({ job, onClose }: { job: JobView; onClose: () => void }) {
  const { t } = useTranslation();
  const backend = useBackend();
  const queryClient = useQueryClient();
  const values = useQuery({
    queryKey: ['job-new-statuses', job.name],
    queryFn: () => backend.jobNewStatuses(job.name),
    staleTime: 0,
    retry: false,
  });
  // The user's choices over the core's suggestions, by CRM value. «Другое» is not offered: a
  // simple order's other status must be one of the counter's goals, which a job cannot pick
  // here, and the row would be held back again; a value the core could not place waits for
  // a choice.
  const [chosen, setChosen] = useState<Record<string, OrderStatusType>>({});
  const typeOf = (v: { value: string; suggested_type: OrderStatusType }): OrderStatusType | null =>
    chosen[v.value] ?? (v.suggested_type === 'OTHER' ? null : v.suggested_type);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  // Kept from the card's job as the dialog opened: saving clears it there.
  const [held] = useState(job.statuses_to_map);
  const rows = values.data ?? [];
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const entries: StatusMapEntry[] = rows.map((v) => ({
        value: v.value,
        status_type: typeOf(v) ?? 'OTHER',
        status_id: v.suggested_id,
        goal_ids: [],
      }));
      await backend.mapJobStatuses(job.name, entries);
      await queryClient.invalidateQueries({ queryKey: ['overview'] });
      setSaved(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open onClose={onClose} size="m" aria-labelledby="job-statuses-title" qa="job-statuses-dialog">
      <Dialog.Header caption={<span id="job-statuses-title">{t('jobs.statuses.title', { name: job.title })}</span>} />
      <Dialog.Body>
        {saved ? (
          <Alert
            theme="success"
            message={t(held === 'rows' ? 'jobs.statuses.saved' : 'jobs.statuses.savedFile')}
            qa="job-statuses-saved"
          />
        ) : values.error ? (
          <ErrorNotice error={values.error} onRetry={() => void values.refetch()} />
        ) : !values.data ? (
          <Loader size="s" qa="job-statuses-loading" />
        ) : rows.length === 0 ? (
          <Text as="p" color="secondary" qa="job-statuses-none">
            {t('jobs.statuses.none')}
          </Text>
        ) : (
          <div className="mb-repeat">
            <Text as="p" color="secondary">
              {/* What the run that met them held back, by the policy it ran with (the core's:
                  «Не отправлять ничего» held back the whole file, even if changed since). */}
              {t(
                held === 'file'
                  ? 'jobs.statuses.textStopped'
                  : held === 'unsent'
                    ? 'jobs.statuses.textUnsent'
                    : 'jobs.statuses.text',
              )}
            </Text>
            <StatusTable
              testId="job-status-table"
              qaPrefix="job-status-type-"
              placeholder={t('jobs.statuses.choose')}
              types={STATUS_TYPES.filter((x) => x !== 'OTHER')}
              rows={rows.map((v) => ({
                value: v.value,
                count: v.count,
                type: typeOf(v),
                guessed: v.guessed && !chosen[v.value],
              }))}
              onChange={(value, type) => setChosen((c) => ({ ...c, [value]: type }))}
            />
            {error !== null ? <ErrorNotice error={error} /> : null}
          </div>
        )}
      </Dialog.Body>
      {saved || (values.data && rows.length === 0) ? (
        <Dialog.Footer
          onClickButtonApply={onClose}
          textButtonApply={t('jobs.done')}
          propsButtonApply={{ qa: 'job-statuses-done' }}
        />
      ) : (
        <Dialog.Footer
          onClickButtonCancel={onClose}
          textButtonCancel={t('common.cancel')}
          onClickButtonApply={() => void save()}
          textButtonApply={t('jobs.statuses.save')}
          propsButtonApply={{
            view: 'action',
            loading: busy,
            disabled: rows.length === 0 || rows.some((v) => typeOf(v) === null),
            qa: 'job-statuses-save',
          }}
        />
      )}
    </Dialog>
  );
}

/** The card's button: shown when the core says the last run met statuses the job lacks. */
export function MapStatusesButton({ job }: { job: JobView }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  // Once saved the core stops offering it, while the dialog stays to say so.
  if (!job.statuses_to_map && !open) return null;
  return (
    <>
      {job.statuses_to_map ? (
        <div>
          <Button view="outlined-warning" size="m" onClick={() => setOpen(true)} qa="job-map-statuses">
            {t('jobs.statuses.button')}
          </Button>
        </div>
      ) : null}
      {open ? <JobStatusesDialog job={job} onClose={() => setOpen(false)} /> : null}
    </>
  );
}
