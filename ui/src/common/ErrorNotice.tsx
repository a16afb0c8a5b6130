//! Shows any backend error through the error table: text, colour and the one action it offers.
import { Alert } from '@gravity-ui/uikit';
import { useTranslation } from 'react-i18next';
import { useAppActions } from './actions';
import { explainError } from './errors';

export interface ErrorNoticeProps {
  error: unknown;
  onRetry?: () => void;
  onSignIn?: () => void;
  /** In a narrow pane (History's details) the action goes under the text, which would
   *  otherwise wrap a word per line beside it. */
  narrow?: boolean;
}

export function ErrorNotice({ error, onRetry, onSignIn, narrow = false }: ErrorNoticeProps) {
  const { t, i18n } = useTranslation();
  const app = useAppActions();
  const e = explainError(error, t, i18n.language);
  const actions: Array<{ text: string; handler: () => void }> = [];
  if (e.action === 'retry' && onRetry) actions.push({ text: t('errors.actions.retry'), handler: onRetry });
  if (e.action === 'signIn') actions.push({ text: t('errors.actions.signIn'), handler: onSignIn ?? app.signIn });
  return (
    <div role="alert" data-testid={`error-${e.kind}`}>
      <Alert
        theme={e.severity === 'info' ? 'info' : e.severity}
        message={e.text}
        actions={actions.length > 0 ? actions : undefined}
        layout={narrow ? 'vertical' : 'horizontal'}
      />
    </div>
  );
}
