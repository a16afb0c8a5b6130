//! Step 1: choose or drop a file; once it is read, FileDetails shows what we understood, the
//! first rows and the detected upload kind.
import { FileArrowUp } from '@gravity-ui/icons';
import { Button, Card, Icon, Loader, Text } from '@gravity-ui/uikit';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../common/ErrorNotice';
import { Loading, lazyNamed } from '../../common/lazy';
import { useBackend } from '../app/context';
import { StepFooter } from './parts';
import { useImport } from './state';

// What we understood, the kind and the first rows (Selects, TanStack Table) load once a file is
// chosen: the drop zone is the window's first screen.
const FileDetails = lazyNamed(() => import('./FileDetails'), 'FileDetails');

export function usePreview() {
  const backend = useBackend();
  const [s] = useImport();
  return useQuery({
    queryKey: ['preview', s.path, s.pickCount, s.read],
    queryFn: () => backend.inspectFile(s.path ?? '', s.read),
    enabled: s.path !== null,
    staleTime: Infinity,
    retry: false,
  });
}

/** The system's open-file dialog; when it cannot be shown, the error is there to say so. */
export function usePickFile(): { pick: () => Promise<void>; error: unknown } {
  const backend = useBackend();
  const [, dispatch] = useImport();
  const [error, setError] = useState<unknown>(null);
  const pick = async () => {
    setError(null);
    try {
      const path = await backend.pickFile();
      if (path) dispatch({ type: 'file', path });
    } catch (e) {
      setError(e);
    }
  };
  return { pick, error };
}

function DropZone() {
  const { t } = useTranslation();
  const { pick, error } = usePickFile();
  return (
    <Card view="outlined" className="mb-drop" data-testid="drop-zone">
      {error !== null ? <ErrorNotice error={error} onRetry={() => void pick()} /> : null}
      <Icon data={FileArrowUp} size={40} className="mb-drop__icon" />
      <Text variant="header-1" as="h2">
        {t('file.dropTitle')}
      </Text>
      <Text color="secondary" as="p">
        {t('file.dropHint')}
      </Text>
      <Button view="action" size="xl" onClick={() => void pick()} qa="pick-file" data-main-action="true">
        {t('file.pick')}
      </Button>
    </Card>
  );
}

export function FileStep({ onNext }: { onNext: () => void }) {
  const { t } = useTranslation();
  const [s, dispatch] = useImport();
  const preview = usePreview();
  const { pick, error: pickError } = usePickFile();
  const detected = preview.data?.detected_kind ?? null;
  const hasData = preview.data !== undefined;
  useEffect(() => {
    if (hasData) dispatch({ type: 'detected', kind: detected });
  }, [hasData, detected, dispatch]);

  if (!s.path) return <DropZone />;
  return (
    <div className="mb-step">
      <div className="mb-file-head">
        <div className="mb-file-head__name">
          <Text variant="header-1" as="h2" ellipsis title={preview.data?.info.file_name ?? s.path}>
            {preview.data?.info.file_name ?? s.path.split(/[\\/]/).pop()}
          </Text>
        </div>
        <Button view="outlined" onClick={() => void pick()} qa="pick-another">
          {t('file.another')}
        </Button>
      </div>
      {pickError !== null ? <ErrorNotice error={pickError} onRetry={() => void pick()} /> : null}
      {preview.isPending ? (
        <div className="mb-loading" role="status">
          <Loader size="m" />
          <Text color="secondary">{t('file.reading')}</Text>
        </div>
      ) : preview.isError ? (
        <ErrorNotice error={preview.error} onRetry={() => void preview.refetch()} />
      ) : (
        <Loading>
          <FileDetails preview={preview.data} />
        </Loading>
      )}
      <StepFooter main={{ label: t('common.next'), onClick: onNext, disabled: !preview.data || s.kind === null }} />
    </div>
  );
}
