//! Runs one long backend job (validate, upload) with live progress and cancel.
import { useCallback, useRef, useState } from 'react';
import type { Progress } from '../../ipc';
import { useBackend } from '../app/context';

export interface Job<T> {
  run: (work: (onProgress: (p: Progress) => void) => Promise<T>) => Promise<T | null>;
  cancel: () => void;
  progress: Progress | null;
  running: boolean;
  error: unknown;
  clearError: () => void;
}

export function useJob<T>(): Job<T> {
  const backend = useBackend();
  const [progress, setProgress] = useState<Progress | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const jobId = useRef<string | null>(null);

  const run = useCallback(async (work: (onProgress: (p: Progress) => void) => Promise<T>): Promise<T | null> => {
    setRunning(true);
    setError(null);
    setProgress(null);
    jobId.current = null;
    try {
      return await work((p) => {
        jobId.current = p.job_id;
        setProgress(p);
      });
    } catch (e) {
      setError(e);
      return null;
    } finally {
      setRunning(false);
    }
  }, []);

  const cancel = useCallback(() => {
    if (jobId.current) void backend.cancel(jobId.current);
  }, [backend]);

  const clearError = useCallback(() => setError(null), []);
  return { run, cancel, progress, running, error, clearError };
}
