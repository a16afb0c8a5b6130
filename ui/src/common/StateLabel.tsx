//! The coloured label for an upload state, the same in History and Clients.
import { Label } from '@gravity-ui/uikit';
import { useTranslation } from 'react-i18next';
import type { UploadState } from '../ipc';

type Theme = 'normal' | 'info' | 'danger' | 'warning' | 'success' | 'utility' | 'unknown' | 'clear';

export const STATE_THEME: Record<UploadState, Theme> = {
  prepared: 'unknown',
  sending: 'info',
  sent: 'info',
  processing: 'info',
  processed: 'success',
  linkage_failure: 'warning',
  rejected: 'danger',
  failed: 'danger',
  interrupted: 'warning',
  superseded: 'unknown',
};

export function StateLabel({ state }: { state: UploadState }) {
  const { t } = useTranslation();
  return (
    <Label theme={STATE_THEME[state]} size="s">
      {t(`history.states.${state}`)}
    </Label>
  );
}
