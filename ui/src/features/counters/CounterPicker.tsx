//! The counter switcher at the top: a button showing the active counter, and a dialog with
//! search and a virtualised list for agencies with hundreds of counters (CounterDialog.tsx,
//! loaded and mounted on the first click, then kept, so it animates when it closes).
import { ChevronDown } from '@gravity-ui/icons';
import { Button, Icon, Text } from '@gravity-ui/uikit';
import { Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatTimeZone } from '../../common/format';
import { lazyNamed } from '../../common/lazy';
import { useActiveCounter, useAllCounters, useSession } from '../app/context';

const CounterDialog = lazyNamed(() => import('./CounterDialog'), 'CounterDialog');

export function CounterPicker({ locked = false }: { locked?: boolean }) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(false);
  const [mounted, setMounted] = useState(false);
  const show = () => {
    setMounted(true);
    setOpen(true);
  };
  const counter = useActiveCounter();
  const all = useAllCounters();
  const { setCounterId } = useSession();
  // Until the account's counters are here the button says so: «Выберите счётчик» would tell a
  // user who chose one long ago that none is chosen (with a real account the list comes over
  // the network). When they cannot be had, the dialog says why and offers to try again.
  const text = counter
    ? counter.name
    : all.isPending && all.fetchStatus !== 'idle'
      ? t('app.loading')
      : all.isError
        ? t('top.countersFailed')
        : t('top.chooseCounter');
  return (
    <>
      <Button
        view="outlined"
        size="l"
        onClick={show}
        qa="counter-picker"
        className="mb-counter-button"
        // While a file is being sent the counter stays the one the review names.
        disabled={locked}
        title={locked ? t('top.lockedWhileSending') : t('top.chooseCounter')}
      >
        <span className="mb-counter-button__text">
          <span className="mb-counter-button__label">{t('top.counter')}</span>
          <span className="mb-ellipsis" data-testid="counter-picker-text">
            {text}
          </span>
        </span>
        {counter ? (
          <Text variant="caption-2" color="secondary" className="mb-counter-button__meta">
            {t('top.counterCaption', {
              id: counter.id,
              tz: formatTimeZone(counter.time_zone, counter.utc_offset_minutes, i18n.language),
            })}
          </Text>
        ) : null}
        <Icon data={ChevronDown} size={16} />
      </Button>
      {mounted ? (
        // Nothing shows while the dialog's code arrives (a local read, a few milliseconds).
        <Suspense fallback={null}>
          <CounterDialog
            open={open}
            onClose={() => setOpen(false)}
            onPick={(c) => {
              setCounterId(c.id);
              setOpen(false);
            }}
          />
        </Suspense>
      ) : null}
    </>
  );
}
