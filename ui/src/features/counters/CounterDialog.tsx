//! The counter dialog: search and a virtualised list of the account's counters (CounterList.tsx).
//! Loaded on the first click on the counter button (CounterPicker.tsx), so the first screen does
//! not read Gravity's dialog, modal and focus-trap code; kept mounted afterwards, so it animates
//! when it closes.
import { Dialog } from '@gravity-ui/uikit';
import { useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useNextFrame } from '../../common/lazy';
import type { Counter } from '../../ipc';
import { CounterList } from './CounterList';

export function CounterDialog({
  open,
  onClose,
  onPick,
}: {
  open: boolean;
  onClose: () => void;
  onPick: (c: Counter) => void;
}) {
  const { t } = useTranslation();
  // Closed on its first render, so its initial focus finds the search box (useNextFrame).
  const ready = useNextFrame();
  const shown = open && ready;
  // The dialog's focus manager would otherwise focus its own container, not the search box.
  const searchRef = useRef<HTMLInputElement>(null);
  return (
    <Dialog
      open={shown}
      onClose={onClose}
      size="m"
      qa="counter-dialog"
      aria-labelledby="counter-dialog-title"
      initialFocus={searchRef}
    >
      <Dialog.Header caption={<span id="counter-dialog-title">{t('top.counterTitle')}</span>} />
      <Dialog.Body>{shown ? <CounterList searchRef={searchRef} onPick={onPick} /> : null}</Dialog.Body>
    </Dialog>
  );
}
