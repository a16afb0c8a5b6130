//! Entry point: the start-up questions first (boot.ts), then Gravity UI styles (once, no remote
//! fonts: CSP forbids them), i18n and the app, whose query client starts with those questions.
import { backend, boot, seedQueries } from './boot';
import '@gravity-ui/uikit/styles/styles.css';
import './styles.css';
import { configure } from '@gravity-ui/uikit';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, makeQueryClient } from './App';
import { initI18n, setLanguage, systemLanguage } from './i18n';
import { platformOf } from './common/platform';

// Which system font family styles.css names (one that exists: a missing one is a slow lookup).
document.documentElement.dataset.os = platformOf(navigator.userAgent);
const queryClient = makeQueryClient();
seedQueries(queryClient, backend, boot);
configure({ lang: systemLanguage() });
initI18n();
const root = document.getElementById('root');
// The page's guess of the system's language until the core's settings say (App.tsx switches
// then): Russian at once, English once its texts are read. Waiting for the settings instead
// put the first screen later (page clock 138 against 128 ms, bench of 2026-12-07).
void setLanguage(systemLanguage())
  .catch(() => undefined)
  .then(() => {
    if (root) {
      createRoot(root).render(
        <StrictMode>
          <App backend={backend} queryClient={queryClient} />
        </StrictMode>,
      );
    }
  });
