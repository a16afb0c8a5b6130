//! The start-up questions, asked before anything else is evaluated: the window's first screen
//! needs the settings, the app's facts, the accounts and the active account's counters (the top
//! bar and the wizard show the chosen one), and the core answers them while the page's script is
//! still being read. `main.tsx` imports this module first and hands the
//! answers to the query client, so the first render already has them when they came in time.
import type { QueryClient } from '@tanstack/react-query';
import { startQueries } from './features/app/startQueries';
import { createBackend, type Backend } from './ipc';

export const backend = createBackend();

export type Boot = ReturnType<typeof ask>;

function ask(b: Backend) {
  return {
    settings: b.settings(),
    appInfo: b.appInfo(),
    accounts: b.accounts(),
    // Refused when nobody is signed in; then the accounts' answer says so and it is not used.
    // With a real account the list comes over the network: asked here, it is on its way ~70 ms
    // sooner than when the top bar would ask, and it is usually in the window's first render
    // (no second render of the top bar and the wizard in front of the first frame).
    counters: startQueries(b).counters(null).queryFn(),
  };
}

export const boot = ask(backend);
// A failed answer is reported by its query (which asks once more), not as an unhandled rejection.
for (const p of Object.values(boot)) p.catch(() => undefined);

/** The first answer is the one already asked; a retry or a refetch asks the core again. */
function once<T>(first: Promise<T>, again: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = first;
  return () => {
    const p = pending ?? again();
    pending = null;
    return p;
  };
}

/** Starts the first screen's queries (features/app/startQueries.ts) from the answers asked above. */
export function seedQueries(qc: QueryClient, b: Backend, answers: Boot) {
  const q = startQueries(b);
  void qc.prefetchQuery({ ...q.settings, queryFn: once(answers.settings, () => b.settings()) });
  void qc.prefetchQuery({ ...q.appInfo, queryFn: once(answers.appInfo, () => b.appInfo()) });
  void qc.prefetchQuery({ ...q.accounts, queryFn: once(answers.accounts, () => b.accounts()) });
  // The counters' answer is the account's that was active when it was asked.
  answers.accounts
    .then((list) => {
      const login = list.find((a) => a.active)?.login;
      if (!login) return;
      const counters = q.counters(login);
      void qc.prefetchQuery({ ...counters, queryFn: once(answers.counters, counters.queryFn) });
    })
    .catch(() => undefined);
}
