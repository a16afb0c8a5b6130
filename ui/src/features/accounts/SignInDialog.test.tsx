// The sign-in dialog against hostile surroundings, on the real core (mb-http, fake Metrica): the
// loopback port held by another program (the backend's paste-the-code answer is put in place of
// its own and the dialog says why), a sign-in cancelled while it waits for a browser nobody
// approves in, and one cancelled before the core has even answered that it started (the core is
// told either way: the wait ends, the port is freed, nobody is signed in).
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { App } from '../../App';
import type { SignInStarted } from '../../ipc';
import { inRussian, realCorePerFile } from '../../../test/core';
import type { RealCore } from '../../../test/core';
import { byQa, waitQa } from '../../../test/qa';

// The real core (mb-http, fake Metrica), signed out: the demo starts signed in.
const core = realCorePerFile();

async function openDialog(on: RealCore = core) {
  const backend = on.backend();
  for (const a of await backend.accounts()) await backend.signOut(a.login);
  await inRussian(backend);
  return backend;
}

describe('sign-in dialog', () => {
  it('says in words that the port is busy and switches to the code', async () => {
    const backend = await openDialog();
    backend.beginSignIn = () =>
      Promise.resolve({
        flow_id: 'f1',
        method: 'paste_code',
        authorize_url: 'https://oauth.yandex.ru/authorize?state=f1',
        user_code: null,
        verification_url: null,
      });
    const complete = vi.spyOn(backend, 'completeSignIn');
    render(<App backend={backend} />);
    fireEvent.click(await waitQa('welcome-sign-in'));
    fireEvent.click(await screen.findByText('Открыть страницу Яндекса'));
    const alert = await waitQa('sign-in-port-busy');
    expect(alert.textContent).toContain('занят другой программой');
    expect(byQa('sign-in-code')).toBeTruthy();
    // Nothing waits on the browser: the code is asked for.
    expect(complete).not.toHaveBeenCalled();
  });

  it('cancels before the core answered that the sign-in started, and the core is still told', async () => {
    const backend = await openDialog();
    // The core's answer to «start» is held until the user has pressed cancel.
    let answer: () => void = () => {};
    const answered = new Promise<void>((r) => {
      answer = r;
    });
    const begin = backend.beginSignIn.bind(backend);
    const flows: string[] = [];
    backend.beginSignIn = async (method) => {
      const started = await begin(method);
      flows.push(started.flow_id);
      await answered;
      return started;
    };
    const cancel = vi.spyOn(backend, 'cancel');
    const complete = vi.spyOn(backend, 'completeSignIn');
    render(<App backend={backend} />);
    fireEvent.click(await waitQa('welcome-sign-in'));
    fireEvent.click(await screen.findByText('Открыть страницу Яндекса'));
    await screen.findByText('Ждём подтверждения в браузере…', {}, { timeout: 15_000 });
    await waitFor(() => expect(flows).toHaveLength(1), { timeout: 15_000 });
    fireEvent.click(byQa('sign-in-cancel'));
    await waitFor(() => expect(document.querySelector('[data-qa="sign-in-dialog"]')).toBeNull());
    answer();
    // The late answer's flow is cancelled, not completed: the browser's consent is not used.
    await waitFor(() => expect(cancel).toHaveBeenCalledWith(flows[0]), { timeout: 15_000 });
    expect(complete).not.toHaveBeenCalled();
    expect(await backend.accounts()).toEqual([]);
    await screen.findByText('Офлайн-продажи — в Яндекс Метрику');
  });
});

describe('a sign-in nobody approves in the browser', () => {
  const waits = realCorePerFile({ signInWaits: true });

  it('cancels a sign-in waiting for the browser and tells the backend', async () => {
    const backend = await openDialog(waits);
    const begin = vi.spyOn(backend, 'beginSignIn');
    const cancel = vi.spyOn(backend, 'cancel');
    const complete = vi.spyOn(backend, 'completeSignIn');
    render(<App backend={backend} />);
    fireEvent.click(await waitQa('welcome-sign-in'));
    fireEvent.click(await screen.findByText('Открыть страницу Яндекса'));
    await screen.findByText('Ждём подтверждения в браузере…', {}, { timeout: 15_000 });
    // The core waits for the browser.
    await waitFor(() => expect(complete).toHaveBeenCalled(), { timeout: 15_000 });
    const flow = (await (begin.mock.results[0]?.value as Promise<SignInStarted> | undefined))?.flow_id;
    expect(flow).toBeTruthy();
    const button = byQa('sign-in-cancel');
    expect(button.textContent).toBe('Отменить вход');
    fireEvent.click(button);
    await waitFor(() => expect(cancel).toHaveBeenCalledWith(flow));
    // The core's wait ends as cancelled and the dialog closes without an error.
    await expect(complete.mock.results[0]?.value).rejects.toMatchObject({ kind: 'cancelled' });
    await waitFor(() => expect(document.querySelector('[data-qa="sign-in-dialog"]')).toBeNull());
    expect(await backend.accounts()).toEqual([]);
    // The port is free: a new attempt waits in the browser again, not on a pasted code.
    const again = await backend.beginSignIn('loopback');
    expect(again.method).toBe('loopback');
    await backend.cancel(again.flow_id);
  });
});
