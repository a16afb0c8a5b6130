//! Updates as the user meets them: a quiet check at start (when the build has a release server
//! and the setting is on), a notice above every screen when a newer version exists, and the
//! «Обновления» card in Settings. The core's desktop host does the work (signed packages
//! through the official updater plugin); this only asks and words the answer.
import { Alert, Button, Checkbox, Progress as ProgressBar, Text } from '@gravity-ui/uikit';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Progress, Settings, UpdateCheck } from '../../ipc';
import { ErrorNotice } from '../../common/ErrorNotice';
import { describeProgress } from '../../common/progress';
import { useAppInfo, useBackend, useSettings } from '../app/context';

const KEY = ['update'] as const;

/** The check at start: once per run of the app, only when the setting is on. */
export function useUpdateCheck() {
  const backend = useBackend();
  const settings = useSettings();
  const info = useAppInfo();
  return useQuery({
    queryKey: KEY,
    queryFn: () => backend.checkUpdate(),
    enabled: info.data?.updates === true && settings.data?.check_updates === true,
    staleTime: Infinity,
    retry: false,
  });
}

function useInstall() {
  const backend = useBackend();
  const [progress, setProgress] = useState<Progress | null>(null);
  const install = useMutation({
    mutationFn: () => backend.installUpdate(setProgress),
    onSettled: () => setProgress(null),
  });
  return { install, progress };
}

function InstallProgress({ progress }: { progress: Progress | null }) {
  const { t, i18n } = useTranslation();
  const d = describeProgress(progress, t, i18n.language);
  return (
    <div className="mb-progress" role="status" aria-live="polite" data-testid="update-progress">
      <Text as="div">{t(`stages.${progress?.stage ?? 'downloading'}`)}</Text>
      <div className="mb-progress__bar">
        <ProgressBar value={d.percent ?? 100} loading={d.percent === null} theme="info" size="s" />
      </div>
      <Text as="div" color="secondary">
        {[d.amount, d.pace].filter(Boolean).join(' · ') || '\u00a0'}
      </Text>
    </div>
  );
}

/** Above every screen when the check at start found a newer version; «Позже» hides it until
 *  the next start. */
export function UpdateBanner() {
  const { t } = useTranslation();
  const check = useUpdateCheck();
  const { install, progress } = useInstall();
  const [later, setLater] = useState(false);
  const found = check.data;
  if (later || found?.state !== 'available') return null;
  return (
    <div className="mb-update-banner" data-testid="update-banner">
      <Alert
        theme="info"
        view="outlined"
        title={t('updates.availableTitle', { version: found.version })}
        message={
          install.isPending ? (
            <InstallProgress progress={progress} />
          ) : install.isError ? (
            <ErrorNotice error={install.error} />
          ) : (
            t('updates.availableText', { current: found.current })
          )
        }
        actions={
          install.isPending ? undefined : (
            <Alert.Actions>
              <Button view="action" onClick={() => install.mutate()} qa="update-install">
                {t('updates.install')}
              </Button>
              <Button view="flat" onClick={() => setLater(true)} qa="update-later">
                {t('updates.later')}
              </Button>
            </Alert.Actions>
          )
        }
      />
    </div>
  );
}

function statusText(c: UpdateCheck, t: TFunction): string {
  switch (c.state) {
    case 'not_configured':
      return t('updates.notConfigured');
    case 'up_to_date':
      return t('updates.upToDate', { current: c.current });
    case 'available':
      return t('updates.availableTitle', { version: c.version });
  }
}

/** Settings → «Обновления». */
export function UpdatesCard({ settings, update }: { settings: Settings; update: (p: Partial<Settings>) => void }) {
  const { t } = useTranslation();
  const backend = useBackend();
  const qc = useQueryClient();
  const { install, progress } = useInstall();
  const info = useAppInfo();
  const ask = useMutation({
    mutationFn: () => backend.checkUpdate(),
    onSuccess: (c) => qc.setQueryData(KEY, c),
  });
  // What is known so far: the last answer, from this card or from the check at start.
  const known = ask.data ?? qc.getQueryData<UpdateCheck>(KEY);
  const configured = info.data?.updates === true;
  return (
    <div className="mb-setting mb-setting_column" data-testid="updates">
      <Text variant="subheader-2">{t('updates.title')}</Text>
      {configured ? (
        <Checkbox
          checked={settings.check_updates}
          onUpdate={(v) => update({ check_updates: v })}
          size="l"
          qa="setting-updates"
        >
          {t('updates.auto')}
        </Checkbox>
      ) : null}
      {!configured ? (
        <Text as="p" color="secondary" qa="update-status">
          {t('updates.notConfigured')}
        </Text>
      ) : known ? (
        <Text as="p" color={known.state === 'available' ? undefined : 'secondary'} qa="update-status">
          {statusText(known, t)}
        </Text>
      ) : null}
      {known?.state === 'available' && known.notes ? (
        <Text as="p" color="secondary" className="mb-update-notes">
          {known.notes}
        </Text>
      ) : null}
      {install.isPending ? <InstallProgress progress={progress} /> : null}
      {ask.isError ? <ErrorNotice error={ask.error} onRetry={() => ask.mutate()} /> : null}
      {install.isError ? <ErrorNotice error={install.error} /> : null}
      {configured && !install.isPending ? (
        <div className="mb-setting__actions">
          {known?.state === 'available' ? (
            <Button view="action" size="l" onClick={() => install.mutate()} qa="update-install">
              {t('updates.install')}
            </Button>
          ) : null}
          <Button view="outlined" size="l" loading={ask.isPending} onClick={() => ask.mutate()} qa="update-check">
            {t('updates.check')}
          </Button>
        </div>
      ) : null}
    </div>
  );
}
