//! The one interface the UI talks to. Owns command signatures and the shapes of progress,
//! app events and file drops; does not own any user-facing text (the UI translates errors).
import { COMMANDS } from './bindings';
import type { AppEvent, Commands, Progress } from './bindings';

/** What the window reports while a file is dragged over it; paths come from the OS. */
export type FileDropEvent = { type: 'over' } | { type: 'leave' } | { type: 'drop'; paths: string[] };

export type Unsubscribe = () => void;

/**
 * One method per Rust command — generated from mb-uploader's command table into bindings.ts
 * (`Commands`) — plus the two subscriptions. Rejections carry `AppError`.
 */
export interface Backend extends Commands {
  onEvent(handler: (event: AppEvent) => void): Unsubscribe;
  onFileDrop(handler: (event: FileDropEvent) => void): Unsubscribe;
}

/** How a transport runs one command: its name, its arguments by name, progress if it streams. */
export type Call = (
  name: string,
  args: Record<string, unknown>,
  onProgress: ((p: Progress) => void) | null,
) => Promise<unknown>;

/** The `Commands` methods over a transport, from the generated table (no per-command code). */
export function commandsOver(call: Call): Commands {
  const methods: Record<string, (...params: unknown[]) => Promise<unknown>> = {};
  for (const c of COMMANDS) {
    methods[c.method] = (...params: unknown[]) => {
      const args = Object.fromEntries(c.args.map((a, i) => [a, params[i] ?? null]));
      const onProgress = c.progress ? (params[c.args.length] as (p: Progress) => void) : null;
      return call(c.name, args, onProgress);
    };
  }
  return methods as unknown as Commands;
}
