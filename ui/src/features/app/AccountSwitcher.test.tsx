// The account menu in the top bar, on the real core (mb-http, the demo signed in as
// demo-agency). A second signed-in account is added to the core's answer: the demo's fake
// Yandex signs everyone in as the same login.
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { App } from '../../App';
import type { Account } from '../../ipc';
import { inRussian, realCorePerFile } from '../../../test/core';
import { byQa, waitQa } from '../../../test/qa';

const core = realCorePerFile();

describe('account menu', () => {
  it('names the active account, lists the others, switches to the one chosen and leads to Accounts', async () => {
    const backend = core.backend();
    await inRussian(backend);
    const real = backend.accounts.bind(backend);
    const shop: Account = { login: 'shop-two', display_name: 'Магазин на Садовой', active: false };
    backend.accounts = async () => [...(await real()), shop];
    const switchAccount = vi.spyOn(backend, 'switchAccount').mockResolvedValue([]);
    render(<App backend={backend} />);

    const button = await waitQa('account-switcher');
    await waitFor(() => expect(button.textContent).toContain('Аккаунт:demo-agency'));
    // The menu's code is loaded by the first click (Enter or Space on the focused button is a
    // click too); the button that replaces the placeholder keeps the keyboard focus.
    button.focus();
    fireEvent.click(button);
    const other = await waitQa('account-shop-two');
    expect(document.activeElement).toBe(byQa('account-switcher'));
    expect(byQa('account-switcher')).not.toBe(button);
    expect(other.textContent).toBe('Магазин на Садовой (shop-two)');
    expect(byQa('account-demo-agency').textContent).toBe('demo-agency');

    // The active one is already chosen: picking it asks nothing of the core.
    fireEvent.click(byQa('account-demo-agency'));
    expect(switchAccount).not.toHaveBeenCalled();
    fireEvent.click(await waitQa('account-switcher'));
    fireEvent.click(await waitQa('account-shop-two'));
    await waitFor(() => expect(switchAccount).toHaveBeenCalledWith('shop-two'));
    await waitFor(() => expect(screen.queryByRole('menu')).toBeNull());

    // The last item leads to the Accounts section, where accounts are added and removed.
    fireEvent.click(await waitQa('account-switcher'));
    fireEvent.click(await waitQa('account-manage'));
    await screen.findByText('Аккаунты Яндекса', {}, { timeout: 15_000 });
  });

  it('says so under the button when the core refuses the switch, and retries from there', async () => {
    const backend = core.backend();
    await inRussian(backend);
    const real = backend.accounts.bind(backend);
    // An account the core does not know: its answer to the switch is an error, as it is for a
    // login signed out in another window meanwhile.
    const gone: Account = { login: 'signed-out-elsewhere', display_name: null, active: false };
    backend.accounts = async () => [...(await real()), gone];
    const switchAccount = vi.spyOn(backend, 'switchAccount');
    render(<App backend={backend} />);
    fireEvent.click(await waitQa('account-switcher'));
    fireEvent.click(await waitQa('account-signed-out-elsewhere'));
    const notice = await waitQa('account-switch-error');
    await waitFor(() => expect(notice.textContent?.length).toBeGreaterThan(10));
    expect(switchAccount).toHaveBeenCalledTimes(1);
    fireEvent.click(await waitFor(() => notice.querySelector('button')!));
    await waitFor(() => expect(switchAccount).toHaveBeenCalledTimes(2));
  });
});
