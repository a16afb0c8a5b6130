//! The counter's linking window (docs/metrika-api.md §4.7) on the check and send steps: says
//! in words from which day Metrica takes offline data, and offers to switch the extended
//! (21-day) window on where the signed-in token may.
import { Alert, Button } from '@gravity-ui/uikit';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { UploadKind } from '../../ipc';
import { explainError } from '../../common/errors';
import { useBackend } from '../app/context';

export function LinkingWindowNotice({ counterId, kind }: { counterId: number; kind: UploadKind }) {
  const { t, i18n } = useTranslation();
  const backend = useBackend();
  const queryClient = useQueryClient();
  const key = ['linking-window', counterId, kind];
  const q = useQuery({ queryKey: key, queryFn: () => backend.linkingWindow(counterId, kind) });
  const enable = useMutation({
    mutationFn: () => backend.enableExtendedWindow(counterId, kind),
    onSuccess: (w) => queryClient.setQueryData(key, w),
  });
  const w = q.data;
  if (!w || (!w.opens_on && !w.can_enable_extended)) return null;
  // `opens_on` is a day in the counter's zone: worded as that day, whatever the computer's
  // zone (read in the computer's, UTC+12 and east said the next day).
  const date = w.opens_on
    ? new Date(`${w.opens_on}T12:00:00Z`).toLocaleDateString(i18n.language, {
        day: 'numeric',
        month: 'long',
        timeZone: 'UTC',
      })
    : '';
  return (
    <div data-testid="linking-window" style={{ marginBottom: 16 }}>
      <Alert
        layout="horizontal"
        theme={w.opens_on ? 'warning' : 'info'}
        title={w.opens_on ? t('window.closedTitle', { date }) : t('window.extendedOffTitle')}
        message={
          <>
            {w.opens_on ? t('window.closedText', { date }) : t('window.extendedOffText')}
            {enable.isError ? <div>{explainError(enable.error, t, i18n.language).text}</div> : null}
          </>
        }
        actions={
          w.can_enable_extended ? (
            <Button
              view="action"
              loading={enable.isPending}
              onClick={() => enable.mutate()}
              qa="enable-extended-window"
            >
              {t('window.enable')}
            </Button>
          ) : undefined
        }
      />
    </div>
  );
}
