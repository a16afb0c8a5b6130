//! Chooses the backend at start-up: Tauri inside the desktop shell; in a plain browser (dev
//! server, Playwright) the real Rust core behind mb-http, the loopback HTTP adapter. There is no
//! TypeScript copy of the core: a browser without the adapter gets network errors.
import type { Backend } from './backend';
import { createHttpBackend } from './http';
import { createTauriBackend } from './tauri';

export type { Backend, FileDropEvent, Unsubscribe } from './backend';
export type * from './bindings';
export {
  ALARM_WARNINGS,
  ATTRIBUTE_TYPES,
  CHANGE_CODES,
  COUNTS_TWICE_KINDS,
  CRM_KINDS,
  CURRENCY_CODES,
  DEFAULT_JOB_SCHEDULE,
  ENCODINGS,
  HASHABLE_KINDS,
  STATUS_KINDS,
  ORDER_STATUS_TYPES,
  UPLOAD_KINDS,
  UPLOAD_STATES,
} from './bindings';

export function isTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

export function createBackend(): Backend {
  return isTauri() ? createTauriBackend() : createHttpBackend();
}
