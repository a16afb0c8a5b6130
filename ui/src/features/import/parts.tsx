//! Small pieces shared by the wizard's steps: the footer with the main action, job progress,
//! and the three-part rendering of a row issue.
import { ArrowLeft } from '@gravity-ui/icons';
import { Button, Icon, Label, Progress as ProgressBar, Text } from '@gravity-ui/uikit';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { localeOf } from '../../i18n';
import { CHANGE_CODES } from '../../ipc';
import type { Issue, IssueCode, IssueCount, Progress, ValueType } from '../../ipc';
import { formatMoneyText } from '../../common/format';
import { describeProgress } from '../../common/progress';
import ru, { type Messages } from '../../i18n/ru';

export interface MainAction {
  label: string;
  onClick: () => void;
  disabled?: boolean;
  loading?: boolean;
  testId?: string;
}

export function StepFooter({
  onBack,
  main,
  reason,
}: {
  onBack?: () => void;
  main?: MainAction;
  reason?: string | null;
}) {
  const { t } = useTranslation();
  return (
    <div className="mb-footer">
      {onBack ? (
        <Button view="flat" size="l" onClick={onBack} qa="wizard-back">
          <Icon data={ArrowLeft} size={16} />
          {t('common.back')}
        </Button>
      ) : (
        <span />
      )}
      <div className="mb-footer__main">
        {reason ? (
          <Text color="secondary" variant="body-1">
            {reason}
          </Text>
        ) : null}
        {main ? (
          <Button
            view="action"
            size="l"
            onClick={main.onClick}
            disabled={main.disabled}
            loading={main.loading}
            qa={main.testId ?? 'wizard-next'}
            data-main-action="true"
          >
            {main.label}
          </Button>
        ) : null}
      </div>
    </div>
  );
}

/** Long work: what is happening, a full-width bar, rows of rows (or megabytes), the pace and
 *  the time left, and the stop button. */
export function JobProgress({
  progress,
  onCancel,
  cancelLabel,
}: {
  progress: Progress | null;
  onCancel: () => void;
  cancelLabel: string;
}) {
  const { t, i18n } = useTranslation();
  const d = describeProgress(progress, t, i18n.language);
  // Pressed: said at once, while the core gets to a point where it can stop (a part on the
  // wire is answered first), so a second press is not needed and nothing looks stuck.
  const [stopping, setStopping] = useState(false);
  return (
    <div className="mb-progress" role="status" aria-live="polite" data-testid="job-progress">
      <Text variant="subheader-2" as="div">
        {stopping ? t('common.stopping') : progress ? t(`stages.${progress.stage}`) : t('app.loading')}
      </Text>
      <div className="mb-progress__bar">
        <ProgressBar value={d.percent ?? 100} loading={d.percent === null} theme="info" size="m" />
      </div>
      <div className="mb-progress__row">
        <div className="mb-progress__numbers">
          <Text as="div" className="mb-progress__text" qa="progress-amount">
            {d.amount || '\u00a0'}
          </Text>
          <Text as="div" color="secondary" className="mb-progress__text" qa="progress-pace">
            {d.pace || '\u00a0'}
          </Text>
        </div>
        <Button
          view="outlined"
          size="l"
          loading={stopping}
          onClick={() => {
            setStopping(true);
            onCancel();
          }}
          qa="job-cancel"
        >
          {cancelLabel}
        </Button>
      </div>
    </div>
  );
}

const SEVERITY_THEME = { error: 'danger', warning: 'warning', notice: 'info' } as const;

export function SeverityLabel({ severity }: { severity: Issue['severity'] }) {
  const { t } = useTranslation();
  return (
    <Label theme={SEVERITY_THEME[severity]} size="xs">
      {t(`check.severity.${severity}`)}
    </Label>
  );
}

const STATUS_TYPES = new Set(Object.keys(ru.statuses.types));

/**
 * A value the core wrote in machine form, the way a person reads it: the core's display form
 * (dates in the counter's zone), money in the locale's digits, a Metrica status by its name
 * (its code only in the tooltip: a shop owner never needs `PAID`).
 */
export function HumanValue({ text, shown, type }: { text: string; shown?: string | null; type?: ValueType | null }) {
  const { t, i18n } = useTranslation();
  if (shown) return <span title={text}>{shown}</span>;
  if (type === 'money') return <>{formatMoneyText(text, i18n.language)}</>;
  if (type === 'status' && STATUS_TYPES.has(text)) {
    return <span title={text}>{t(`statuses.types.${text as keyof Messages['statuses']['types']}`)}</span>;
  }
  return <>{text}</>;
}

/** Whether a notice is a change we made (listed under «Поправили сами»), not a remark: the
 *  core's own list (`IssueCode::is_change`). */
export function isFix(code: IssueCode): boolean {
  return CHANGE_CODES.includes(code);
}

/**
 * The core's display form of a date (`02.10.2026 10:15`, see `Issue::shown`) with the month in
 * words, so a person sees which of day and month we took: «2 октября 2026 г., 10:15».
 */
export function dateInWords(shown: string, lang: string): string | null {
  const m = /^(\d{2})\.(\d{2})\.(\d{4})(?: (\d{2}):(\d{2}))?$/.exec(shown.trim());
  if (!m) return null;
  const [, d, mo, y, h, mi] = m;
  const at = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0)));
  const opts: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' };
  if (h !== undefined) Object.assign(opts, { hour: '2-digit', minute: '2-digit', hour12: false });
  // The app's locale (English is en-GB, day first, as every other date it shows), not the
  // bare language: `en` alone is en-US, «November 14, 2026 at 10:15 AM».
  return new Intl.DateTimeFormat(localeOf(lang), opts).format(at);
}

/** One summary line's head: what, in which column, how many rows. */
function CountTitle({ count: c, title }: { count: IssueCount; title: string }) {
  const { t } = useTranslation();
  return (
    <span className="mb-fixes__title">
      {title}
      {c.column ? <Text color="secondary"> · {c.column}</Text> : null}
      {': '}
      <Text variant="subheader-1" className="mb-num">
        {c.in_file ? t('check.wholeFile') : t('common.rows', { count: c.count })}
      </Text>
    </span>
  );
}

/**
 * What we changed ourselves, summarised: one line per kind of change and column with a count
 * and the first two before → after examples; the examples with their lines on demand.
 */
export function NoticeSummary({ counts }: { counts: IssueCount[] }) {
  const { t } = useTranslation();
  if (counts.length === 0) return null;
  return (
    <section className="mb-fixes" aria-labelledby="fixes-title" data-testid="notice-summary">
      <Text variant="subheader-2" as="h3" id="fixes-title">
        {t('check.fixedTitle')}
      </Text>
      <Text as="p" color="secondary">
        {t('check.fixedText')}
      </Text>
      <ul className="mb-fixes__list">
        {counts.map((c) => (
          <li key={`${c.code}|${c.column ?? ''}`} className="mb-fixes__item" data-testid={`fix-${c.code}`}>
            <details>
              <summary>
                <CountTitle
                  count={c}
                  title={
                    c.code in ru.check.fixTitles
                      ? t(`check.fixTitles.${c.code as keyof Messages['check']['fixTitles']}`)
                      : t(`issues.${c.code}.title`)
                  }
                />
                {c.examples.length > 0 ? (
                  <Text as="div" color="secondary" className="mb-fixes__examples">
                    {t('check.forExample')}{' '}
                    {c.examples.map((e, n) => (
                      <span key={n} className="mb-fixes__example">
                        {n > 0 ? '; ' : ''}
                        <BeforeAfter value={e.value} fix={e.fix} shown={e.shown} type={c.value_type} />
                      </span>
                    ))}
                  </Text>
                ) : null}
              </summary>
              <ul className="mb-fixes__lines">
                {c.examples.map((e, n) => (
                  <li key={n}>
                    <Text color="secondary">{t('check.where', { line: e.line })}: </Text>
                    <BeforeAfter value={e.value} fix={e.fix} shown={e.shown} type={c.value_type} />
                  </li>
                ))}
                {c.count > c.examples.length ? (
                  <li>
                    <Text color="secondary">
                      {t('check.fixedMore', { rows: t('common.rows', { count: c.count - c.examples.length }) })}
                    </Text>
                  </li>
                ) : null}
              </ul>
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Remarks on the file that change nothing (rows without a sum, several currencies): one line
 *  per kind with its count and what it means. */
export function RemarkSummary({ counts }: { counts: IssueCount[] }) {
  const { t } = useTranslation();
  if (counts.length === 0) return null;
  return (
    <section className="mb-fixes" aria-labelledby="remarks-title" data-testid="remark-summary">
      <Text variant="subheader-2" as="h3" id="remarks-title">
        {t('check.remarksTitle')}
      </Text>
      <ul className="mb-fixes__list">
        {counts.map((c) => (
          <li key={`${c.code}|${c.column ?? ''}`} className="mb-fixes__item" data-testid={`remark-${c.code}`}>
            <CountTitle count={c} title={t(`issues.${c.code}.title`)} />
            <Text color="secondary" className="mb-fixes__examples">
              {' — '}
              {t(`issues.${c.code}.meaning`)}
            </Text>
          </li>
        ))}
      </ul>
    </section>
  );
}

function BeforeAfter({
  value,
  fix,
  shown,
  type,
}: {
  value: string | null;
  fix: string | null;
  shown: string | null;
  type: ValueType | null;
}) {
  const { t, i18n } = useTranslation();
  // A date that reads the same after the change (20.11.2026 14:05 stays 20.11.2026 14:05 on
  // screen) is shown once, with its month in words: how we understood it.
  if (type === 'date_time' && shown && value !== null && same(shown, value)) {
    const words = dateInWords(shown, i18n.language);
    return (
      <span>
        {value}
        {words ? <Text color="secondary"> ({words})</Text> : null}
      </span>
    );
  }
  // Money as Metrica gets it (`2990.50`): the change is the dot and the lost spaces; a status
  // by the name of its Metrica type (a CRM's «Оплачен» is Metrica's «Оплачен»: said once).
  const after =
    fix === null
      ? null
      : type === 'money'
        ? fix
        : type === 'status' && STATUS_TYPES.has(fix)
          ? t(`statuses.types.${fix as keyof Messages['statuses']['types']}`)
          : (shown ?? fix);
  if (after !== null && value !== null && same(after, value)) return <span>{value}</span>;
  return (
    <>
      {/* A status is not wrong before it is mapped: it is not crossed out. */}
      <span className={type === 'status' ? undefined : 'mb-before'}>{value ?? '—'}</span>
      {fix !== null ? (
        <>
          {' → '}
          <span className="mb-after">
            {type === 'money' ? fix : <HumanValue text={fix} shown={shown} type={type} />}
          </span>
        </>
      ) : null}
    </>
  );
}

const same = (a: string, b: string) => a.replace(/\s/g, ' ').trim() === b.replace(/\s/g, ' ').trim();

/** What happened, where (line, column, value), what to do. */
export function IssueView({ issue }: { issue: Issue }) {
  const { t } = useTranslation();
  // Every code has its own texts (`Record<IssueCode, …>` in the catalogue).
  const key = issue.code;
  // The value as the core says it (the CLI too): a date written in Unix time readable first,
  // as the file has it after, so the user still finds it there.
  const params = { value: issue.said ?? '', code: issue.code, column: issue.column ?? '' };
  const column = issue.column;
  const where =
    issue.place === 'header'
      ? column
        ? t('check.whereHeaderColumn', { column })
        : t('check.whereHeader')
      : issue.place === 'file'
        ? column
          ? t('check.whereFileColumn', { column })
          : t('check.whereFile')
        : column
          ? t('check.whereColumn', { line: issue.line, column })
          : t('check.where', { line: issue.line });
  return (
    <li className="mb-issue" data-testid={`issue-${issue.code}`}>
      <div className="mb-issue__head">
        <SeverityLabel severity={issue.severity} />
        <Text variant="subheader-1">{where}</Text>
      </div>
      <Text as="p" variant="body-1" className="mb-issue__what">
        {t(`issues.${key}.what`, params)}
      </Text>
      <Text as="p" variant="body-1" color="secondary" className="mb-issue__todo">
        {t(`issues.${key}.todo`, params)}
        {issue.fix ? (
          <>
            {' '}
            {t('check.suggestedBefore')}
            <HumanValue text={issue.fix} shown={issue.shown} type={issue.value_type} />
            {t('check.suggestedAfter')}
          </>
        ) : null}
      </Text>
    </li>
  );
}
