//! Entry point: Gravity UI styles (once, no remote fonts: CSP forbids them), i18n, the backend
//! chosen for this environment, and the app.
import '@gravity-ui/uikit/styles/styles.css';
import './styles.css';
import { configure } from '@gravity-ui/uikit';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { initI18n, systemLanguage } from './i18n';
import { createBackend } from './ipc';

configure({ lang: systemLanguage() });
initI18n();
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App backend={createBackend()} />
    </StrictMode>,
  );
}
