//! The queries the first screen needs, in one place: the hooks in `context.tsx` use them, and
//! `boot.ts` asks them before React is evaluated. This module has no runtime imports, so
//! importing it from `boot.ts` does not delay the start-up questions.
import type { QueryClient } from '@tanstack/react-query';
import type { Backend } from '../../ipc';

export function startQueries(backend: Backend) {
  return {
    settings: { queryKey: ['settings'], queryFn: () => backend.settings(), staleTime: Infinity },
    appInfo: { queryKey: ['appInfo'], queryFn: () => backend.appInfo(), staleTime: Infinity },
    accounts: { queryKey: ['accounts'], queryFn: () => backend.accounts() },
    /** Every counter of the active account `login` (agencies have hundreds: the core reads up
     *  to 1 000 in one page; the counter dialog's search reaches the rest). */
    counters: (login: string | null) =>
      ({
        queryKey: ['counters', login, ''],
        queryFn: () => backend.counters({ search: null, offset: 0, limit: 10_000 }),
        staleTime: 5 * 60_000,
      }) as const,
  } as const;
}

export type StartAnswers = ReturnType<typeof askStartQuestions>;

/** Asks the core the first screen's questions at once; the answers go to `seedQueries`. */
export function askStartQuestions(b: Backend) {
  const answers = {
    settings: b.settings(),
    appInfo: b.appInfo(),
    accounts: b.accounts(),
    // Refused when nobody is signed in; then the accounts' answer says so and it is not used.
    // With a real account the list comes over the network: asked here, it is on its way ~70 ms
    // sooner than when the top bar would ask, and it is usually in the window's first render
    // (no second render of the top bar and the wizard in front of the first frame).
    counters: startQueries(b).counters(null).queryFn(),
  };
  // A failed answer is reported by its query (which asks once more), not as an unhandled rejection.
  for (const p of Object.values(answers)) p.catch(() => undefined);
  return answers;
}

/** The first answer is the one already asked; a retry or a refetch asks the core again. */
function once<T>(first: Promise<T>, again: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = first;
  return () => {
    const p = pending ?? again();
    pending = null;
    return p;
  };
}

/** Starts the first screen's queries from the answers already asked. */
export function seedQueries(qc: QueryClient, b: Backend, answers: StartAnswers) {
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
