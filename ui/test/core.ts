// The real Rust core for component tests: one mb-http adapter (demo mode, fake Metrica,
// throwaway data folder) per test file — or per `describe` block when called inside one — and a
// Backend over it. Needs `cargo build -p mb-http` (./dev test builds it first).
import { afterAll, beforeAll } from 'vitest';
import type { Backend } from '../src/ipc/backend';
import type { AppError, CounterPage, UploadRequest } from '../src/ipc/bindings';
import { createHttpBackend } from '../src/ipc/http';
import { startAdapter } from '../e2e/adapter.mjs';
import type { Adapter, AdapterOptions } from '../e2e/adapter.mjs';

export type RealCore = {
  /** A fresh Backend over the adapter. */
  backend: () => Backend;
  /** What the open-file dialog answers. */
  pickedFile: () => string;
  pickedFolder: () => string;
  /** The file handed over as the one the app was started with, if any. */
  openedFile: () => string | null;
};

/** Starts the adapter for this file (or `describe` block); see `startAdapter` for the options. */
export function realCorePerFile(options: Omit<AdapterOptions, 'staticDir'> = {}): RealCore {
  let adapter: Adapter | null = null;
  beforeAll(async () => {
    adapter = await startAdapter(options);
  }, 60_000);
  afterAll(async () => {
    await adapter?.close();
  });
  const started = () => {
    if (!adapter) throw new Error('the adapter did not start');
    return adapter;
  };
  return {
    pickedFile: () => started().pickedFile,
    pickedFolder: () => adapter?.pickedFolder ?? '',
    openedFile: () => started().openedFile,
    backend: () => createHttpBackend(started().url.replace(/\/$/, '')),
  };
}

/** The app's language is a core setting: the tests read Russian. The demo's one-time
 *  explanation is taken as seen (the real core's demo starts signed in, so it would show). */
export async function inRussian(backend: Backend): Promise<void> {
  window.localStorage.setItem('mb.demoIntroSeen', '1');
  const settings = await backend.settings();
  await backend.saveSettings({ ...settings, language: 'ru' });
}

/** Holds the core's answer to `counters` back until the returned function is called. */
export function holdCounters(backend: Backend): () => void {
  const real = backend.counters.bind(backend);
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => (release = r));
  backend.counters = async (q) => {
    await held;
    return real(q);
  };
  return release;
}

/** Makes `counters` fail with the core's error for a lost connection until the returned
 *  function is called; from then on the core answers again. */
export function loseCounters(backend: Backend): () => void {
  const real = backend.counters.bind(backend);
  const lost: AppError = { kind: 'network', data: { detail: 'connection reset' } };
  let failing = true;
  backend.counters = (q): Promise<CounterPage> =>
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the IPC rejects with the AppError itself
    failing ? Promise.reject(lost) : real(q);
  return () => {
    failing = false;
  };
}

/** The favourite counter the demo's wizard starts on: «Мебель «Рома» — интернет-магазин». */
export const ROMA = 51234501;

/** A send of the CRM export at `path` to «Мебель „Рома“» as the wizard makes it with its
 *  suggestions (columns, statuses) and the settings' hashing: every valid row, saved. */
export async function crmRequest(backend: Backend, path: string): Promise<UploadRequest> {
  const settings = await backend.settings();
  const read = { encoding: null, delimiter: null, header_line: null, sheet: null };
  const mapping = await backend.suggestMapping(path, read, 'simple-orders', ROMA);
  const statuses = await backend.statusValues(path, read, mapping, ROMA);
  return {
    validate: {
      path,
      read,
      kind: 'simple-orders',
      mapping,
      counter_id: ROMA,
      status_map: statuses.map((s) => ({
        value: s.value,
        status_type: s.suggested_type,
        status_id: s.suggested_id,
        goal_ids: [],
      })),
      hash_contacts: settings.hash_contacts_by_default,
      only_new_rows: false,
    },
    merge_mode: 'SAVE',
    comment: null,
    confirm_duplicate: false,
    skip_invalid: true,
  };
}
