//! The start-up questions, asked before anything else is evaluated: the window's first screen
//! needs the settings, the app's facts, the accounts and the active account's counters (the top
//! bar and the wizard show the chosen one), and the core answers them while the page's script is
//! still being read. `main.tsx` imports this module first and hands the answers to the query
//! client (`seedQueries`), so the first render already has them when they came in time.
import { askStartQuestions } from './features/app/startQueries';
import { createBackend } from './ipc';

export { seedQueries } from './features/app/startQueries';

export const backend = createBackend();

export const boot = askStartQuestions(backend);
