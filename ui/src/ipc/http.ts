//! The `Backend` over mb-http, the loopback HTTP adapter in front of the real Rust core (demo
//! mode, fake Metrica). Used in a plain browser: the vite dev server, Playwright, Vitest. One
//! `fetch` per command; progress and app events arrive as server-sent events read from the
//! response stream (works the same in browsers and in Node, where there is no EventSource).
import type { AppError, AppEvent, Progress } from './bindings';
import { commandsOver } from './backend';
import type { Backend, Call, Unsubscribe } from './backend';

type Sse = { event: string; data: string };

/** Reads `event:`/`data:` blocks from a server-sent-events body until it ends or is aborted. */
async function readSse(body: ReadableStream<Uint8Array>, each: (e: Sse) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut = buffer.indexOf('\n\n');
    while (cut >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length) each({ event, data: data.join('\n') });
      cut = buffer.indexOf('\n\n');
    }
  }
}

function networkError(detail: string): AppError {
  return { kind: 'network', data: { detail } };
}

/** Rejects with the `AppError` itself: the same shape Tauri's `invoke` rejects with. */
function fail(error: AppError): never {
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- the real IPC rejection shape
  throw error;
}

/** `base`: the adapter's address (`''` when the page is served by the adapter itself). */
export function createHttpBackend(base = ''): Backend {
  const call: Call = async (name, args, onProgress) => {
    let res: Response;
    try {
      res = await fetch(`${base}/api/call/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(args),
      });
    } catch (e) {
      fail(networkError(String(e)));
    }
    if (!res.headers.get('content-type')?.startsWith('text/event-stream')) {
      const body: unknown = await res.json();
      if (!res.ok) fail(body as AppError);
      return body;
    }
    type Outcome = { ok: true; value: unknown } | { ok: false; error: AppError };
    const end: { outcome: Outcome | null } = { outcome: null };
    await readSse(res.body!, ({ event, data }) => {
      const value: unknown = JSON.parse(data);
      if (event === 'progress') onProgress?.(value as Progress);
      else if (event === 'result') end.outcome = { ok: true, value };
      else if (event === 'error') end.outcome = { ok: false, error: value as AppError };
    });
    const done = end.outcome;
    if (!done) fail(networkError(`${name}: the answer ended early`));
    if (!done.ok) fail(done.error);
    return done.value;
  };

  const onEvent = (handler: (event: AppEvent) => void): Unsubscribe => {
    const stop = new AbortController();
    void (async () => {
      try {
        const res = await fetch(`${base}/api/events`, { signal: stop.signal });
        await readSse(res.body!, ({ event, data }) => {
          if (event === 'app-event') handler(JSON.parse(data) as AppEvent);
        });
      } catch {
        // Stopped, or the adapter went away: no more events.
      }
    })();
    return () => stop.abort();
  };

  return {
    ...commandsOver(call),
    onEvent,
    // A browser has no native drag-and-drop of file paths.
    onFileDrop: () => () => undefined,
  };
}
