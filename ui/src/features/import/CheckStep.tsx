//! Step 4: validate with progress and cancel, then the summary: counts with Russian plurals,
//! counts per problem, each issue as what/where/what-to-do, the rejected-rows file and the
//! question when the same data was sent before.
import { Alert, Button, Card, Loader, Text } from '@gravity-ui/uikit';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { CurrencyOffer, ValidationSummary } from '../../ipc';
import { ErrorNotice } from '../../common/ErrorNotice';
import { RejectedFileActions } from '../../common/RejectedFileActions';
import { toAppError } from '../../common/errors';
import { formatDateTime, formatNumber } from '../../common/format';
import { useActiveCounter, useAllCounters, useBackend, useSession, useSettings } from '../app/context';
import { useJob } from './job';
import { IssueView, JobProgress, NoticeSummary, RemarkSummary, SeverityLabel, StepFooter, isFix } from './parts';
import { firstStop, sendAnswers, stopText } from './gate';
import { buildValidateRequest, reviewCounts, useImport, validationKey } from './state';

const ISSUES_SHOWN = 200;

/** Every row that names a currency means one (`руб.`, `RUR` are rubles) that Metrica knows by
 *  another name: the core offers to read those words as that code, and one click names them
 *  so in the mapping (the file stays as it is; any other currency, in this file or a later
 *  one a job takes, is still checked); the check then runs again. */
/** The file was sent before, and the ledger says Metrica holds some of its rows otherwise now
 *  (a column sent since, values changed): with an empty ledger (a history from before it)
 *  nothing is known, and the file's rows are not called new. */
function newSinceDuplicate(v: ValidationSummary): boolean {
  return v.new_rows > 0 && v.known_rows + v.corrected_rows + v.outdated_rows > 0;
}

function CurrencyOfferNotice({ offer }: { offer: CurrencyOffer }) {
  const { t } = useTranslation();
  const [s, dispatch] = useImport();
  const f = s.mapping?.fields.find((m) => m.field === offer.field);
  if (!f) return null;
  const use = () =>
    dispatch({ type: 'currencyNames', names: Object.fromEntries(offer.values.map((v) => [v, offer.code])) });
  return (
    <div data-testid="currency-offer">
      <Alert
        theme="info"
        title={t('check.currencyOfferTitle', { code: offer.code })}
        message={t('check.currencyOfferText', {
          column: f.source.type === 'column' ? f.source.header : offer.field,
          values: offer.values.map((value) => t('check.quoted', { value })).join(', '),
          rows: t('common.rows', { count: offer.rows }),
          code: offer.code,
        })}
        actions={
          <Alert.Actions>
            <Alert.Action onClick={use} qa="currency-offer-use">
              {t('check.currencyOfferUse', { code: offer.code })}
            </Alert.Action>
          </Alert.Actions>
        }
      />
    </div>
  );
}

function Summary({ v }: { v: ValidationSummary }) {
  const { t, i18n } = useTranslation();
  const [s, dispatch] = useImport();
  const { showUpload } = useSession();
  const lang = i18n.language;
  const review = reviewCounts(s);
  const held = v.valid_rows > 0 && v.send_block === 'file_errors';
  // The duplicate question below is still open: the rows sent before are neither counted in
  // nor said to be skipped until it is answered.
  const asking = !!v.duplicate_of && !v.duplicate_cut_off && s.duplicateAnswer === null && review.known > 0;
  const order = { error: 0, warning: 1, notice: 2 };
  // The user's own column name (the header in their file) wherever a field is named.
  const header = (column: string | null): string | null => (column === null ? null : (v.headers[column] ?? column));
  const sorted = [...v.counts]
    .map((c) => ({ ...c, column: header(c.column) }))
    .sort((a, b) => order[a.severity] - order[b.severity] || b.count - a.count);
  // Errors first, then warnings, then the summary of what we changed ourselves: a notice is
  // one line per kind of change, never one line per cell.
  const counts = sorted.filter((c) => c.severity !== 'notice');
  const fixes = sorted.filter((c) => c.severity === 'notice' && isFix(c.code));
  // Remarks (rows without a sum, several currencies): nothing was changed, so not «fixed».
  const remarks = sorted.filter((c) => c.severity === 'notice' && !isFix(c.code));
  const fixedValues = fixes.reduce((n, c) => n + c.count, 0);
  // The core lists errors first, then warnings, then notices (each in file order); a stable
  // sort keeps that even for a list from an older core.
  const issues = v.issues
    .filter((i) => i.severity !== 'notice')
    .map((i) => ({ ...i, column: header(i.column) }))
    .sort((a, b) => order[a.severity] - order[b.severity]);
  // How many cases the core counted of what the list shows (a count per kind and column).
  const casesTotal = Math.max(
    issues.length,
    v.counts.filter((c) => c.severity !== 'notice').reduce((n, c) => n + c.count, 0),
  );
  return (
    <div className="mb-summary" data-testid="validation-summary">
      <div className="mb-summary__cards">
        <Card view="filled" className="mb-stat">
          <Text color="secondary" variant="caption-2">
            {t('check.rowsTotal')}
          </Text>
          <Text variant="display-1" data-testid="rows-total">
            {formatNumber(v.rows, lang)}
          </Text>
        </Card>
        <Card view="filled" className="mb-stat">
          <Text color="secondary" variant="caption-2">
            {t('check.rowsValid')}
          </Text>
          {/* What will go: the good rows, less those Metrica already has when only new rows go.
              Nothing good is no good news (not in green); neither are good rows held back by an
              error in the file itself, and nothing new is said calmly (not in red). */}
          <Text
            variant="display-1"
            color={v.valid_rows <= 0 ? 'danger' : held || review.send === 0 ? 'secondary' : 'positive'}
            data-testid="rows-valid"
          >
            {formatNumber(review.send, lang)}
          </Text>
          {held ? (
            <Text color="secondary" variant="caption-2" as="div" data-testid="rows-held">
              {t('check.heldByFile', { count: review.send })}
            </Text>
          ) : asking ? (
            <Text color="secondary" variant="caption-2" as="div" data-testid="rows-known">
              {t('check.unchangedAsk', { count: review.known })}
            </Text>
          ) : review.onlyNew && review.known > 0 ? (
            <Text color="secondary" variant="caption-2" as="div" data-testid="rows-known">
              {t('check.unchanged', { rows: t('common.rows', { count: review.known }) })}
            </Text>
          ) : null}
        </Card>
        <Card view="filled" className="mb-stat mb-stat_wide">
          <Text color="secondary" variant="caption-2">
            {t('check.problems')}
          </Text>
          <Text variant="subheader-3" as="div" data-testid="problem-counts">
            {v.errors === 0 && v.warnings === 0
              ? t('check.allGood')
              : [
                  v.errors > 0 ? t('common.errors', { count: v.errors }) : null,
                  v.warnings > 0 ? t('common.warnings', { count: v.warnings }) : null,
                ]
                  .filter(Boolean)
                  .join(' · ')}
          </Text>
          {fixedValues > 0 ? (
            <Text color="secondary" variant="caption-2" as="div" data-testid="fixed-count">
              {t('check.fixedCount', { count: fixedValues })}
            </Text>
          ) : null}
        </Card>
      </div>

      {v.duplicate_of && v.duplicate_cut_off ? (
        // Its send was cut off: whether Metrica has it is not known, so no «send again» here;
        // History's resend looks in Metrica first (the core refuses a plain second send).
        <div data-testid="duplicate-interrupted">
          <Alert
            theme="warning"
            title={t('check.duplicateCutTitle')}
            message={t('check.duplicateCutText', {
              date: formatDateTime(v.duplicate_of.created_at, lang),
              id: v.duplicate_of.id,
            })}
            actions={[{ text: t('check.duplicateCutOpen'), handler: () => showUpload(v.duplicate_of?.id ?? 0) }]}
          />
        </div>
      ) : v.duplicate_of ? (
        <div data-testid="duplicate-question">
          <Alert
            theme="warning"
            title={t('check.duplicateTitle')}
            message={
              <>
                {/* The same file is not always the same data: a column sent since, or rows
                    Metrica holds otherwise now, are new for it. */}
                {t(newSinceDuplicate(v) ? 'check.duplicateTextNew' : 'check.duplicateText', {
                  counter: v.duplicate_of.counter_name ?? String(v.duplicate_of.counter_id),
                  date: formatDateTime(v.duplicate_of.created_at, lang),
                  id: v.duplicate_of.id,
                  count: v.new_rows,
                })}
                {/* Rows of this file a later upload replaced: «такие же данные» is not all of it. */}
                {v.outdated_rows > 0 ? (
                  <Text as="p" qa="duplicate-outdated">
                    {t('check.duplicateOutdated', { count: v.outdated_rows })}
                  </Text>
                ) : null}
                {s.duplicateAnswer ? (
                  <Text as="p" variant="subheader-1">
                    {s.duplicateAnswer === 'all' ? t('check.duplicateChosenAll') : t('check.duplicateChosenNew')}
                  </Text>
                ) : null}
              </>
            }
            actions={[
              { text: t('check.duplicateOnlyNew'), handler: () => dispatch({ type: 'duplicate', answer: 'new' }) },
              { text: t('check.duplicateSendAll'), handler: () => dispatch({ type: 'duplicate', answer: 'all' }) },
            ]}
          />
        </div>
      ) : null}

      {/* Older values than Metrica's in a file not sent as it is (the duplicate question says
          it of one that was): «только новые» leaves them out. */}
      {!v.duplicate_of && v.outdated_rows > 0 ? (
        <Alert theme="warning" message={t('send.outdated', { count: v.outdated_rows })} qa="check-outdated" />
      ) : null}

      {v.currency_offer ? <CurrencyOfferNotice offer={v.currency_offer} /> : null}

      <div className="mb-summary__body">
        {counts.length > 0 ? (
          <section className="mb-counts" aria-labelledby="counts-title">
            <Text variant="subheader-2" as="h3" id="counts-title">
              {t('check.byProblem')}
            </Text>
            {v.rejected_path ? (
              <div className="mb-rejected">
                <Text color="secondary" as="p">
                  {t('check.rejected')}
                </Text>
                <RejectedFileActions path={v.rejected_path} />
              </div>
            ) : null}
            <ul className="mb-counts__list">
              {counts.map((c) => (
                <li key={`${c.code}|${c.column ?? ''}`} className="mb-counts__item" data-testid={`count-${c.code}`}>
                  <SeverityLabel severity={c.severity} />
                  <span className="mb-counts__title">
                    {t(`issues.${c.code}.title`)}
                    {c.column ? <Text color="secondary"> · {c.column}</Text> : null}
                  </span>
                  <Text variant="subheader-1" className="mb-num">
                    {/* Said of the file itself (a column it lacks), not of some of its rows. */}
                    {c.in_file ? t('check.wholeFile') : t('common.rows', { count: c.count })}
                  </Text>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        {issues.length > 0 ? (
          <section className="mb-issues" aria-labelledby="issues-title">
            <Text variant="subheader-2" as="h3" id="issues-title">
              {t('check.details')}
            </Text>
            <ul className="mb-issues__list" tabIndex={0} aria-labelledby="issues-title">
              {issues.slice(0, ISSUES_SHOWN).map((i, n) => (
                <IssueView key={`${i.line}-${i.code}-${n}`} issue={i} />
              ))}
            </ul>
            {/* Said only when cases of these (errors, warnings) are not shown: a file whose
                notices alone were too many to keep shows all of them. */}
            {casesTotal > Math.min(ISSUES_SHOWN, issues.length) ? (
              <Text color="secondary" variant="caption-2" qa="issues-shown-first">
                {t('check.shownFirst', { count: Math.min(ISSUES_SHOWN, issues.length), total: casesTotal })}
              </Text>
            ) : null}
          </section>
        ) : null}
        <NoticeSummary counts={fixes} />
        <RemarkSummary counts={remarks} />
      </div>
    </div>
  );
}

/** The check needs the counter (its time zone, goals and linking window): while the account's
 *  counters are on their way, when they could not be had, or when the account has none, the
 *  step says so instead of standing empty. */
function NoCounter() {
  const { t } = useTranslation();
  const all = useAllCounters();
  if (all.isError) return <ErrorNotice error={all.error} onRetry={() => void all.refetch()} />;
  if (all.isPending || all.isFetching) {
    return (
      <div className="mb-loading" role="status" data-testid="check-counters-loading">
        <Loader size="m" />
        <Text color="secondary">{t('check.countersLoading')}</Text>
      </div>
    );
  }
  return <Alert theme="warning" qa="check-no-counter" message={t('check.noCounter')} />;
}

export function CheckStep({ onBack, onNext }: { onBack: () => void; onNext: () => void }) {
  const { t, i18n } = useTranslation();
  const backend = useBackend();
  const [s, dispatch] = useImport();
  const counter = useActiveCounter();
  const settings = useSettings();
  const hashDefault = settings.data?.hash_contacts_by_default ?? false;
  const request = buildValidateRequest(s, counter?.id ?? null, hashDefault);
  const key = request ? validationKey(request) : null;
  const job = useJob<ValidationSummary>();
  const { run, running, error } = job;
  const stoppedFor = useRef<string | null>(null);

  const start = () => {
    if (!request || !key) return;
    stoppedFor.current = null;
    // The core joins the check of the same request when one is still running (the user left
    // this step and came back), so the progress continues instead of starting from zero.
    let announced = false;
    void run((onProgress) =>
      backend.validate(request, (p) => {
        if (!announced) {
          announced = true;
          dispatch({ type: 'checkStarted', jobId: p.job_id });
        }
        onProgress(p);
      }),
    ).then((summary) => {
      if (summary) dispatch({ type: 'validated', summary, forRequest: key });
    });
  };
  const fresh = key !== null && s.validatedFor === key && s.validation !== null;

  useEffect(() => {
    if (!fresh && !running && error === null && key !== null && stoppedFor.current !== key) {
      stoppedFor.current = key;
      start();
    }
    // `start` is recreated each render; the key says when a new run is due.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fresh, running, error, key]);

  const v = fresh ? s.validation : null;
  const cancelled = error !== null && toAppError(error).kind === 'cancelled';
  // The core says what keeps the file from going (its gate); rows with errors are not a dead
  // end here (the review offers to skip them), nor is nothing new (the review says so calmly).
  const first = v === null ? null : firstStop(v.gate.check, sendAnswers(s));
  const stop = v === null || first === null ? null : stopText(first, 'check', v, counter?.id ?? 0, t, i18n.language);
  const blocked = stop !== null;
  return (
    <div className="mb-step">
      {/* For screen readers and the focus on arrival; the cards below say the rest. */}
      <h2 className="mb-visually-hidden">{t('check.heading')}</h2>
      {running ? (
        <JobProgress progress={job.progress} onCancel={job.cancel} cancelLabel={t('check.cancel')} />
      ) : cancelled ? (
        <div className="mb-cancelled">
          <Alert theme="info" message={t('check.cancelled')} />
          <Button view="action" size="l" onClick={start} qa="check-again" data-main-action="true">
            {t('check.again')}
          </Button>
        </div>
      ) : error !== null ? (
        <ErrorNotice error={error} onRetry={start} />
      ) : v ? (
        <Summary v={v} />
      ) : counter === null ? (
        <NoCounter />
      ) : null}
      <StepFooter
        onBack={onBack}
        reason={stop}
        main={running || cancelled ? undefined : { label: t('common.next'), onClick: onNext, disabled: !v || blocked }}
      />
    </div>
  );
}
