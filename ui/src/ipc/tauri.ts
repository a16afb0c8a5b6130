//! The Tauri implementation of `Backend`: one `invoke('call')` for every command, a `Channel` per long job,
//! `app-event` and native drag-and-drop as subscriptions. No logic beyond argument shaping.
import { Channel, invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { getCurrentWebview } from '@tauri-apps/api/webview';
import type { AppEvent, Progress } from './bindings';
import { commandsOver } from './backend';
import type { Backend, Call, FileDropEvent, Unsubscribe } from './backend';

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

/** Every command goes through the shell's one Tauri command, `call`. */
const call: Call = (name, args, onProgress) =>
  invoke('call', { name, args, onProgress: channel(onProgress ?? (() => undefined)) });

export function createTauriBackend(): Backend {
  return {
    ...commandsOver(call),
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
