//! Language, theme, hashing by default, notifications, updates, and «О программе» (version and mode;
//! the data folder and server address folded away under «Для поддержки»).
import { Card, Checkbox, Disclosure, Loader, SegmentedRadioGroup, Text } from '@gravity-ui/uikit';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Settings } from '../../ipc';
import { ErrorNotice } from '../../common/ErrorNotice';
import { useAppInfo, useBackend, useSettings } from '../app/context';
import { UpdatesCard } from './updates';

export function SettingsScreen() {
  const { t } = useTranslation();
  const backend = useBackend();
  const qc = useQueryClient();
  const settings = useSettings();
  const info = useAppInfo();
  const save = useMutation({
    mutationFn: (s: Settings) => backend.saveSettings(s),
    onSuccess: (s) => qc.setQueryData(['settings'], s),
  });
  const s = settings.data;
  const update = (patch: Partial<Settings>) => {
    if (s) save.mutate({ ...s, ...patch });
  };
  return (
    <div className="mb-screen mb-settings">
      <Text variant="header-1" as="h1">
        {t('settings.title')}
      </Text>
      {!s ? (
        settings.isError ? (
          <ErrorNotice error={settings.error} onRetry={() => void settings.refetch()} />
        ) : (
          <Loader size="m" />
        )
      ) : (
        <Card view="outlined" className="mb-settings__card">
          <div className="mb-setting">
            <Text variant="subheader-2" id="lang-label">
              {t('settings.language')}
            </Text>
            <SegmentedRadioGroup
              value={s.language}
              onUpdate={(language) => update({ language })}
              options={[
                { value: 'ru', content: t('settings.langRu') },
                { value: 'en', content: t('settings.langEn') },
                { value: 'system', content: t('settings.langSystem') },
              ]}
              aria-labelledby="lang-label"
              qa="setting-language"
            />
          </div>
          <div className="mb-setting">
            <Text variant="subheader-2" id="theme-label">
              {t('settings.theme')}
            </Text>
            <SegmentedRadioGroup
              value={s.theme}
              onUpdate={(theme) => update({ theme })}
              options={[
                { value: 'light', content: t('settings.themeLight') },
                { value: 'dark', content: t('settings.themeDark') },
                { value: 'system', content: t('settings.themeSystem') },
              ]}
              aria-labelledby="theme-label"
              qa="setting-theme"
            />
          </div>
          <div className="mb-setting mb-setting_column">
            <Checkbox
              checked={s.hash_contacts_by_default}
              onUpdate={(v) => update({ hash_contacts_by_default: v })}
              size="l"
              qa="setting-hash"
            >
              {t('settings.hash')}
            </Checkbox>
            <Text color="secondary">{t('settings.hashHint')}</Text>
          </div>
          <div className="mb-setting mb-setting_column">
            <Checkbox
              checked={s.notify_when_processed}
              onUpdate={(v) => update({ notify_when_processed: v })}
              size="l"
              qa="setting-notify"
            >
              {t('settings.notify')}
            </Checkbox>
            <Text color="secondary">{t('settings.notifyHint')}</Text>
          </div>
          <UpdatesCard settings={s} update={update} />
          {save.isError ? <ErrorNotice error={save.error} /> : null}
        </Card>
      )}
      <Card view="outlined" className="mb-settings__card" data-testid="about">
        <Text variant="subheader-3" as="h2">
          {t('settings.about')}
        </Text>
        {info.data ? (
          <dl className="mb-detail__facts">
            <dt>{t('settings.version')}</dt>
            <dd>Metrika Bridge {info.data.version}</dd>
            <dt>{t('settings.mode')}</dt>
            <dd>{info.data.demo ? t('settings.modeDemo') : t('settings.modeReal')}</dd>
          </dl>
        ) : null}
        {info.data ? (
          <Disclosure summary={t('settings.support')} qa="support">
            <Text color="secondary" as="p">
              {t('settings.supportHint')}
            </Text>
            <dl className="mb-detail__facts" data-testid="support-facts">
              <dt>{t('settings.dataDir')}</dt>
              <dd className="mb-break">{info.data.data_dir}</dd>
              {info.data.logs_dir ? (
                <>
                  <dt>{t('settings.logsDir')}</dt>
                  <dd className="mb-break" data-testid="logs-dir">
                    {info.data.logs_dir}
                  </dd>
                </>
              ) : null}
              <dt>{t('settings.apiBase')}</dt>
              <dd className="mb-break">{info.data.api_base}</dd>
            </dl>
          </Disclosure>
        ) : null}
      </Card>
    </div>
  );
}
