// The real Rust core for component tests: one mb-http adapter (demo mode, fake Metrica,
// throwaway data folder) per test file, and a Backend over it. Needs `cargo build -p mb-http`
// (./dev test builds it first).
import { afterAll, beforeAll } from 'vitest';
import type { Backend } from '../src/ipc/backend';
import { createHttpBackend } from '../src/ipc/http';
import { startAdapter } from '../e2e/adapter.mjs';
import type { Adapter } from '../e2e/adapter.mjs';

/** Starts the adapter for this file; `backend()` gives a fresh Backend over it. */
export function realCorePerFile(): { backend: () => Backend; pickedFolder: () => string } {
  let adapter: Adapter | null = null;
  beforeAll(async () => {
    adapter = await startAdapter();
  }, 60_000);
  afterAll(async () => {
    await adapter?.close();
  });
  return {
    pickedFolder: () => adapter?.pickedFolder ?? '',
    backend: () => {
      if (!adapter) throw new Error('the adapter did not start');
      return createHttpBackend(adapter.url.replace(/\/$/, ''));
    },
  };
}

/** The app's language is a core setting: the tests read Russian. The demo's one-time
 *  explanation is taken as seen (the real core's demo starts signed in, so it would show). */
export async function inRussian(backend: Backend): Promise<void> {
  window.localStorage.setItem('mb.demoIntroSeen', '1');
  const settings = await backend.settings();
  await backend.saveSettings({ ...settings, language: 'ru' });
}
