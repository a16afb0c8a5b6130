//! Entry point: the start-up questions first (boot.ts), then Gravity UI styles (once, no remote
//! fonts: CSP forbids them), i18n and the app, whose query client starts with those questions.
import { backend, boot, seedQueries } from './boot';
import '@gravity-ui/uikit/styles/styles.css';
import './styles.css';
import { configure } from '@gravity-ui/uikit';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, makeQueryClient } from './App';
import { initI18n, resolveLanguage, setLanguage, systemLanguage, type Lang } from './i18n';
import { platformOf } from './common/platform';

// Which system font family styles.css names (one that exists: a missing one is a slow lookup).
document.documentElement.dataset.os = platformOf(navigator.userAgent);
const queryClient = makeQueryClient();
seedQueries(queryClient, backend, boot);
initI18n();
const root = document.getElementById('root');
// The first render speaks the language the core says the app speaks (the setting, or the
// system's as the core reads it), asked with the start-up questions; English's texts are read
// first when it is English. A core slow to answer does not keep the window blank: after
// 300 ms the page's own guess goes, and the settings switch it when they come.
const guess = new Promise<Lang>((resolve) => setTimeout(() => resolve(systemLanguage()), 300));
void Promise.race([boot.settings.then(resolveLanguage, systemLanguage), guess])
  .then(async (lang) => {
    configure({ lang });
    await setLanguage(lang).catch(() => undefined);
  })
  .then(() => {
    if (root) {
      createRoot(root).render(
        <StrictMode>
          <App backend={backend} queryClient={queryClient} />
        </StrictMode>,
      );
    }
  });
