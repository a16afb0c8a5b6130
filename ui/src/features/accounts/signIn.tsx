//! Signing in without the dialog (the demo's one click) and the button that opens the dialog.
import { Button } from '@gravity-ui/uikit';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { SignInMethod, SignInStarted } from '../../ipc';
import { useBackend, useSession } from '../app/context';

export function useSignIn() {
  const backend = useBackend();
  const qc = useQueryClient();
  return async (method: SignInMethod, onStarted?: (s: SignInStarted) => void) => {
    const started = await backend.beginSignIn(method);
    onStarted?.(started);
    const account = await backend.completeSignIn(started.flow_id, null);
    await qc.invalidateQueries();
    return account;
  };
}

export function SignInButton({
  label,
  view = 'action',
  disabled = false,
}: {
  label?: string;
  view?: 'action' | 'outlined';
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const { setSignInOpen } = useSession();
  return (
    <Button view={view} size="l" onClick={() => setSignInOpen(true)} qa="open-sign-in" disabled={disabled}>
      {label ?? t('welcome.signIn')}
    </Button>
  );
}
