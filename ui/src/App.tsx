//! Providers: TanStack Query, the backend, Gravity UI's theme (following the system or the
//! setting) and the language from the settings. The window itself is in features/app/Shell.
import { ThemeProvider } from '@gravity-ui/uikit';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Backend } from './ipc';
import { resolveLanguage, setLanguage, type Lang } from './i18n';
import { BackendProvider, SessionProvider, useSettings } from './features/app/context';
import { Shell } from './features/app/Shell';
import { ImportProvider } from './features/import/state';

function Preferences({ children }: { children: ReactNode }) {
  const settings = useSettings();
  // The language the settings say, once they are known (main.tsx rendered in it already when
  // they came in time).
  const said = settings.data ? resolveLanguage(settings.data) : null;
  useEffect(() => {
    // A chunk that cannot be read leaves the window in the language it speaks.
    if (said) setLanguage(said).catch(() => undefined);
  }, [said]);
  // What the window speaks now: Gravity's own words and the page's language follow the app's
  // texts, not the setting ahead of them (English's texts may still be on their way).
  const { i18n } = useTranslation();
  const lang: Lang = i18n.language === 'en' ? 'en' : 'ru';
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const theme = settings.data?.theme;
  return (
    <ThemeProvider theme={theme === 'light' || theme === 'dark' ? theme : 'system'} lang={lang} fallbackLang="ru">
      {children}
    </ThemeProvider>
  );
}

export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: 1, refetchOnWindowFocus: false, staleTime: 30_000 },
      mutations: { retry: false },
    },
  });
}

export function App({ backend, queryClient }: { backend: Backend; queryClient?: QueryClient }) {
  const [client] = useState(() => queryClient ?? makeQueryClient());
  return (
    <QueryClientProvider client={client}>
      <BackendProvider backend={backend}>
        <Preferences>
          <SessionProvider>
            <ImportProvider>
              <Shell />
            </ImportProvider>
          </SessionProvider>
        </Preferences>
      </BackendProvider>
    </QueryClientProvider>
  );
}
