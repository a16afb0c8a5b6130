//! Small pieces shared by the wizard's steps: the footer with the main action, job progress,
//! and the three-part rendering of a row issue.
import { ArrowLeft } from '@gravity-ui/icons';
import { Button, Icon, Label, Progress as ProgressBar, Text } from '@gravity-ui/uikit';
import { useTranslation } from 'react-i18next';
import type { Issue, Progress } from '../../ipc';
import { describeProgress } from '../../shared/progress';
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
  return (
    <div className="mb-progress" role="status" aria-live="polite" data-testid="job-progress">
      <Text variant="subheader-2" as="div">
        {progress ? t(`stages.${progress.stage}`) : t('app.loading')}
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
        <Button view="outlined" size="l" onClick={onCancel} qa="job-cancel">
          {cancelLabel}
        </Button>
      </div>
    </div>
  );
}

type IssueCode = keyof Messages['issues'];

/** Codes the validator (mb-import) emits under another name than our texts use. */
const ALIASES: Record<string, IssueCode> = {
  datetime_before_1970: 'date_before_1970',
  invalid_datetime: 'invalid_date',
  outside_linking_window: 'old_datetime',
  goal_name_not_identifier: 'goal_name_instead_of_id',
  target_not_identifier: 'goal_name_instead_of_id',
  duplicate_conversion: 'duplicate_row',
  duplicate_order_id: 'duplicate_row',
  duplicate_call: 'duplicate_row',
  duplicate_contact_id: 'duplicate_row',
  unmapped_status: 'unknown_status',
  currency_trimmed: 'normalized',
  datetime_converted: 'normalized',
  datetime_normalized: 'normalized',
  datetime_offset_converted: 'normalized',
  datetime_reformatted: 'normalized',
  duration_normalized: 'normalized',
  email_normalized: 'normalized',
  flag_normalized: 'normalized',
  id_trimmed: 'normalized',
  list_normalized: 'normalized',
  money_normalized: 'normalized',
  phone_normalized: 'normalized',
  client_type_case: 'normalized',
  status_case: 'normalized',
  status_mapped: 'normalized',
};
const FALLBACKS = new Set<string>(['generic', 'genericNoValue']);

/** The message key for a validator code: its own text, an alias, or the generic fallback. */
export function issueKey(code: string, hasValue: boolean): IssueCode {
  const alias = ALIASES[code];
  if (alias) return alias;
  if (code in ru.issues && !FALLBACKS.has(code)) return code as IssueCode;
  return hasValue ? 'generic' : 'genericNoValue';
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

/** What happened, where (line, column, value), what to do. */
export function IssueView({ issue }: { issue: Issue }) {
  const { t } = useTranslation();
  const key = issueKey(issue.code, issue.value !== null && issue.value !== '');
  const params = { value: issue.value ?? '', code: issue.code, column: issue.column ?? '' };
  const header = issue.line <= 1;
  const where = header
    ? issue.column
      ? t('check.whereHeaderColumn', { column: issue.column })
      : t('check.whereHeader')
    : issue.column
      ? t('check.whereColumn', { line: issue.line, column: issue.column })
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
        {issue.fix ? ` ${t('check.suggested', { fix: issue.fix })}` : ''}
      </Text>
    </li>
  );
}
