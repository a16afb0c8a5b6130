import { act, render } from '@testing-library/react';
import type { Dispatch } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { Backend } from '../../ipc';
import { BackendProvider } from '../app/context';
import { type ImportAction, ImportProvider, importReducer, initialImport, useImport } from './state';

/** Renders the wizard's state with a backend whose `cancel` is watched. */
function setup() {
  const cancel = vi.fn(() => Promise.resolve());
  const backend = { cancel } as unknown as Backend;
  let dispatch: Dispatch<ImportAction> = () => undefined;
  function Probe() {
    dispatch = useImport()[1];
    return null;
  }
  render(
    <BackendProvider backend={backend}>
      <ImportProvider>
        <Probe />
      </ImportProvider>
    </BackendProvider>,
  );
  return { cancel, send: (a: ImportAction) => act(() => dispatch(a)) };
}

describe('the check running in the core', () => {
  it('is remembered while the user moves between steps and sections', () => {
    const { cancel, send } = setup();
    send({ type: 'checkStarted', jobId: 'check-1' });
    send({ type: 'go', step: 'columns' });
    send({ type: 'go', step: 'check' });
    send({ type: 'checkStarted', jobId: 'check-1' }); // re-attached: the same job
    expect(cancel).not.toHaveBeenCalled();
  });

  it('is cancelled when the wizard starts over or takes another file', () => {
    const { cancel, send } = setup();
    send({ type: 'checkStarted', jobId: 'check-1' });
    send({ type: 'reset' });
    expect(cancel).toHaveBeenCalledWith('check-1');
    send({ type: 'checkStarted', jobId: 'check-2' });
    send({ type: 'file', path: '/tmp/other.csv' });
    expect(cancel).toHaveBeenLastCalledWith('check-2');
  });

  it('is cancelled when a check of another request replaces it', () => {
    const { cancel, send } = setup();
    send({ type: 'checkStarted', jobId: 'check-1' });
    send({ type: 'checkStarted', jobId: 'check-2' });
    expect(cancel).toHaveBeenCalledWith('check-1');
    expect(cancel).not.toHaveBeenCalledWith('check-2');
  });

  it('is forgotten once its result is in', () => {
    const s = importReducer(
      { ...initialImport, checkJob: 'check-1' },
      {
        type: 'validated',
        summary: {} as never,
        forRequest: 'k',
      },
    );
    expect(s.checkJob).toBeNull();
  });
});
