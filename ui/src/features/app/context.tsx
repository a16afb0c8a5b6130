//! App-wide session state that must survive switching sections: which section is open, which
//! counter is chosen, whether the sign-in dialog is open. Also the Backend context and queries.
import { useQuery } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { Backend, Counter } from '../../ipc';
import { startQueries } from './startQueries';

export type Section = 'upload' | 'history' | 'clients' | 'accounts' | 'settings';

const BackendContext = createContext<Backend | null>(null);

export function BackendProvider({ backend, children }: { backend: Backend; children: ReactNode }) {
  return <BackendContext.Provider value={backend}>{children}</BackendContext.Provider>;
}

export function useBackend(): Backend {
  const b = useContext(BackendContext);
  if (!b) throw new Error('BackendProvider missing');
  return b;
}

interface Session {
  section: Section;
  go: (s: Section) => void;
  counterId: number | null;
  setCounterId: (id: number | null) => void;
  signInOpen: boolean;
  setSignInOpen: (open: boolean) => void;
  historyFocus: number | null;
  showUpload: (id: number) => void;
}

const SessionContext = createContext<Session | null>(null);

const COUNTER_KEY = 'mb.counter';

function storedCounter(): number | null {
  try {
    const v = window.localStorage.getItem(COUNTER_KEY);
    return v ? Number(v) : null;
  } catch {
    return null;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [section, setSection] = useState<Section>('upload');
  const [counterId, setCounter] = useState<number | null>(storedCounter);
  const [signInOpen, setSignInOpen] = useState(false);
  const [historyFocus, setHistoryFocus] = useState<number | null>(null);
  const setCounterId = useCallback((id: number | null) => {
    setCounter(id);
    try {
      if (id === null) window.localStorage.removeItem(COUNTER_KEY);
      else window.localStorage.setItem(COUNTER_KEY, String(id));
    } catch {
      // Storage may be unavailable (private mode); the choice then lasts for this session.
    }
  }, []);
  const showUpload = useCallback((id: number) => {
    setHistoryFocus(id);
    setSection('history');
  }, []);
  const value = useMemo(
    () => ({ section, go: setSection, counterId, setCounterId, signInOpen, setSignInOpen, historyFocus, showUpload }),
    [section, counterId, setCounterId, signInOpen, historyFocus, showUpload],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('SessionProvider missing');
  return s;
}

export function useAppInfo() {
  return useQuery(startQueries(useBackend()).appInfo);
}

export function useAccounts() {
  return useQuery(startQueries(useBackend()).accounts);
}

export function useActiveAccount() {
  const accounts = useAccounts();
  return { ...accounts, account: accounts.data?.find((a) => a.active) ?? null };
}

export function useSettings() {
  return useQuery(startQueries(useBackend()).settings);
}

/** Every counter of the active account (agencies have hundreds; one page of 10 000 is enough). */
export function useAllCounters() {
  const backend = useBackend();
  const { account } = useActiveAccount();
  return useQuery({ ...startQueries(backend).counters(account?.login ?? null), enabled: account !== null });
}

/** The chosen counter, or the first one the account can upload to. */
export function useActiveCounter(): Counter | null {
  const { counterId } = useSession();
  const all = useAllCounters();
  const list = all.data?.counters ?? [];
  return list.find((c) => c.id === counterId) ?? list.find((c) => c.can_upload) ?? list[0] ?? null;
}
