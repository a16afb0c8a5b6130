//! Screens and steps that are not on the first screen are loaded when first shown, so the
//! window's first paint reads only what it shows (issue 13: start within reach of an empty app).
//! A chunk that cannot be loaded throws into the nearest ErrorBoundary, like any render error.
import { Loader } from '@gravity-ui/uikit';
import { lazy, Suspense, useEffect, useState, type ComponentType, type ReactNode } from 'react';

/** `React.lazy` for a named export: `lazyNamed(() => import('./X'), 'X')`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function lazyNamed<M extends Record<K, ComponentType<any>>, K extends keyof M & string>(
  load: () => Promise<M>,
  name: K,
): M[K] {
  return lazy(() => load().then((m) => ({ default: m[name] }))) as unknown as M[K];
}

/** Where a lazily loaded part appears: a loader for the moment its code is read. */
export function Loading({ children }: { children: ReactNode }) {
  return (
    <Suspense
      fallback={
        <div className="mb-lazy-loading" data-testid="lazy-loading">
          <Loader size="m" />
        </div>
      }
    >
      {children}
    </Suspense>
  );
}

/** False on the first render, true from the next frame. A Gravity overlay (dialog, menu) whose
 *  code arrives with the click that opens it renders closed first and opens with this, as if it
 *  had always been mounted: mounted already open, it applies its initial focus before its content
 *  exists. */
export function useNextFrame(): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const id = requestAnimationFrame(() => setReady(true));
    return () => cancelAnimationFrame(id);
  }, []);
  return ready;
}
