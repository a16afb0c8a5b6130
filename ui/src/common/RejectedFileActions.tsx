//! Open / save a copy of a rejected-rows file (rows left out, each with its reason in words).
//! The file is opened and copied by the Rust side; the web view never reads it.
import { Button, Text } from '@gravity-ui/uikit';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useBackend } from '../features/app/context';
import { ErrorNotice } from './ErrorNotice';

export function RejectedFileActions({ path }: { path: string }) {
  const { t } = useTranslation();
  const backend = useBackend();
  const open = useMutation({ mutationFn: () => backend.openRejected(path) });
  const save = useMutation({ mutationFn: () => backend.saveRejected(path) });
  return (
    <div className="mb-rejected__actions">
      <Button view="outlined-info" onClick={() => open.mutate()} loading={open.isPending} qa="open-rejected">
        {t('check.openRejected')}
      </Button>
      <Button view="outlined" onClick={() => save.mutate()} loading={save.isPending} qa="save-rejected">
        {t('check.saveRejected')}
      </Button>
      {save.data ? (
        <Text color="secondary" as="p" data-testid="rejected-saved">
          {t('check.savedRejected', { path: save.data })}
        </Text>
      ) : null}
      {open.isError ? <ErrorNotice error={open.error} onRetry={() => open.mutate()} /> : null}
      {save.isError ? <ErrorNotice error={save.error} onRetry={() => save.mutate()} /> : null}
    </div>
  );
}
