//! The queries the first screen needs, in one place: the hooks in `context.tsx` use them, and
//! `boot.ts` starts them before React is evaluated. This module has no runtime imports, so
//! importing it from `boot.ts` does not delay the start-up questions.
import type { Backend } from '../../ipc';

export function startQueries(backend: Backend) {
  return {
    settings: { queryKey: ['settings'], queryFn: () => backend.settings(), staleTime: Infinity },
    appInfo: { queryKey: ['appInfo'], queryFn: () => backend.appInfo(), staleTime: Infinity },
    accounts: { queryKey: ['accounts'], queryFn: () => backend.accounts() },
  } as const;
}
