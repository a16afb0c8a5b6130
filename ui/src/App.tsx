//! Providers: TanStack Query, the backend, Gravity UI's theme (following the system or the
//! setting) and the language from the settings. The window itself is in features/app/Shell.
import { ThemeProvider } from '@gravity-ui/uikit';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Backend } from './ipc';
import { resolveLanguage } from './i18n';
import { BackendProvider, SessionProvider, useSettings } from './features/app/context';
import { Shell } from './features/app/Shell';
import { ImportProvider } from './features/import/state';

function Preferences({ children }: { children: ReactNode }) {
  const settings = useSettings();
  const { i18n } = useTranslation();
  const lang = resolveLanguage(settings.data);
  useEffect(() => {
    if (i18n.language !== lang) void i18n.changeLanguage(lang);
    document.documentElement.lang = lang;
  }, [i18n, lang]);
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
