//! The Tauri implementation of `Backend`: `invoke` per command, a `Channel` per long job,
//! `app-event` and native drag-and-drop as subscriptions. No logic beyond argument shaping.
import { Channel, invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { getCurrentWebview } from '@tauri-apps/api/webview';
import type { AppEvent, Progress } from './bindings';
import type { Backend, FileDropEvent, Unsubscribe } from './backend';

function channel(onProgress: (p: Progress) => void): Channel<Progress> {
  const ch = new Channel<Progress>();
  ch.onmessage = onProgress;
  return ch;
}

/** Turns an async subscription into a synchronous unsubscribe that also works if called early. */
function subscription(start: Promise<() => void>): Unsubscribe {
  let stopped = false;
  let stop: (() => void) | null = null;
  start
    .then((fn) => {
      if (stopped) fn();
      else stop = fn;
    })
    .catch(() => undefined);
  return () => {
    stopped = true;
    stop?.();
  };
}

export function createTauriBackend(): Backend {
  return {
    appInfo: () => invoke('app_info'),
    accounts: () => invoke('accounts'),
    beginSignIn: (method) => invoke('begin_sign_in', { method }),
    completeSignIn: (flowId, code) => invoke('complete_sign_in', { flowId, code }),
    switchAccount: (login) => invoke('switch_account', { login }),
    signOut: (login) => invoke('sign_out', { login }),
    counters: (query) => invoke('counters', { query }),
    goals: (counterId) => invoke('goals', { counterId }),
    createGoal: (counterId, name, identifier) => invoke('create_goal', { counterId, name, identifier }),
    createContactAttribute: (counterId, title, typeName) =>
      invoke('create_contact_attribute', { counterId, title, typeName }),
    linkingWindow: (counterId, kind) => invoke('linking_window', { counterId, kind }),
    enableExtendedWindow: (counterId, kind) => invoke('enable_extended_window', { counterId, kind }),
    pickFile: () => invoke('pick_file'),
    inspectFile: (path, read) => invoke('inspect_file', { path, read }),
    suggestMapping: (path, read, kind, counterId) => invoke('suggest_mapping', { path, read, kind, counterId }),
    statusValues: (path, read, mapping, counterId) => invoke('status_values', { path, read, mapping, counterId }),
    validate: (request, onProgress) => invoke('validate', { request, onProgress: channel(onProgress) }),
    upload: (request, onProgress) => invoke('upload', { request, onProgress: channel(onProgress) }),
    cancel: (jobId) => invoke('cancel', { jobId }),
    history: (filter) => invoke('history', { filter }),
    uploadDetail: (id) => invoke('upload_detail', { id }),
    refreshStatus: (id) => invoke('refresh_status', { id }),
    resend: (id, onProgress) => invoke('resend', { id, onProgress: channel(onProgress) }),
    exportHistory: (filter) => invoke('export_history', { filter }),
    overview: () => invoke('overview'),
    settings: () => invoke('settings'),
    saveSettings: (settings) => invoke('save_settings', { settings }),
    openRejected: (path) => invoke('open_rejected', { path }),
    saveRejected: (path) => invoke('save_rejected', { path }),
    pickFolder: () => invoke('pick_folder'),
    createJob: (job) => invoke('create_job', { job }),
    runJob: (name) => invoke('run_job', { name }),
    setJobPaused: (name, paused) => invoke('set_job_paused', { name, paused }),
    removeJob: (name) => invoke('remove_job', { name }),
    editJob: (job) => invoke('edit_job', { job }),
    setJobScheduled: (name, on) => invoke('set_job_scheduled', { name, on }),
    jobRuns: (name) => invoke('job_runs', { name }),
    openedFile: () => invoke('opened_file'),
    onEvent: (handler) => subscription(listen<AppEvent>('app-event', (event) => handler(event.payload))),
    onFileDrop: (handler: (event: FileDropEvent) => void) =>
      subscription(
        getCurrentWebview().onDragDropEvent((event) => {
          const p = event.payload;
          if (p.type === 'enter' || p.type === 'over') handler({ type: 'over' });
          else if (p.type === 'leave') handler({ type: 'leave' });
          else handler({ type: 'drop', paths: p.paths });
        }),
      ),
  };
}
