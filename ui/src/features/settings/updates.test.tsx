// Updates in the UI. On the real core (mb-http) the build has no release server, so Settings says
// so and nothing is asked. The desktop host's answers (a newer version, its download, a refused
// signature) are put over the real core's backend here; the installed-package test in
// tests/desktop/installed.mjs goes through the real updater against a local release server.
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { App } from '../../App';
import type { AppError, Backend, Progress } from '../../ipc';
import { inRussian, realCorePerFile } from '../../../test/core';
import { byQa } from '../../../test/qa';

const core = realCorePerFile();
const slow = { timeout: 15_000 };

function withReleaseServer(backend: Backend, install: Backend['installUpdate']): Backend {
  return {
    ...backend,
    appInfo: async () => ({ ...(await backend.appInfo()), updates: true }),
    checkUpdate: vi.fn(async () => {
      await Promise.resolve();
      return { state: 'available' as const, current: '0.1.0', version: '0.2.0', notes: 'Быстрее проверка файлов' };
    }),
    installUpdate: install,
  };
}

describe('updates', () => {
  it('a build without a release server says so in Settings and asks nobody', async () => {
    const backend = core.backend();
    await inRussian(backend);
    const check = vi.spyOn(backend, 'checkUpdate');
    render(<App backend={backend} />);
    fireEvent.click(await waitFor(() => byQa('nav-settings'), slow));
    const card = await screen.findByTestId('updates', {}, slow);
    expect(card.textContent).toContain('Эта копия приложения не проверяет обновления сама');
    // For support: the log's folder as the core names it (the data folder's own, also in the
    // demo, whose history is in a folder of its own).
    const info = await backend.appInfo();
    expect(info.logs_dir).toMatch(/[\\/]logs$/);
    expect(info.data_dir).not.toBe(info.logs_dir.replace(/[\\/]logs$/, ''));
    fireEvent.click(byQa('support'));
    expect((await screen.findByTestId('logs-dir')).textContent).toBe(info.logs_dir);
    expect(document.querySelector('[data-qa="update-check"]')).toBeNull();
    expect(screen.queryByTestId('update-banner')).toBeNull();
    expect(check).not.toHaveBeenCalled();
    // The real core answers the same when asked anyway.
    const answer = await backend.checkUpdate();
    expect(answer.state).toBe('not_configured');
  });

  it('a newer version is announced at start and installed with progress', async () => {
    const real = core.backend();
    await inRussian(real);
    let finish: () => void = () => {};
    const install = vi.fn(
      (onProgress: (p: Progress) => void) =>
        new Promise<void>((resolve) => {
          const p = (done: number): Progress => ({
            job_id: 'update-0.2.0',
            stage: 'downloading',
            done,
            total: 8 << 20,
            rows: 0,
            total_rows: null,
            bytes_per_sec: 2 << 20,
            rows_per_sec: null,
            eta_secs: 2,
          });
          onProgress(p(4 << 20));
          finish = resolve;
        }),
    );
    const backend = withReleaseServer(real, install);
    render(<App backend={backend} />);
    const banner = await screen.findByTestId('update-banner', {}, slow);
    expect(banner.textContent).toContain('Вышла новая версия Metrika Bridge — 0.2.0');
    expect(banner.textContent).toContain('У вас версия 0.1.0');
    fireEvent.click(byQa('update-install'));
    await waitFor(() => expect(screen.getByTestId('update-progress').textContent).toContain('Скачиваем обновление'));
    expect(screen.getByTestId('update-progress').textContent?.replace(/\s/g, ' ')).toMatch(/4,0 из 8,0 МБ/);
    expect(install).toHaveBeenCalledTimes(1);
    finish();

    // «Позже» hides the notice; Settings still offers the version.
    await waitFor(() => expect(byQa('update-later')).toBeTruthy());
    fireEvent.click(byQa('update-later'));
    await waitFor(() => expect(screen.queryByTestId('update-banner')).toBeNull());
    fireEvent.click(byQa('nav-settings'));
    const card = await screen.findByTestId('updates', {}, slow);
    expect(card.textContent).toContain('0.2.0');
    expect(card.textContent).toContain('Быстрее проверка файлов');
  });

  it('a refused signature is said in words and the install can be tried again', async () => {
    const real = core.backend();
    await inRussian(real);
    const refused: AppError = { kind: 'update_failed', data: { step: 'signature' } };
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the IPC rejects with the AppError itself
    const backend = withReleaseServer(real, () => Promise.reject(refused));
    render(<App backend={backend} />);
    await screen.findByTestId('update-banner', {}, slow);
    fireEvent.click(byQa('update-install'));
    const banner = await screen.findByTestId('update-banner');
    await waitFor(() => expect(banner.textContent).toContain('подпись не совпала'));
    expect(byQa('update-install')).toBeTruthy();
  });
});
