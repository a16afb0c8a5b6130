//! The queries the first screen needs, in one place: the hooks in `context.tsx` use them, and
//! `boot.ts` starts them before React is evaluated. This module has no runtime imports, so
//! importing it from `boot.ts` does not delay the start-up questions.
import type { Backend } from '../../ipc';

export function startQueries(backend: Backend) {
  return {
    settings: { queryKey: ['settings'], queryFn: () => backend.settings(), staleTime: Infinity },
    appInfo: { queryKey: ['appInfo'], queryFn: () => backend.appInfo(), staleTime: Infinity },
    accounts: { queryKey: ['accounts'], queryFn: () => backend.accounts() },
    /** Every counter of the active account `login` (agencies have hundreds; one page of 10 000 is enough). */
    counters: (login: string | null) =>
      ({
        queryKey: ['counters', login, ''],
        queryFn: () => backend.counters({ search: null, offset: 0, limit: 10_000 }),
        staleTime: 5 * 60_000,
      }) as const,
  } as const;
}
