//! App-wide actions that shared components may offer without importing features (the error
//! table's "sign in" action). The app provides the implementations.
import { createContext, useContext } from 'react';

export interface AppActions {
  signIn: () => void;
}

export const AppActionsContext = createContext<AppActions>({ signIn: () => undefined });

export function useAppActions(): AppActions {
  return useContext(AppActionsContext);
}
