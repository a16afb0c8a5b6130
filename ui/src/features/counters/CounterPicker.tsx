//! The counter switcher at the top: a button showing the active counter, and a dialog with
//! search and a virtualised list for agencies with hundreds of counters (CounterList.tsx,
//! loaded when the dialog first opens). The dialog itself is mounted on first open, then kept
//! (so it animates when it closes): a closed Gravity dialog still costs the first screen a render.
import { ChevronDown } from '@gravity-ui/icons';
import { Button, Dialog, Icon, Text } from '@gravity-ui/uikit';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatTimeZone } from '../../common/format';
import { Loading, lazyNamed } from '../../common/lazy';
import { useActiveCounter, useSession } from '../app/context';

const CounterList = lazyNamed(() => import('./CounterList'), 'CounterList');

export function CounterPicker() {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(false);
  const [mounted, setMounted] = useState(false);
  if (open && !mounted) setMounted(true);
  const counter = useActiveCounter();
  const { setCounterId } = useSession();
  // The dialog's focus manager would otherwise focus its own container, not the search box.
  const searchRef = useRef<HTMLInputElement>(null);
  return (
    <>
      <Button
        view="outlined"
        size="l"
        onClick={() => setOpen(true)}
        qa="counter-picker"
        className="mb-counter-button"
        title={t('top.chooseCounter')}
      >
        <span className="mb-counter-button__text">
          <span className="mb-counter-button__label">{t('top.counter')}</span>
          <span className="mb-ellipsis">{counter ? counter.name : t('top.chooseCounter')}</span>
        </span>
        {counter ? (
          <Text variant="caption-2" color="secondary" className="mb-counter-button__meta">
            {t('top.counterCaption', { id: counter.id, tz: formatTimeZone(counter.time_zone, i18n.language) })}
          </Text>
        ) : null}
        <Icon data={ChevronDown} size={16} />
      </Button>
      {mounted ? (
        <Dialog
          open={open}
          onClose={() => setOpen(false)}
          size="m"
          qa="counter-dialog"
          aria-labelledby="counter-dialog-title"
          initialFocus={searchRef}
        >
          <Dialog.Header caption={<span id="counter-dialog-title">{t('top.counterTitle')}</span>} />
          <Dialog.Body>
            {open ? (
              <Loading>
                <CounterList
                  searchRef={searchRef}
                  onPick={(c) => {
                    setCounterId(c.id);
                    setOpen(false);
                  }}
                />
              </Loading>
            ) : null}
          </Dialog.Body>
        </Dialog>
      ) : null}
    </>
  );
}
