//! Yandex logins: which is active, switch, sign out, add another.
import { Alert, Button, Card, Label, Loader, Text } from '@gravity-ui/uikit';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { EmptyState } from '../../common/EmptyState';
import { ErrorNotice } from '../../common/ErrorNotice';
import { useAccounts, useAppInfo, useBackend } from '../app/context';
import { useImport } from '../import/state';
import { SignInButton } from './signIn';

export function AccountsScreen() {
  const { t } = useTranslation();
  const backend = useBackend();
  const qc = useQueryClient();
  const accounts = useAccounts();
  const onDone = () => void qc.invalidateQueries();
  const switchTo = useMutation({ mutationFn: (login: string) => backend.switchAccount(login), onSuccess: onDone });
  const signOut = useMutation({ mutationFn: (login: string) => backend.signOut(login), onSuccess: onDone });
  // While a file is being sent, the account it goes as stays signed in and active.
  const [{ sending: locked }] = useImport();
  // The demo's «Как подключить свой аккаунт» lands here: the way to real counters is said.
  const info = useAppInfo();
  return (
    <div className="mb-screen mb-accounts">
      <div className="mb-screen__head">
        <div>
          <Text variant="header-1" as="h1">
            {t('accounts.title')}
          </Text>
          <Text as="p" color="secondary">
            {t('accounts.text')}
          </Text>
        </div>
        <SignInButton label={t('accounts.add')} disabled={locked} />
      </div>
      {info.data?.demo ? (
        <Alert
          theme="info"
          qa="accounts-demo"
          title={t('accounts.demoTitle')}
          message={
            <>
              <Text as="p">{t('accounts.demoSteps')}</Text>
              <Text as="p" color="secondary" className="mb-select-all">
                {t('accounts.demoFolder', { path: info.data.app_config })}
              </Text>
            </>
          }
        />
      ) : null}
      {locked ? <Alert theme="info" message={t('accounts.lockedWhileSending')} qa="accounts-locked" /> : null}
      {switchTo.isError ? <ErrorNotice error={switchTo.error} /> : null}
      {signOut.isError ? <ErrorNotice error={signOut.error} /> : null}
      {accounts.isPending ? (
        <Loader size="m" />
      ) : accounts.isError ? (
        <ErrorNotice error={accounts.error} onRetry={() => void accounts.refetch()} />
      ) : accounts.data.length === 0 ? (
        <EmptyState text={t('accounts.empty')} />
      ) : (
        <ul className="mb-accounts__list" data-testid="accounts-list">
          {accounts.data.map((a) => (
            <li key={a.login}>
              <Card view="outlined" className="mb-account">
                <div className="mb-account__who">
                  <Text variant="subheader-2">{a.display_name ?? a.login}</Text>
                  {/* Yandex often names an account by its login: said once. */}
                  {a.display_name && a.display_name !== a.login ? <Text color="secondary">{a.login}</Text> : null}
                </div>
                {a.active ? <Label theme="success">{t('accounts.active')}</Label> : null}
                <div className="mb-account__actions">
                  {!a.active ? (
                    <Button
                      view="outlined"
                      onClick={() => switchTo.mutate(a.login)}
                      disabled={locked}
                      loading={switchTo.isPending && switchTo.variables === a.login}
                    >
                      {t('accounts.makeActive')}
                    </Button>
                  ) : null}
                  <Button
                    view="flat-danger"
                    onClick={() => signOut.mutate(a.login)}
                    disabled={locked}
                    loading={signOut.isPending && signOut.variables === a.login}
                  >
                    {t('accounts.signOut')}
                  </Button>
                </div>
              </Card>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
