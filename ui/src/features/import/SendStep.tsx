//! Step 5: the final review (exactly what, where, how), the yellow button that says what it
//! does, progress with cancel, and the result with a way to History.
import { Alert, Button, Card, Checkbox, Select, Text, TextInput } from '@gravity-ui/uikit';
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { COUNTS_TWICE_KINDS, CRM_KINDS, HASHABLE_KINDS } from '../../ipc';
import type { SendResult, UploadSummary } from '../../ipc';
import { ErrorNotice } from '../../common/ErrorNotice';
import { RejectedFileActions } from '../../common/RejectedFileActions';
import { StateLabel } from '../../common/StateLabel';
import { failureText } from '../../common/failure';
import { toAppError } from '../../common/errors';
import { formatPercent, formatTimeZone } from '../../common/format';
import { useActiveAccount, useActiveCounter, useBackend, useSession, useSettings } from '../app/context';
import { useJob } from './job';
import { firstStop, sendAnswers, stopText } from './gate';
import { JobProgress, StepFooter } from './parts';
import { RepeatJobDialog, jobDraftQuery } from './RepeatJobDialog';
import {
  type MergeMode,
  buildValidateRequest,
  isAccepted,
  reviewCounts,
  useImport,
  useSendJob,
  validationKey,
} from './state';

export function SendStep({ onBack }: { onBack: () => void }) {
  const { t, i18n } = useTranslation();
  const backend = useBackend();
  const queryClient = useQueryClient();
  const [s, dispatch] = useImport();
  const { account } = useActiveAccount();
  const counter = useActiveCounter();
  const settings = useSettings();
  const hashDefault = settings.data?.hash_contacts_by_default ?? false;
  const hash = s.hashContacts ?? hashDefault;
  const job = useSendJob();
  // The core refused the send as a repeat the check had not seen: back to the check, which
  // asks (its «Подтвердите на шаге «Проверка»» would otherwise lead nowhere).
  const duplicateFound = job.error !== null && toAppError(job.error).kind === 'duplicate';
  const { clearError } = job;
  useEffect(() => {
    if (!duplicateFound) return;
    clearError();
    dispatch({ type: 'recheck' });
  }, [duplicateFound, clearError, dispatch]);
  const v = s.validation;
  const request = buildValidateRequest(s, counter?.id ?? null, hashDefault);
  // A check made for another counter, account or choice says nothing about this send.
  const stale = request !== null && !s.sending && s.validatedFor !== validationKey(request);

  if (s.result) {
    return (
      <SendResultCard result={s.result} held={s.heldPath ? <HeldFile path={s.heldPath} waiting={false} /> : null} />
    );
  }

  if (!v || !request || !counter || !s.kind || stale) {
    return (
      <div className="mb-step">
        <Alert theme="warning" message={t('send.needCheck')} />
        <StepFooter onBack={onBack} />
      </div>
    );
  }

  const crm = CRM_KINDS.includes(s.kind);
  const review = reviewCounts(s);
  const sendRows = review.send;
  // The core says what keeps the file from going (its gate) and which answers lift it.
  const stop = firstStop(v.gate.review, sendAnswers(s));
  const blockedReason = stop === null ? null : stopText(stop, 'review', v, counter.id, t, i18n.language);
  // Nothing new to send (the core's word), and nothing else in the way: the review says so
  // calmly instead.
  const nothingNew = stop === null && review.onlyNew && v.gate.nothing_new;

  const send = () => {
    dispatch({ type: 'sendStarted' });
    void job
      .run((onProgress) =>
        backend.upload(
          {
            validate: { ...request, hash_contacts: hash, only_new_rows: review.onlyNew },
            merge_mode: crm ? s.mergeMode : null,
            comment: s.comment.trim() === '' ? null : s.comment.trim(),
            confirm_duplicate: s.duplicateAnswer !== null,
            skip_invalid: s.skipInvalid,
          },
          onProgress,
        ),
      )
      .then((result) => {
        if (result) {
          dispatch({ type: 'uploaded', result, counter: { id: counter.id, name: counter.name } });
          void queryClient.invalidateQueries({ queryKey: ['history'] });
          void queryClient.invalidateQueries({ queryKey: ['overview'] });
        } else {
          dispatch({ type: 'sendEnded' });
        }
      });
  };
  const locked = job.running;

  const cancelled = job.error !== null && toAppError(job.error).kind === 'cancelled';
  const onlyNewBox =
    review.known > 0 || s.duplicateAnswer === 'new' ? (
      <Checkbox
        checked={review.onlyNew}
        disabled={locked}
        onUpdate={(x) => dispatch({ type: 'option', patch: { onlyNew: x } })}
        qa="only-new"
      >
        {t('send.onlyNew', { rows: t('common.rows', { count: review.known }) })}
      </Checkbox>
    ) : null;
  // Calls Metrica already has may count again (conversions replace themselves, CRM records
  // are updated): said on the last screen before they go, not only on the Check step.
  const twice = s.kind && COUNTS_TWICE_KINDS.includes(s.kind) && !review.onlyNew ? review.known : 0;
  // Nothing to send: no review of a send that will not happen, only the answer (and the box
  // that sends everything again, for whoever means to).
  const reviewShown = !nothingNew || job.running;
  return (
    <div className="mb-step">
      <Text variant="header-1" as="h2">
        {t('send.title')}
      </Text>
      {/* Before the press only: once it is pressed, the progress below says what is happening. */}
      {reviewShown && !job.running ? (
        <Text as="p" color="secondary">
          {t('send.safe')}
        </Text>
      ) : null}
      {reviewShown ? (
        <Card view="outlined" className="mb-review" data-testid="review">
          <dl className="mb-review__list">
            <dt>{t('send.what')}</dt>
            <dd>
              <Text variant="subheader-2" as="div" data-testid="review-rows">
                {review.onlyNew
                  ? t('send.reviewNew', { count: sendRows, total: review.valid })
                  : t('send.reviewAll', { count: sendRows })}
              </Text>
              {/* Of the rows that go: said under the count it is part of. */}
              <LedgerNotes
                counts={review.onlyNew ? v : { ...v, corrected_rows: 0 }}
                onlyNew={review.onlyNew}
                prefix="review"
                part="going"
              />
              <Text color="secondary" as="div">
                {t('send.fromFile', { file: s.path?.split(/[\\/]/).pop() ?? '' })}
              </Text>
              <Text color="secondary" as="div">
                {t('send.kind', { kind: t(`kinds.${s.kind}.title`) })}
              </Text>
              {v.errors > 0 && s.skipInvalid ? (
                <Text color="secondary" as="div">
                  {t('send.skipped', { rows: t('common.rows', { count: v.rows - v.valid_rows }) })}
                </Text>
              ) : null}
              {v.warnings > 0 ? (
                <Text color="secondary" as="div" qa="review-warned">
                  {t('send.warned', { warnings: t('common.warnings', { count: v.warnings }) })}
                </Text>
              ) : null}
              {onlyNewBox}
              {twice > 0 ? (
                <Alert theme="warning" message={t('send.twice', { count: twice })} qa="review-twice" />
              ) : null}
              <LedgerNotes counts={v} onlyNew={review.onlyNew} prefix="review" part="left" />
            </dd>
            <dt>{t('send.where')}</dt>
            <dd>
              <Text variant="subheader-2" as="div" data-testid="review-counter">
                {t('send.counter', { name: counter.name, id: counter.id })}
              </Text>
              <Text color="secondary" as="div">
                {t('send.timezone', {
                  tz: formatTimeZone(counter.time_zone, counter.utc_offset_minutes, i18n.language),
                })}
              </Text>
              {account ? (
                <Text color="secondary" as="div">
                  {t('send.account', { login: account.login })}
                </Text>
              ) : null}
            </dd>
            <dt>{t('send.how')}</dt>
            <dd className="mb-review__how">
              {crm ? (
                <Select
                  width={380}
                  value={[s.mergeMode]}
                  disabled={locked}
                  options={(['SAVE', 'UPDATE', 'APPEND'] as MergeMode[]).map((m) => ({
                    value: m,
                    content: t(`send.modes.${m}`),
                  }))}
                  onUpdate={(x) => dispatch({ type: 'option', patch: { mergeMode: (x[0] ?? 'SAVE') as MergeMode } })}
                  qa="merge-mode"
                  title={t('send.modeLabel')}
                />
              ) : null}
              {crm ? (
                <Text as="div" color="secondary" className="mb-review__mode-hint" qa="merge-mode-hint">
                  {t(`send.modeHints.${s.mergeMode}`)}
                </Text>
              ) : (
                <Text as="div">{t('send.modeConversions')}</Text>
              )}
              {HASHABLE_KINDS.includes(s.kind) ? (
                <Checkbox
                  checked={hash}
                  disabled={locked}
                  onUpdate={(x) => dispatch({ type: 'option', patch: { hashContacts: x } })}
                  qa="hash-contacts"
                >
                  {t('send.hash')}
                </Checkbox>
              ) : null}
              {v.send_block === 'row_errors' ? (
                <Checkbox
                  checked={s.skipInvalid}
                  disabled={locked}
                  onUpdate={(x) => dispatch({ type: 'option', patch: { skipInvalid: x } })}
                  qa="skip-invalid"
                >
                  {t('send.skipInvalid')}
                </Checkbox>
              ) : null}
              <TextInput
                value={s.comment}
                disabled={locked}
                onUpdate={(x) => dispatch({ type: 'option', patch: { comment: x } })}
                placeholder={t('send.comment')}
                controlProps={{ 'aria-label': t('send.comment') }}
                qa="comment"
              />
            </dd>
          </dl>
        </Card>
      ) : null}
      {job.running ? (
        <JobProgress progress={job.progress} onCancel={job.cancel} cancelLabel={t('send.cancel')} />
      ) : null}
      {/* While the file goes; a file held before or after a send has its own notice. */}
      {s.heldPath && job.running ? <HeldFile path={s.heldPath} waiting /> : null}
      {nothingNew && !job.running ? (
        <Card view="outlined" className="mb-done" data-testid="nothing-new">
          <Text variant="subheader-2" as="h3">
            {t('send.nothingNewTitle')}
          </Text>
          <Text as="p" color="secondary">
            {nothingNewText(t, review.valid - v.changed_rows - v.outdated_rows, v.rows - v.valid_rows)}
          </Text>
          <LedgerNotes counts={v} onlyNew prefix="nothing-new" />
          {onlyNewBox}
          <div className="mb-done__actions">
            <Button view="outlined" size="l" onClick={() => dispatch({ type: 'reset' })} qa="upload-another">
              {t('send.another')}
            </Button>
          </div>
        </Card>
      ) : null}
      {cancelled ? (
        <Alert theme="info" message={t('send.cancelled')} />
      ) : job.error !== null ? (
        <ErrorNotice error={job.error} onRetry={send} />
      ) : null}
      <StepFooter
        onBack={job.running ? undefined : onBack}
        reason={blockedReason}
        main={
          job.running || nothingNew
            ? undefined
            : {
                label: t('send.button', { count: sendRows }),
                onClick: send,
                disabled: blockedReason !== null,
                testId: 'send-button',
              }
        }
      />
    </div>
  );
}

/** A file over Metrica's size limit goes in parts: each part's rows and state, so a part that
 *  did not go is never hidden behind the last one. */
export function PartsList({ parts }: { parts: SendResult['parts'] }) {
  const { t } = useTranslation();
  if (parts.length < 2) return null;
  return (
    <div data-testid="upload-parts">
      <Text as="p">{t('send.parts', { count: parts.length })}</Text>
      <ol className="mb-parts">
        {parts.map((p, i) => (
          <li key={p.id}>
            <Text>{t('send.part', { n: i + 1, rows: t('common.rows', { count: p.valid_rows }) })}</Text>{' '}
            <StateLabel state={p.state} />
          </li>
        ))}
      </ol>
    </div>
  );
}

type StoppedState = 'interrupted' | 'failed' | 'rejected';

/** How the part the send stopped on ended, in the core's word (a part read back as still
 *  sending is interrupted: its answer was lost). */
function stoppedState(outcome: SendResult['outcome']): StoppedState {
  return outcome === 'interrupted' || outcome === 'rejected' ? outcome : 'failed';
}

/** A send that did not all go: what happened to the file (for a file in parts, how many parts
 *  Metrica accepted and which one did not go), why — the error that stopped the send through
 *  the error table, else the part's own reason — and every part with its state. Both what went
 *  and the error are said: neither hides the other. */
export function StoppedSend({ result, onRetry }: { result: SendResult; onRetry?: () => void }) {
  const { t, i18n } = useTranslation();
  const u = result.upload;
  const stop = result.stopped;
  if (u === null || stop === null) return null;
  // The core says where the send stopped (`SendStopped`): the part (0: after every part
  // recorded went), how many Metrica accepted, and what happened to it.
  const state = stoppedState(stop.state);
  const { accepted, part: n } = stop;
  const inParts = stop.total > 1 && n > 0;
  // Every part recorded went, and the send stopped before the rest: said as a file sent in
  // part, never «Файл не отправлен» beside the parts Metrica took.
  const acceptedThenStopped = n === 0 && accepted > 0;
  const stoppedKey = { interrupted: 'partInterrupted', failed: 'partFailed', rejected: 'partRejected' } as const;
  return (
    <>
      <Text variant="header-1" as="h2">
        {(inParts && accepted > 0) || acceptedThenStopped ? t('send.partialTitle') : t(`send.result.${state}.title`)}
      </Text>
      <Text as="p" qa="send-stopped-summary">
        {acceptedThenStopped
          ? t('send.stoppedAfter', { count: accepted })
          : inParts
            ? t('send.partial', {
                count: accepted,
                total: stop.total,
                stopped: t(`send.${stoppedKey[state]}`, { n }),
              })
            : // «Отправить заново» is promised only when the core would take it.
              t(
                state !== 'rejected' && !u.resendable
                  ? `send.result.${state}.textNoResend`
                  : `send.result.${state}.text`,
                {
                  rows: t('common.rows', { count: u.valid_rows }),
                },
              )}
      </Text>
      {result.error !== null ? (
        <ErrorNotice error={result.error} onRetry={onRetry} />
      ) : u.failure ? (
        <Text as="p" color="secondary">
          {failureText(u.failure, t, i18n.language)}
        </Text>
      ) : null}
      <PartsList parts={result.parts} />
    </>
  );
}

/** What Metrica has done with the file since, followed as History follows it (the core's
 *  follow-up changes the history; its notice, or a look every 15 s, brings it here): «is
 *  processing» only while it is. */
function ProcessingLine({ parts }: { parts: UploadSummary[] }) {
  const { t, i18n } = useTranslation();
  const backend = useBackend();
  const live = useQueries({
    queries: parts.map((p) => ({
      queryKey: ['detail', p.id],
      queryFn: () => backend.uploadDetail(p.id),
      // Until the core says nothing more can change (`refreshable`, as History asks it).
      refetchInterval: (q: { state: { data?: { summary: UploadSummary } } }) =>
        q.state.data && !q.state.data.summary.refreshable ? false : 15_000,
    })),
  });
  const crm = parts.some((p) => CRM_KINDS.includes(p.kind));
  const now = live.map((q, i) => q.data?.summary ?? parts[i]);
  const done = now.every((p) => p !== undefined && !p.refreshable);
  // Metrica says how many conversions and calls it linked to visits, not how many CRM orders
  // or contacts: the screen does not promise a share History never shows.
  let text: string;
  if (!done) text = crm ? t('send.doneTextCrm') : t('send.doneText');
  // Metrica took the file, then did not process it: said, with History to say why.
  else if (now.some((p) => p?.state === 'rejected' || p?.state === 'failed')) text = t('send.processedRefused');
  else if (crm) text = t('send.processedCrm');
  else if (now.every((p) => p?.state === 'linkage_failure')) text = t('send.processedNone');
  else if (now.length === 1 && now[0]?.linked_share != null)
    text = t('send.processedShare', { share: formatPercent(now[0].linked_share, i18n.language) });
  // A file in one piece whose answer carries no linked count (an older answer): not «parts».
  else text = now.length === 1 ? t('send.processedOne') : t('send.processedParts');
  return (
    <Text as="p" color="secondary" qa="done-text" data-processed={done ? 'true' : undefined}>
      {text}
    </Text>
  );
}

/** The truth after a send: accepted, nothing new, or not (interrupted, failed, rejected) with
 *  the one-action resend. Nothing says "sent" unless Metrica accepted the file, and an error
 *  that stopped the send is shown with the parts it left. */
function SendResultCard({ result, held }: { result: SendResult; held: React.ReactNode }) {
  const backend = useBackend();
  const queryClient = useQueryClient();
  const repeatable = result.upload?.id;
  // «Повторять автоматически» opens on the core's draft: asked for now, there by the click.
  useEffect(() => {
    if (repeatable !== undefined) void queryClient.prefetchQuery(jobDraftQuery(backend, repeatable));
  }, [backend, queryClient, repeatable]);
  const { t } = useTranslation();
  const session = useSession();
  const [{ sentTo }, dispatch] = useImport();
  const resend = useJob<SendResult>();
  const [repeat, setRepeat] = useState(false);
  // What did not go, said beside what did: rows with errors left out (with their file) and
  // rows Metrica already had, as the send itself read the file (the core's counts).
  const leftOut = result.rejected_rows;
  const u = result.upload;
  const another = (
    <Button view="outlined" size="l" onClick={() => dispatch({ type: 'reset' })} qa="upload-another">
      {t('send.another')}
    </Button>
  );
  if (u === null) {
    return (
      <div className="mb-step">
        {held}
        <Card view="outlined" className="mb-done" data-testid="upload-nothing-new">
          <Text variant="header-1" as="h2">
            {t('send.nothingNewTitle')}
          </Text>
          <Text as="p" color="secondary">
            {nothingNewText(t, result.valid_rows - result.changed_rows - result.outdated_rows, result.rejected_rows)}
          </Text>
          <LedgerNotes counts={result} onlyNew prefix="done" />
          <div className="mb-done__actions">{another}</div>
        </Card>
      </div>
    );
  }
  const toHistory = (
    <Button
      view={isAccepted(u) ? 'action' : 'outlined'}
      size="l"
      onClick={() => session.showUpload(u.id)}
      qa="to-history"
      data-main-action={isAccepted(u) ? 'true' : undefined}
    >
      {t('send.toHistory')}
    </Button>
  );
  if (isAccepted(u) && result.error === null) {
    return (
      <div className="mb-step">
        {held}
        <Card view="outlined" className="mb-done" data-testid="upload-done">
          <Text variant="header-1" as="h2">
            {t('send.doneTitle')}
          </Text>
          <Text as="p">
            {t('send.rows', {
              rows: t('common.rows', { count: result.parts.reduce((n, p) => n + p.valid_rows, 0) || u.valid_rows }),
              file: u.file_name,
            })}
          </Text>
          {sentTo ? (
            <Text as="p" qa="done-counter">
              {t('send.doneCounter', { name: sentTo.name, id: sentTo.id })}
            </Text>
          ) : null}
          <LedgerNotes counts={result} onlyNew prefix="done" sent part="going" />
          {leftOut > 0 ? (
            <div data-testid="done-left-out">
              <Text as="p">{t('send.doneLeftOut', { rows: t('common.rows', { count: leftOut }) })}</Text>
              {result.rejected_path ? <RejectedFileActions path={result.rejected_path} /> : null}
            </div>
          ) : null}
          {result.unchanged_rows > 0 ? (
            <Text as="p" color="secondary" qa="done-unchanged">
              {t('send.doneUnchanged', { rows: t('common.rows', { count: result.unchanged_rows }) })}
            </Text>
          ) : null}
          {/* Older values left out are among the rows left out (`unchanged_rows`); when none
              were left out, every row went, the older values with them. */}
          <LedgerNotes counts={result} onlyNew={result.unchanged_rows > 0} prefix="done" sent part="left" />
          <PartsList parts={result.parts} />
          <ProcessingLine parts={result.parts.length > 0 ? result.parts : [u]} />
          <div className="mb-done__actions">
            {toHistory}
            <Button view="outlined" size="l" onClick={() => setRepeat(true)} qa="repeat-job">
              {t('jobs.repeat')}
            </Button>
            {another}
          </div>
        </Card>
        {repeat ? <RepeatJobDialog upload={u} onClose={() => setRepeat(false)} /> : null}
      </div>
    );
  }
  const canResend = u.resendable;
  const again = () => {
    void resend
      .run((onProgress) => backend.resendPart(result, u.id, onProgress))
      .then((next) => {
        if (next) {
          dispatch({ type: 'resent', result: next });
          void queryClient.invalidateQueries({ queryKey: ['history'] });
          void queryClient.invalidateQueries({ queryKey: ['overview'] });
        }
      });
  };
  const state = stoppedState(result.stopped?.state ?? u.outcome);
  return (
    <div className="mb-step">
      {held}
      <Card view="outlined" className="mb-done" data-testid={`upload-${state}`}>
        <StoppedSend result={result} onRetry={canResend ? again : undefined} />
        {resend.running ? (
          <JobProgress progress={resend.progress} onCancel={resend.cancel} cancelLabel={t('send.cancel')} />
        ) : resend.error !== null && toAppError(resend.error).kind === 'cancelled' ? (
          <Alert theme="info" message={t('history.resendStopped')} />
        ) : resend.error !== null ? (
          <ErrorNotice error={resend.error} onRetry={again} />
        ) : null}
        <div className="mb-done__actions">
          {canResend && !resend.running ? (
            <Button view="action" size="l" onClick={again} qa="resend" data-main-action="true">
              {t('history.resend')}
            </Button>
          ) : null}
          {toHistory}
          {another}
        </div>
      </Card>
    </div>
  );
}

/** A file given while the send ran: kept, and opened with one press once the send has ended
 *  (nothing the user gave is dropped, and the send's result is not swept away). */
function HeldFile({ path, waiting = false }: { path: string; waiting?: boolean }) {
  const { t } = useTranslation();
  const [, dispatch] = useImport();
  const file = path.split(/[\\/]/).pop() ?? path;
  return (
    <Alert
      theme="info"
      qa="held-file"
      message={waiting ? t('send.heldWaiting', { file }) : t('send.heldReady', { file })}
      actions={
        waiting ? undefined : (
          <Alert.Actions>
            <Alert.Action view="action" onClick={() => dispatch({ type: 'openHeld' })} qa="open-held">
              {t('send.openHeld', { file })}
            </Alert.Action>
          </Alert.Actions>
        )
      }
    />
  );
}

/** «Все 5 строк…», but «Единственную строку…» and «Обе строки…», not «Все 1 строка» / «Все 2 строки». */
/** «Nothing new», said of the rows Metrica holds as they are (`rows`; none: nothing to say of
 *  them, the notes below say the rest) and, when the file has rows with errors (`bad`), of
 *  those too: «the only row of the file» is untrue of a file of seven. */
export function nothingNewText(t: TFunction, rows: number, bad = 0): string | null {
  if (rows <= 0) return null;
  if (bad > 0)
    return t('send.nothingNewValid', {
      rows: t('common.rows', { count: rows }),
      bad: t('common.rows', { count: bad }),
    });
  if (rows === 1) return t('send.nothingNewTextOne');
  if (rows === 2) return t('send.nothingNewTextTwo');
  return t('send.nothingNewText', { rows: t('common.rows', { count: rows }) });
}

/** What the ledger said of the rows besides «new» and «already there» (the core's counts):
 *  corrections that go and replace Metrica's values, calls held back, and older values than
 *  Metrica's — left out in only-new mode, a warning when every row goes. */
export function LedgerNotes({
  counts,
  onlyNew,
  prefix,
  sent = false,
  part,
}: {
  counts: { corrected_rows: number; changed_rows: number; outdated_rows: number };
  onlyNew: boolean;
  prefix: string;
  /** Said after the send (what went), not before it (what will). */
  sent?: boolean;
  /** Only the note on the rows that go (corrections), or only those on the rows left out. */
  part?: 'going' | 'left';
}) {
  const { t } = useTranslation();
  return (
    <>
      {part !== 'left' && counts.corrected_rows > 0 ? (
        <Text color="secondary" as="div" qa={`${prefix}-corrected`}>
          {t('send.corrected', { count: counts.corrected_rows })}
        </Text>
      ) : null}
      {part !== 'going' && onlyNew && counts.changed_rows > 0 ? (
        <Text color="secondary" as="div" qa={`${prefix}-changed`}>
          {t('send.changedKept', { count: counts.changed_rows })}
        </Text>
      ) : null}
      {part !== 'going' && counts.outdated_rows > 0 ? (
        onlyNew ? (
          <Text color="secondary" as="div" qa={`${prefix}-outdated`}>
            {t('send.outdated', { count: counts.outdated_rows })}
          </Text>
        ) : (
          <Alert
            theme="warning"
            message={t(sent ? 'send.outdatedSent' : 'send.outdatedAll', { count: counts.outdated_rows })}
            qa={`${prefix}-outdated`}
          />
        )
      ) : null}
    </>
  );
}
