//! «Повторять автоматически»: turns a finished upload into a job that sends the new rows of
//! the client's export folder on a schedule. The folder comes from the native dialog (Rust);
//! the schedule is hourly, daily at HH:MM or weekly; Rust checks and stores everything.
import { Alert, Button, Dialog, SegmentedRadioGroup, Select, Text, TextInput } from '@gravity-ui/uikit';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DEFAULT_JOB_SCHEDULE } from '../../ipc';
import type { Backend, JobSchedule, JobView, NewJob, ScheduleEvery, UploadSummary, WeekDay } from '../../ipc';
import { ErrorNotice } from '../../common/ErrorNotice';
import { explainError, isAppError } from '../../common/errors';
import { useBackend } from '../app/context';
import { ScheduleButton } from '../clients/ScheduleButton';

const DAYS: readonly WeekDay[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
/** How often, as the dialog offers it: a schedule, or by hand only («Запустить сейчас»). */
type Often = ScheduleEvery | 'manual';
const OFTEN: readonly Often[] = ['hourly', 'daily', 'weekly', 'manual'];

/** The core refused the schedule's time of day (`InvalidInput` on the field `at`). */
function isTimeError(e: unknown): boolean {
  return isAppError(e) && e.kind === 'invalid_input' && e.data.field === 'at';
}

/** The core refused the typed name (another job has it, or nothing of it is left in Latin). */
function isNameError(e: unknown): boolean {
  return isAppError(e) && e.kind === 'invalid_input' && e.data.field === 'name';
}

type Props = { upload?: UploadSummary; existing?: JobView; onClose: () => void };

/** A yes/no choice of the job as two named ways, with a note on the one chosen. `no` and
 *  `yes`: [the way's name, its note]. */
function TwoWays(props: {
  label: string;
  value: boolean;
  onUpdate: (v: boolean) => void;
  no: [string, string];
  yes: [string, string];
  qa: string;
}) {
  const { label, value, onUpdate, no, yes, qa } = props;
  return (
    <div className="mb-repeat__row">
      <Text variant="subheader-1">{label}</Text>
      <SegmentedRadioGroup
        value={value ? 'yes' : 'no'}
        onUpdate={(v) => onUpdate(v === 'yes')}
        options={[
          { value: 'no', content: no[0] },
          { value: 'yes', content: yes[0] },
        ]}
        qa={qa}
      />
      <Text color="secondary" variant="caption-2">
        {value ? yes[1] : no[1]}
      </Text>
    </div>
  );
}

/** The core's draft of a job repeating upload `id`: asked for as the result is shown, so the
 *  dialog opens with it at once and no keystroke typed straight after the click is lost. */
export function jobDraftQuery(backend: Backend, id: number) {
  return { queryKey: ['jobDraft', id], queryFn: () => backend.jobDraft(id) } as const;
}

/** Creates a job from `upload`, or edits `existing` (folder, pattern, schedule). A new job
 *  starts from the core's draft (`job_draft`: the pattern of files like the upload's, the
 *  schedule, rows with errors left out), as `mbridge jobs add --from-upload` does. */
export function RepeatJobDialog(props: Props) {
  const backend = useBackend();
  const id = props.existing ? null : (props.upload?.id ?? null);
  const draft = useQuery({ ...jobDraftQuery(backend, id ?? 0), enabled: id !== null });
  if (id !== null && !draft.data) {
    // The draft is asked for with the result (`jobDraftQuery`) and is here by the click. A
    // dialog shown for it and swapped for the form would hand the focus back to the page as it
    // went, away from whatever the user had begun to type; so only a draft that could not be
    // made is shown.
    if (!draft.error) return null;
    return (
      <Dialog open onClose={props.onClose} size="m" qa="repeat-dialog-failed">
        <Dialog.Body>
          <ErrorNotice error={draft.error} />
        </Dialog.Body>
      </Dialog>
    );
  }
  return <RepeatJobForm {...props} draft={draft.data} />;
}

function RepeatJobForm({ upload, existing, onClose, draft }: Props & { draft?: NewJob }) {
  const { t, i18n } = useTranslation();
  const backend = useBackend();
  const queryClient = useQueryClient();
  const [name, setName] = useState(existing?.name ?? draft?.name ?? '');
  const [folder, setFolder] = useState(existing?.folder ?? draft?.folder ?? '');
  // The dialog opens with the focus in the folder field, its first question.
  const folderRef = useRef<HTMLInputElement>(null);
  // A job of one fixed file has no pattern (the core keeps it a file job).
  const fixedFile = !!existing && existing.pattern === null;
  const [pattern, setPattern] = useState(existing?.pattern ?? draft?.pattern ?? '');
  const [schedule, setSchedule] = useState<JobSchedule>(existing?.schedule ?? draft?.schedule ?? DEFAULT_JOB_SCHEDULE);
  // A job without a schedule (by hand, or made by the CLI) stays one unless a schedule is chosen.
  const [manual, setManual] = useState((existing ?? draft)?.schedule === null);
  // Which of the matching files a run takes, and what it does with rows that have errors: the
  // core's draft for a new job (the newest file; rows with errors left out and reported).
  const [eachNew, setEachNew] = useState((existing ?? draft)?.each_new_file ?? false);
  const [stopOnErrors, setStopOnErrors] = useState((existing ?? draft)?.stop_on_bad_rows ?? false);
  const change = (part: Partial<JobSchedule>) => {
    setSchedule((s) => ({ ...s, ...part }));
    if (isTimeError(error)) setError(null);
  };
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<JobView | null>(null);
  // The core checks the time and the name; its refusal marks the field, not a notice under the form.
  const timeError = isTimeError(error);
  const nameError = isNameError(error) ? explainError(error, t, i18n.language).text : null;
  const rename = (v: string) => {
    setName(v);
    if (isNameError(error)) setError(null);
  };

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
      const fields = {
        folder,
        pattern,
        schedule: manual ? null : schedule,
        stop_on_bad_rows: stopOnErrors,
        each_new_file: eachNew,
      };
      if (existing) {
        await backend.editJob({ ...fields, name: existing.name });
        await queryClient.invalidateQueries({ queryKey: ['overview'] });
        onClose();
        return;
      }
      if (!upload) return;
      const job = await backend.createJob({
        ...fields,
        upload_id: upload.id,
        name: name.trim(),
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
    <Dialog
      open
      onClose={onClose}
      size="m"
      aria-labelledby="repeat-title"
      qa="repeat-dialog"
      initialFocus={created ? undefined : folderRef}
    >
      <Dialog.Header
        caption={
          <span id="repeat-title">
            {existing ? t('jobs.editTitle', { name: existing.title }) : t('jobs.dialogTitle')}
          </span>
        }
      />
      <Dialog.Body>
        {created ? (
          <div className="mb-repeat" data-testid="repeat-created">
            <Alert theme="success" message={t('jobs.created', { name: created.title })} />
            {created.schedule_block === 'no_schedule' ? (
              // «Вручную» was chosen: there is no schedule to switch on, so none is offered.
              <Text as="p" color="secondary" qa="repeat-created-manual">
                {t('jobs.createdManual')}
              </Text>
            ) : (
              <>
                <Text as="p" color="secondary">
                  {t('jobs.scheduleHint')}
                </Text>
                <div className="mb-repeat__schedule">
                  <ScheduleButton job={created} onDone={setCreated} />
                </div>
              </>
            )}
          </div>
        ) : (
          <div className="mb-repeat">
            {/* Which client the job sends to, before it is made: an agency's window shows one
                counter at a time, and this is the upload's. */}
            {upload && !existing ? (
              <Text as="p" variant="subheader-1" qa="repeat-counter">
                {upload.counter_name
                  ? t('jobs.dialogCounter', { name: upload.counter_name, id: upload.counter_id })
                  : t('jobs.dialogCounterNoName', { id: upload.counter_id })}
              </Text>
            ) : null}
            <Text as="p" color="secondary">
              {t('jobs.dialogText')}
            </Text>
            <label className="mb-repeat__row">
              <Text variant="subheader-1">{fixedFile ? t('jobs.file') : t('jobs.folder')}</Text>
              <div className="mb-repeat__folder">
                {/* Typed or pasted too: a network share (\\server\exports) is easier to paste than to browse. */}
                <TextInput
                  value={folder}
                  // Not trimmed as typed («Мои документы» keeps its space): the core trims what is saved.
                  onUpdate={setFolder}
                  controlRef={folderRef}
                  placeholder={t('jobs.folderNone')}
                  qa="repeat-folder"
                  controlProps={{ 'aria-label': fixedFile ? t('jobs.file') : t('jobs.folder') }}
                />
                {fixedFile ? null : (
                  <Button view="outlined" onClick={() => void pick()} qa="repeat-pick-folder">
                    {t('jobs.pickFolder')}
                  </Button>
                )}
              </div>
            </label>
            {/* A job of one fixed file (`mbridge jobs add --file`) has no pattern to edit. */}
            {fixedFile ? null : (
              <label className="mb-repeat__row">
                <Text variant="subheader-1">{t('jobs.pattern')}</Text>
                <TextInput value={pattern} onUpdate={setPattern} qa="repeat-pattern" />
                {/* Hints read as hints: grey, under the field, from its left edge. */}
                <Text color="secondary" variant="caption-2">
                  {t('jobs.patternNote')}
                </Text>
              </label>
            )}
            {fixedFile ? null : (
              <TwoWays
                label={t('jobs.take')}
                value={eachNew}
                onUpdate={setEachNew}
                no={[t('jobs.takeOptions.newest'), t('jobs.takeNote.newest')]}
                yes={[t('jobs.takeOptions.each'), t('jobs.takeNote.each')]}
                qa="repeat-take"
              />
            )}
            <TwoWays
              label={t('jobs.onErrors')}
              value={stopOnErrors}
              onUpdate={setStopOnErrors}
              no={[t('jobs.onErrorsOptions.skip'), t('jobs.onErrorsNote.skip')]}
              yes={[t('jobs.onErrorsOptions.stop'), t('jobs.onErrorsNote.stop')]}
              qa="repeat-on-errors"
            />
            <div className="mb-repeat__row">
              <Text variant="subheader-1">{t('jobs.every')}</Text>
              <SegmentedRadioGroup
                value={manual ? 'manual' : schedule.every}
                onUpdate={(often: Often) => {
                  setManual(often === 'manual');
                  if (often !== 'manual') change({ every: often });
                }}
                options={OFTEN.map((v) => ({
                  value: v,
                  content: t(`jobs.everyOptions.${v}`),
                }))}
                qa="repeat-every"
              />
              {!manual && schedule.every !== 'hourly' ? (
                <div className="mb-repeat__when">
                  {schedule.every === 'weekly' ? (
                    <Select
                      value={[schedule.day]}
                      onUpdate={(v) => change({ day: DAYS.find((d) => d === v[0]) ?? 'mon' })}
                      options={DAYS.map((d) => ({ value: d, content: t(`jobs.days.${d}`) }))}
                      width={160}
                      qa="repeat-day"
                    />
                  ) : null}
                  <Text color="secondary">{t('jobs.time')}</Text>
                  <TextInput
                    value={schedule.at}
                    onUpdate={(at) => change({ at })}
                    placeholder={t('jobs.timePlaceholder')}
                    validationState={timeError ? 'invalid' : undefined}
                    style={{ width: 110 }}
                    qa="repeat-time"
                    controlProps={{ 'aria-label': t('jobs.time'), 'aria-describedby': 'repeat-time-error' }}
                  />
                  {/* Beside the field, not under it: the field is narrow. */}
                  {timeError ? (
                    <Text color="danger" id="repeat-time-error" qa="repeat-time-error">
                      {t('jobs.timeInvalid')}
                    </Text>
                  ) : null}
                </div>
              ) : null}
            </div>
            {existing ? null : (
              <label className="mb-repeat__row">
                <Text variant="subheader-1">{t('jobs.name')}</Text>
                <TextInput
                  value={name}
                  onUpdate={rename}
                  qa="repeat-name"
                  placeholder={t('jobs.namePlaceholder')}
                  validationState={nameError ? 'invalid' : undefined}
                  errorMessage={nameError}
                />
                <Text color="secondary" variant="caption-2">
                  {t('jobs.nameNote')}
                </Text>
              </label>
            )}
            {error !== null && !timeError && nameError === null ? <ErrorNotice error={error} /> : null}
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
            disabled: busy || folder.trim() === '' || timeError || nameError !== null,
            // Why it waits, where the reason is not already said at its field.
            title: folder.trim() === '' ? (fixedFile ? t('jobs.fileFirst') : t('jobs.folderFirst')) : undefined,
            view: 'action',
            qa: 'repeat-save',
          }}
          loading={busy}
        />
      )}
    </Dialog>
  );
}
