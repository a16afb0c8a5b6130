//! Chooses the backend at start-up: Tauri inside the desktop shell, the in-memory demo in a
//! plain browser (dev server, Playwright, Vitest).
import type { Backend } from './backend';
import { createDemoBackend } from './demo';
import { createTauriBackend } from './tauri';

export type { Backend, FileDropEvent, Unsubscribe } from './backend';
export type * from './bindings';

export function isTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

export function createBackend(): Backend {
  return isTauri() ? createTauriBackend() : createDemoBackend();
}
