//! «Повторять автоматически»: turns a finished upload into a job that sends the new rows of
//! the client's export folder on a schedule. The folder comes from the native dialog (Rust);
//! the schedule is hourly, daily at HH:MM or weekly; Rust checks and stores everything.
import { Alert, Button, Dialog, SegmentedRadioGroup, Select, Text, TextInput } from '@gravity-ui/uikit';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobView, UploadSummary } from '../../ipc';
import { ErrorNotice } from '../../common/ErrorNotice';
import { useBackend } from '../app/context';
import { ScheduleButton } from '../clients/ScheduleButton';

type Every = 'hourly' | 'daily' | 'weekly';
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** `hourly`, `daily@09:00`, `weekly@mon@09:00`: the grammar of mb_uploader::schedule. */
export function scheduleOf(every: Every, time: string, day: string): string {
  if (every === 'hourly') return 'hourly';
  return every === 'daily' ? `daily@${time}` : `weekly@${day}@${time}`;
}

/** A safe job name from the upload: letters, digits, '-' (the scheduler's vocabulary). */
export function defaultJobName(u: UploadSummary): string {
  return `client-${u.counter_id}-${u.kind}`;
}

function patternOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? `*${fileName.slice(dot).toLowerCase()}` : '*';
}

/** The dialog's fields from a stored schedule (`weekly@fri@18:00`). */
function parseEvery(every: string | null): { every: Every; time: string; day: string } {
  const [kind = 'daily', a = '09:00', b = '09:00'] = (every ?? 'daily@09:00').split('@');
  if (kind === 'hourly') return { every: 'hourly', time: '09:00', day: 'mon' };
  if (kind === 'weekly') return { every: 'weekly', time: b, day: a };
  return { every: 'daily', time: a, day: 'mon' };
}

/** Creates a job from `upload`, or edits `existing` (folder, pattern, schedule). */
export function RepeatJobDialog({
  upload,
  existing,
  onClose,
}: {
  upload?: UploadSummary;
  existing?: JobView;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const backend = useBackend();
  const queryClient = useQueryClient();
  const initial = parseEvery(existing ? existing.every : null);
  const [name, setName] = useState(existing?.name ?? (upload ? defaultJobName(upload) : ''));
  const [folder, setFolder] = useState(existing?.folder ?? '');
  const [pattern, setPattern] = useState(existing?.pattern ?? (upload ? patternOf(upload.file_name) : '*'));
  const [every, setEvery] = useState<Every>(initial.every);
  const [time, setTime] = useState(initial.time);
  const [day, setDay] = useState<string>(initial.day);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<JobView | null>(null);
  const timeOk = every === 'hourly' || /^([01]\d|2[0-3]):[0-5]\d$/.test(time);

  const pick = async () => {
    setError(null);
    try {
      const f = await backend.pickFolder();
      if (f) setFolder(f);
    } catch (e) {
      // The folder dialog could not be shown: said below, like a failed save.
      setError(e);
    }
  };
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const fields = { folder, pattern: pattern.trim(), every: scheduleOf(every, time, day) };
      if (existing) {
        await backend.editJob({ ...fields, name: existing.name, stop_on_bad_rows: existing.stop_on_bad_rows });
        await queryClient.invalidateQueries({ queryKey: ['overview'] });
        onClose();
        return;
      }
      if (!upload) return;
      const job = await backend.createJob({
        ...fields,
        upload_id: upload.id,
        name: name.trim(),
        stop_on_bad_rows: false,
      });
      setCreated(job);
      void queryClient.invalidateQueries({ queryKey: ['overview'] });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open onClose={onClose} size="m" aria-labelledby="repeat-title" qa="repeat-dialog">
      <Dialog.Header
        caption={
          <span id="repeat-title">
            {existing ? t('jobs.editTitle', { name: existing.name }) : t('jobs.dialogTitle')}
          </span>
        }
      />
      <Dialog.Body>
        {created ? (
          <div className="mb-repeat" data-testid="repeat-created">
            <Alert theme="success" message={t('jobs.created', { name: created.name })} />
            <Text as="p" color="secondary">
              {t('jobs.scheduleHint')}
            </Text>
            <div className="mb-repeat__schedule">
              <ScheduleButton job={created} onDone={setCreated} />
            </div>
          </div>
        ) : (
          <div className="mb-repeat">
            <Text as="p" color="secondary">
              {t('jobs.dialogText')}
            </Text>
            <label className="mb-repeat__row">
              <Text variant="subheader-1">{t('jobs.folder')}</Text>
              <div className="mb-repeat__folder">
                {/* Typed or pasted too: a network share (\\server\exports) is easier to paste than to browse. */}
                <TextInput
                  value={folder}
                  onUpdate={(v) => setFolder(v.trim())}
                  placeholder={t('jobs.folderNone')}
                  qa="repeat-folder"
                  controlProps={{ 'aria-label': t('jobs.folder') }}
                />
                <Button view="outlined" onClick={() => void pick()} qa="repeat-pick-folder">
                  {t('jobs.pickFolder')}
                </Button>
              </div>
            </label>
            <label className="mb-repeat__row">
              <Text variant="subheader-1">{t('jobs.pattern')}</Text>
              <TextInput value={pattern} onUpdate={setPattern} qa="repeat-pattern" note={t('jobs.patternNote')} />
            </label>
            <div className="mb-repeat__row">
              <Text variant="subheader-1">{t('jobs.every')}</Text>
              <SegmentedRadioGroup
                value={every}
                onUpdate={setEvery}
                options={(['hourly', 'daily', 'weekly'] as Every[]).map((v) => ({
                  value: v,
                  content: t(`jobs.everyOptions.${v}`),
                }))}
                qa="repeat-every"
              />
              {every !== 'hourly' ? (
                <div className="mb-repeat__when">
                  {every === 'weekly' ? (
                    <Select
                      value={[day]}
                      onUpdate={(v) => setDay(v[0] ?? 'mon')}
                      options={DAYS.map((d) => ({ value: d, content: t(`jobs.days.${d}`) }))}
                      width={160}
                      qa="repeat-day"
                    />
                  ) : null}
                  <TextInput
                    value={time}
                    onUpdate={setTime}
                    placeholder={t('jobs.timePlaceholder')}
                    validationState={timeOk ? undefined : 'invalid'}
                    errorMessage={t('jobs.timeInvalid')}
                    style={{ width: 110 }}
                    qa="repeat-time"
                    controlProps={{ 'aria-label': t('jobs.time') }}
                  />
                </div>
              ) : null}
            </div>
            {existing ? null : (
              <label className="mb-repeat__row">
                <Text variant="subheader-1">{t('jobs.name')}</Text>
                <TextInput value={name} onUpdate={setName} qa="repeat-name" note={t('jobs.nameNote')} />
              </label>
            )}
            {error !== null ? <ErrorNotice error={error} /> : null}
          </div>
        )}
      </Dialog.Body>
      {created ? (
        <Dialog.Footer
          onClickButtonApply={onClose}
          textButtonApply={t('jobs.done')}
          propsButtonApply={{ qa: 'repeat-done' }}
        />
      ) : (
        <Dialog.Footer
          onClickButtonCancel={onClose}
          textButtonCancel={t('common.cancel')}
          onClickButtonApply={() => void save()}
          textButtonApply={existing ? t('jobs.save') : t('jobs.create')}
          propsButtonApply={{
            disabled: busy || folder === '' || !timeOk || name.trim() === '',
            view: 'action',
            qa: 'repeat-save',
          }}
          loading={busy}
        />
      )}
    </Dialog>
  );
}
