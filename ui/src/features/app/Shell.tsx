//! The window: aside navigation, the top bar with account, counter and the demo badge, the
//! current section, the first-run welcome, the window-wide drop target and the sign-in dialog.
import {
  ArrowUpFromLine,
  ChevronsLeft,
  ChevronsRight,
  ClockArrowRotateLeft,
  FileArrowUp,
  Gear,
  Person,
  Persons,
} from '@gravity-ui/icons';
import { Alert, Button, Icon, Label, Loader, Text } from '@gravity-ui/uikit';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AppActionsContext } from '../../common/actions';
import { ErrorBoundary } from '../../common/ErrorBoundary';
import { ErrorNotice } from '../../common/ErrorNotice';
import { Loading, lazyNamed } from '../../common/lazy';
import { useSignIn } from '../accounts/signIn';
import { CounterPicker } from '../counters/CounterPicker';
import { ImportScreen } from '../import/ImportScreen';
import { useImport } from '../import/state';
import { UpdateBanner } from '../settings/updates';
import { AccountButton, accountName } from './AccountButton';
import { type Section, useAccounts, useAppInfo, useBackend, useSession } from './context';

// The upload wizard is the first screen; the other sections load when first opened.
const HistoryScreen = lazyNamed(() => import('../history/HistoryScreen'), 'HistoryScreen');
const ClientsScreen = lazyNamed(() => import('../clients/ClientsScreen'), 'ClientsScreen');
const AccountsScreen = lazyNamed(() => import('../accounts/AccountsScreen'), 'AccountsScreen');
const SettingsScreen = lazyNamed(() => import('../settings/SettingsScreen'), 'SettingsScreen');
const SignInDialog = lazyNamed(() => import('../accounts/SignInDialog'), 'SignInDialog');
const AccountMenu = lazyNamed(() => import('./AccountMenu'), 'AccountMenu');

const SECTIONS: Array<[Section, typeof ArrowUpFromLine]> = [
  ['upload', ArrowUpFromLine],
  ['history', ClockArrowRotateLeft],
  ['clients', Persons],
  ['accounts', Person],
  ['settings', Gear],
];

const NARROW = '(max-width: 1180px)';
const ASIDE_KEY = 'mb.aside';

/** Icons-only side menu: the user's choice when made, else by window width (small laptops). */
function useCompactAside(): [boolean, () => void] {
  const [narrow, setNarrow] = useState(() => window.matchMedia?.(NARROW).matches ?? false);
  const [choice, setChoice] = useState<string | null>(() => window.localStorage.getItem(ASIDE_KEY));
  useEffect(() => {
    const mq = window.matchMedia?.(NARROW);
    if (!mq) return;
    const on = () => setNarrow(mq.matches);
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, []);
  const compact = choice === 'compact' ? true : choice === 'wide' ? false : narrow;
  const toggle = () => {
    const next = compact ? 'wide' : 'compact';
    window.localStorage.setItem(ASIDE_KEY, next);
    setChoice(next);
  };
  return [compact, toggle];
}

function Welcome() {
  const { t } = useTranslation();
  const info = useAppInfo();
  const { setSignInOpen } = useSession();
  const signIn = useSignIn();
  const demo = useMutation({ mutationFn: () => signIn('loopback') });
  return (
    <div className="mb-welcome" data-testid="welcome">
      <img src="./logo.svg" alt="" width={72} height={72} className="mb-welcome__logo" />
      <Text variant="display-1" as="h1">
        {t('welcome.title')}
      </Text>
      <Text variant="body-3" as="p">
        {t('welcome.text1')}
      </Text>
      <Text variant="body-3" as="p" color="secondary">
        {t('welcome.text2')}
      </Text>
      <div className="mb-welcome__actions">
        {info.data?.demo ? (
          <Button
            view="action"
            size="xl"
            onClick={() => demo.mutate()}
            loading={demo.isPending}
            qa="try-demo"
            data-main-action="true"
          >
            {t('welcome.tryDemo')}
          </Button>
        ) : null}
        <Button
          view={info.data?.demo ? 'outlined' : 'action'}
          size="xl"
          onClick={() => setSignInOpen(true)}
          qa="welcome-sign-in"
        >
          {t('welcome.signIn')}
        </Button>
      </div>
      {demo.isError ? <ErrorNotice error={demo.error} /> : null}
    </div>
  );
}

const DEMO_INTRO_KEY = 'mb.demoIntroSeen';

/** The first run of the demo: what the app does, that this is practice data, how to go real. */
function DemoIntro() {
  const { t } = useTranslation();
  const { go } = useSession();
  const [seen, setSeen] = useState(() => window.localStorage.getItem(DEMO_INTRO_KEY) === '1');
  if (seen) return null;
  const close = () => {
    window.localStorage.setItem(DEMO_INTRO_KEY, '1');
    setSeen(true);
  };
  return (
    <Alert
      theme="info"
      view="outlined"
      qa="demo-intro"
      title={t('welcome.demoTitle')}
      message={
        <>
          <p className="mb-demo-intro__p">{t('welcome.text1')}</p>
          <p className="mb-demo-intro__p">{t('welcome.demoText')}</p>
        </>
      }
      onClose={close}
      actions={
        <Alert.Actions>
          <Alert.Action view="action" onClick={close} qa="demo-intro-ok">
            {t('welcome.demoOk')}
          </Alert.Action>
          <Alert.Action
            view="outlined"
            onClick={() => {
              close();
              go('accounts');
            }}
          >
            {t('welcome.demoReal')}
          </Alert.Action>
        </Alert.Actions>
      }
    />
  );
}

/** The account button; the menu behind it (AccountMenu.tsx) is loaded on its first click. */
function AccountSwitcher({ locked }: { locked: boolean }) {
  const { t } = useTranslation();
  const accounts = useAccounts();
  const [wanted, setWanted] = useState<{ focus: boolean } | null>(null);
  const active = accounts.data?.find((a) => a.active);
  if (!active) return null;
  const button = (
    <AccountButton
      name={accountName(active)}
      onClick={(e) => setWanted({ focus: document.activeElement === e.currentTarget })}
      disabledReason={locked ? t('top.lockedWhileSending') : undefined}
    />
  );
  // While a file is being sent the account stays the one the review names.
  if (!wanted || locked) return button;
  return (
    <Suspense fallback={button}>
      <AccountMenu focus={wanted.focus} />
    </Suspense>
  );
}

export function Shell() {
  const { t } = useTranslation();
  const backend = useBackend();
  const qc = useQueryClient();
  const session = useSession();
  const [importState, dispatch] = useImport();
  const info = useAppInfo();
  const accounts = useAccounts();
  const [dragging, setDragging] = useState(false);
  const { go, setSignInOpen, showUpload } = session;
  const actions = useMemo(() => ({ signIn: () => setSignInOpen(true) }), [setSignInOpen]);
  const [compact, toggleAside] = useCompactAside();

  useEffect(
    () =>
      backend.onEvent((e) => {
        if (e.type === 'open_file') {
          // A second launch handed over a file: the import wizard takes it (or asks first,
          // when it holds a file not sent yet).
          dispatch({ type: 'opened', path: e.path });
          go('upload');
        } else if (e.type === 'show_upload') {
          // A click on the upload's system notification.
          showUpload(e.upload_id);
        } else if (e.type === 'show_clients') {
          go('clients');
        } else if (e.type === 'history_changed') {
          void qc.invalidateQueries({ queryKey: ['history'] });
          void qc.invalidateQueries({ queryKey: ['detail'] });
          void qc.invalidateQueries({ queryKey: ['overview'] });
        } else {
          void qc.invalidateQueries({ queryKey: ['accounts'] });
          void qc.invalidateQueries({ queryKey: ['counters'] });
          void qc.invalidateQueries({ queryKey: ['overview'] });
        }
      }),
    [backend, qc, dispatch, go, showUpload],
  );

  // The file the app was started with («Открыть в Metrika Bridge»): the import wizard opens it.
  // Taken once on the Rust side, so it is acted on whenever it arrives.
  useEffect(() => {
    void backend
      .openedFile()
      .then((path) => {
        if (path) {
          dispatch({ type: 'file', path });
          go('upload');
        }
      })
      .catch(() => {});
  }, [backend, dispatch, go]);

  useEffect(
    () =>
      backend.onFileDrop((e) => {
        if (e.type === 'over') setDragging(true);
        else if (e.type === 'leave') setDragging(false);
        else {
          setDragging(false);
          const path = e.paths[0];
          if (path) {
            dispatch({ type: 'file', path });
            go('upload');
          }
        }
      }),
    [backend, dispatch, go],
  );

  // The first screen (a section or the welcome, no longer the loader) is on screen: once the
  // frame that paints it is out, the core logs «first screen painted» (scripts/bench-desktop.sh
  // times start-up by that line).
  const firstScreen = useRef(false);
  useEffect(() => {
    if (accounts.isPending || firstScreen.current) return;
    firstScreen.current = true;
    requestAnimationFrame(() =>
      setTimeout(() => void backend.firstScreen(Math.round(performance.now())).catch(() => {}), 0),
    );
  }, [accounts.isPending, backend]);

  const signedIn = (accounts.data ?? []).some((a) => a.active);
  // The sign-in dialog is loaded when first asked for and stays mounted after (so it animates
  // and a sign-in in progress keeps its state while it closes).
  const [signInMounted, setSignInMounted] = useState(session.signInOpen);
  if (session.signInOpen && !signInMounted) setSignInMounted(true);
  const needsAccount = session.section === 'upload' || session.section === 'history' || session.section === 'clients';

  return (
    <AppActionsContext.Provider value={actions}>
      <div className={`mb-app${compact ? ' mb-app_compact' : ''}`}>
        <aside className="mb-aside">
          <div className="mb-aside__brand">
            <img src="./logo.svg" alt="" width={28} height={28} />
            <Text variant="subheader-3">{t('app.name')}</Text>
          </div>
          <nav aria-label={t('nav.label')}>
            <ul className="mb-aside__nav">
              {SECTIONS.map(([id, icon]) => (
                <li key={id}>
                  <button
                    type="button"
                    className={`mb-aside__item${session.section === id ? ' mb-aside__item_active' : ''}`}
                    aria-current={session.section === id ? 'page' : undefined}
                    onClick={() => go(id)}
                    data-qa={`nav-${id}`}
                    data-testid={`nav-${id}`}
                    aria-label={t(`nav.${id}`)}
                    title={compact ? t(`nav.${id}`) : undefined}
                  >
                    <Icon data={icon} size={18} />
                    <span>{t(`nav.${id}`)}</span>
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          <button
            type="button"
            className="mb-aside__item mb-aside__toggle"
            onClick={toggleAside}
            aria-label={compact ? t('nav.expand') : t('nav.collapse')}
            title={compact ? t('nav.expand') : t('nav.collapse')}
            data-qa="aside-toggle"
          >
            <Icon data={compact ? ChevronsRight : ChevronsLeft} size={16} />
            <span>{t('nav.collapse')}</span>
          </button>
          {info.data ? (
            <Text variant="caption-2" color="secondary" className="mb-aside__version">
              {info.data.version}
            </Text>
          ) : null}
        </aside>
        <div className="mb-main">
          <header className="mb-top">
            {info.data?.demo ? (
              <span title={t('app.demoHint')} data-testid="demo-badge">
                <Label theme="warning" size="m">
                  {t('app.demo')}
                </Label>
              </span>
            ) : null}
            <div className="mb-top__spacer" />
            {signedIn ? (
              <>
                <AccountSwitcher locked={importState.sending} />
                <CounterPicker locked={importState.sending} />
              </>
            ) : null}
          </header>
          <main className="mb-content" id="content">
            <UpdateBanner />
            {info.data?.demo && signedIn ? <DemoIntro /> : null}
            <ErrorBoundary key={session.section} message={t('errors.internal')} retry={t('common.retry')}>
              <Loading>
                {accounts.isPending ? (
                  <Loader size="l" />
                ) : accounts.isError ? (
                  <ErrorNotice error={accounts.error} onRetry={() => void accounts.refetch()} />
                ) : !signedIn && needsAccount ? (
                  <Welcome />
                ) : session.section === 'upload' ? (
                  <ImportScreen />
                ) : session.section === 'history' ? (
                  <HistoryScreen />
                ) : session.section === 'clients' ? (
                  <ClientsScreen />
                ) : session.section === 'accounts' ? (
                  <AccountsScreen />
                ) : (
                  <SettingsScreen />
                )}
              </Loading>
            </ErrorBoundary>
          </main>
        </div>
        {dragging ? (
          <div className="mb-dropping" data-testid="drop-overlay" aria-hidden="true">
            <div className="mb-dropping__card">
              <Icon data={FileArrowUp} size={40} />
              <Text variant="header-2">{t('file.dropActive')}</Text>
            </div>
          </div>
        ) : null}
        {signInMounted ? (
          <Suspense fallback={null}>
            <SignInDialog />
          </Suspense>
        ) : null}
      </div>
    </AppActionsContext.Provider>
  );
}
