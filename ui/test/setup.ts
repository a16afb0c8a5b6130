// Test environment: jsdom lacks a few browser APIs Gravity UI and TanStack Virtual use.
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';
import { initI18n } from '../src/i18n';
import en from '../src/i18n/en';

// Waits are about correctness, not speed: on a loaded 2-core CI machine a journey step on the
// real core (mb-http) has taken over 5 s. A wrong screen still fails, only later.
configure({ asyncUtilTimeout: 15_000 });

class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
Object.assign(globalThis, { ResizeObserver: globalThis.ResizeObserver ?? ResizeObserverStub });
if (!window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => undefined,
      removeListener: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false,
    }) as MediaQueryList;
}
if (!Element.prototype.scrollTo) Element.prototype.scrollTo = () => undefined;

// The app reads English when it first speaks it; tests switch languages at will.
initI18n().addResourceBundle('en', 'translation', en);
afterEach(() => {
  cleanup();
  window.localStorage.clear();
});

// jsdom lays nothing out; give elements a window-sized box so virtualised lists render rows.
Element.prototype.getBoundingClientRect = function getBoundingClientRect() {
  return { x: 0, y: 0, top: 0, left: 0, right: 1000, bottom: 600, width: 1000, height: 600, toJSON: () => ({}) };
};
Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 });
Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1000 });
