// The toolkit floor: the empty app's page plus what every Metrika Bridge screen stands on —
// Gravity UI's styles, its theme provider and two of its components. Metrika Bridge's start
// minus this page's start is what the product's own first screen costs; this page minus the
// empty one is what the toolkit DESIGN.md prescribes costs before any product code.
// Built instead of main.tsx when EMPTY_PAGE=toolkit (vite.config.mjs).
import '@gravity-ui/uikit/styles/styles.css';
import './toolkit.css';
import { Button, Text, ThemeProvider } from '@gravity-ui/uikit';
import { invoke } from '@tauri-apps/api/core';
import { StrictMode, useEffect } from 'react';
import { createRoot } from 'react-dom/client';

function App() {
  useEffect(() => {
    requestAnimationFrame(() =>
      setTimeout(() => void invoke('first_screen', { pageMs: Math.round(performance.now()) }).catch(() => {}), 0),
    );
  }, []);
  return (
    <ThemeProvider theme="system" lang="ru">
      <Text variant="header-2" as="h1" qa="empty">
        Empty Tauri app with Gravity UI
      </Text>
      <Button view="action" size="l">
        Button
      </Button>
    </ThemeProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
