//! Providers: TanStack Query, the backend, Gravity UI's theme (following the system or the
//! setting) and the language from the settings. The window itself is in features/app/Shell.
import { ThemeProvider } from '@gravity-ui/uikit';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import type { Backend } from './ipc';
import { resolveLanguage, setLanguage } from './i18n';
import { BackendProvider, SessionProvider, useSettings } from './features/app/context';
import { Shell } from './features/app/Shell';
import { ImportProvider } from './features/import/state';

function Preferences({ children }: { children: ReactNode }) {
  const settings = useSettings();
  const lang = resolveLanguage(settings.data);
  // The language the settings say, once they are known (until then the window speaks the
  // system's, which main.tsx set before the first render).
  const said = settings.data ? lang : null;
  useEffect(() => {
    if (!said) return;
    void setLanguage(said);
    document.documentElement.lang = said;
  }, [said]);
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
