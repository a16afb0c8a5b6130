// Finding the app's controls in component tests by their `data-qa` (Gravity's `qa` prop), and
// the wizard's «Далее» once it is enabled.
import { expect } from 'vitest';
import { fireEvent, waitFor } from '@testing-library/react';

/** The element with this `data-qa`, or a thrown error naming it. */
export function byQa(id: string, root: ParentNode = document): HTMLElement {
  const el = root.querySelector<HTMLElement>(`[data-qa="${id}"]`);
  if (!el) throw new Error(`no [data-qa="${id}"]`);
  return el;
}

/** Waits (up to 15 s: the real core answers) for the element with this `data-qa`. */
export const waitQa = (id: string) => waitFor(() => byQa(id), { timeout: 15_000 });

/**
 * Clicks a button once it is enabled. A card's buttons stay disabled until its action has
 * refreshed everything it touched, which can be after the screen already shows the change.
 */
export async function press(id: string, root: ParentNode = document): Promise<void> {
  await waitFor(() => expect((byQa(id, root) as HTMLButtonElement).disabled).toBe(false), { timeout: 15_000 });
  fireEvent.click(byQa(id, root));
}

/** Clicks the wizard's «Далее» once it is enabled. */
export async function next(): Promise<void> {
  await waitFor(() => expect((byQa('wizard-next') as HTMLButtonElement).disabled).toBe(false), { timeout: 15_000 });
  fireEvent.click(byQa('wizard-next'));
}
