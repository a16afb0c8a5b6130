//! Small pieces shared by the wizard's steps: the footer with the main action, job progress,
//! and the three-part rendering of a row issue.
import { ArrowLeft } from '@gravity-ui/icons';
import { Button, Icon, Label, Progress as ProgressBar, Text } from '@gravity-ui/uikit';
import { useTranslation } from 'react-i18next';
import type { Issue, Progress } from '../../ipc';
import { formatNumber } from '../../shared/format';

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
  const total = progress?.total ?? null;
  const value = progress && total ? Math.min(100, Math.round((progress.done / total) * 100)) : 5;
  return (
    <div className="mb-progress" role="status" aria-live="polite" data-testid="job-progress">
      <Text variant="subheader-2">{progress ? t(`stages.${progress.stage}`) : t('app.loading')}</Text>
      <ProgressBar value={value} theme="info" size="m" />
      <div className="mb-progress__row">
        <Text color="secondary">
          {progress && total !== null
            ? t('check.progress', {
                done: formatNumber(progress.done, i18n.language),
                total: formatNumber(total, i18n.language),
              })
            : ' '}
        </Text>
        <Button view="outlined" onClick={onCancel} qa="job-cancel">
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

/** What happened, where (line, column, value), what to do. */
export function IssueView({ issue }: { issue: Issue }) {
  const { t } = useTranslation();
  // Every code has its own texts (`Record<IssueCode, …>` in the catalogue).
  const key = issue.code;
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
