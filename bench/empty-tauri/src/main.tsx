// The whole page: one heading. After the frame that paints it, the app is told (as Metrika
// Bridge's Shell tells its core), and prints the moment (scripts/bench-desktop.sh reads it).
import { invoke } from '@tauri-apps/api/core';
import { StrictMode, useEffect } from 'react';
import { createRoot } from 'react-dom/client';

function App() {
  useEffect(() => {
    requestAnimationFrame(() =>
      setTimeout(() => void invoke('first_screen', { pageMs: Math.round(performance.now()) }).catch(() => {}), 0),
    );
  }, []);
  return <h1 data-testid="empty">Empty Tauri app</h1>;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
