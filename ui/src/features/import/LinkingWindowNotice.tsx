//! The counter's linking window (docs/metrika-api.md §4.7) on the check and send steps: says
//! in words from which day Metrica takes offline data, and offers to switch the extended
//! (21-day) window on where the signed-in token may.
import { Alert, Button } from '@gravity-ui/uikit';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { UploadKind } from '../../ipc';
import { explainError } from '../../common/errors';
import { localeOf } from '../../i18n';
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
  if (!w || (!w.opens_on && !w.can_enable_extended && !w.links_from)) return null;
  // The day uploads open, or (open, the window still growing) the day the counter links from:
  // a day in the counter's zone, worded as that day whatever the computer's zone (read in the
  // computer's, UTC+12 and east said the next day).
  const day = w.opens_on ?? (w.can_enable_extended ? null : w.links_from);
  const date = day
    ? new Date(`${day}T12:00:00Z`).toLocaleDateString(localeOf(i18n.language), {
        day: 'numeric',
        month: 'long',
        timeZone: 'UTC',
      })
    : '';
  const [title, text] = w.opens_on
    ? [t('window.closedTitle', { date }), t('window.closedText', { date })]
    : w.can_enable_extended
      ? [t('window.extendedOffTitle'), t('window.extendedOffText')]
      : [t('window.growingTitle', { date }), t('window.growingText', { date })];
  return (
    <div data-testid="linking-window" style={{ marginBottom: 16 }}>
      <Alert
        layout="horizontal"
        theme={w.opens_on ? 'warning' : 'info'}
        title={title}
        message={
          <>
            {text}
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
