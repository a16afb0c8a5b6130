//! The import wizard: a Stepper over Файл → Столбцы → Статусы (CRM only) → Проверка → Отправка.
//! Every reached step can be revisited; Enter triggers the step's main action, except on the
//! final review, where sending takes a deliberate press of the button. Focus moves to each new
//! step's heading, so keyboard and screen-reader users start at the top of the step.
import { Alert, Stepper } from '@gravity-ui/uikit';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useActiveCounter, useSettings } from '../app/context';
import { Loading, lazyNamed } from '../../common/lazy';
import { FileStep } from './FileStep';
import { LinkingWindowNotice } from './LinkingWindowNotice';
import { type StepId, isAccepted, reachable, stepsFor, useImport } from './state';

// The file step is the window's first screen; the others load when first reached.
const ColumnsStep = lazyNamed(() => import('./ColumnsStep'), 'ColumnsStep');
const StatusesStep = lazyNamed(() => import('./StatusesStep'), 'StatusesStep');
const CheckStep = lazyNamed(() => import('./CheckStep'), 'CheckStep');
const SendStep = lazyNamed(() => import('./SendStep'), 'SendStep');

const INTERACTIVE =
  'button, a, input, textarea, select, [role="combobox"], [role="option"], [role="listbox"], [role="radio"], [role="checkbox"], [role="row"]';

export function ImportScreen() {
  const { t } = useTranslation();
  const [s, dispatch] = useImport();
  const counter = useActiveCounter();
  const settings = useSettings();
  const hashDefault = settings.data?.hash_contacts_by_default ?? false;
  const rootRef = useRef<HTMLDivElement>(null);
  const steps = stepsFor(s);
  const counterId = counter?.id ?? null;
  // The review of a check made for another counter, account or choice would promise rows it
  // does not know: the check runs again first (it starts by itself).
  const staleReview =
    s.step === 'send' &&
    !s.sending &&
    s.result === null &&
    !reachable(s, 'send', counterId, hashDefault) &&
    reachable(s, 'check', counterId, hashDefault);
  const current = !steps.includes(s.step) ? 'file' : staleReview ? 'check' : s.step;
  useEffect(() => {
    if (staleReview) dispatch({ type: 'go', step: 'check' });
  }, [staleReview, dispatch]);
  // A finished send belongs to the counter it went to: another client chosen in the top bar
  // (or by «Загрузить» on the Clients screen) starts a new upload, so that nothing said or
  // offered there («Повторять автоматически») seems to be about the new one.
  const sentElsewhere = s.sentTo !== null && counterId !== null && s.sentTo.id !== counterId;
  useEffect(() => {
    if (sentElsewhere) dispatch({ type: 'reset' });
  }, [sentElsewhere, dispatch]);
  const index = steps.indexOf(current);
  const go = (step: StepId) => dispatch({ type: 'go', step });
  const next = () => {
    const n = steps[index + 1];
    if (n) go(n);
  };
  const back = () => {
    const p = steps[index - 1];
    if (p) go(p);
  };

  // A step change moves focus to the new step's heading (not back to <body>).
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    const body = rootRef.current?.querySelector<HTMLElement>('.mb-wizard__body');
    if (!body) return;
    const focusHeading = () => {
      // While a step loads, React keeps the previous one in place, hidden (display: none).
      const h = [...body.querySelectorAll<HTMLElement>('h2')].find((e) => !e.closest('[style*="display: none"]'));
      if (!h) return false;
      h.tabIndex = -1;
      h.focus({ preventScroll: false });
      return true;
    };
    // A step seen for the first time is still loading (its code is read on demand): its
    // heading gets the focus as soon as it is there.
    let observer: MutationObserver | null = null;
    const id = window.requestAnimationFrame(() => {
      if (focusHeading()) return;
      observer = new MutationObserver(() => {
        if (focusHeading()) observer?.disconnect();
      });
      observer.observe(body, { childList: true, subtree: true });
    });
    return () => {
      window.cancelAnimationFrame(id);
      observer?.disconnect();
    };
  }, [current]);

  // Enter anywhere outside a control (including after focus fell back to <body>) runs the
  // step's main action; dialogs keep Enter for themselves.
  useEffect(() => {
    const onKeyDown = (e: globalThis.KeyboardEvent) => {
      if (e.key !== 'Enter' || e.defaultPrevented || e.shiftKey || e.ctrlKey || e.altKey || e.repeat) return;
      const target = e.target instanceof HTMLElement ? e.target : null;
      if (target?.closest(INTERACTIVE) || document.querySelector('.g-modal_open, [role="dialog"]')) return;
      // Sending is never one stray Enter away: on the review only the focused button sends.
      if (rootRef.current?.querySelector('.mb-wizard__body')?.getAttribute('data-step') === 'send') return;
      const main = rootRef.current?.querySelector<HTMLButtonElement>('[data-main-action="true"]:not([disabled])');
      if (main) {
        e.preventDefault();
        main.click();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);

  const viewOf = (step: StepId, i: number) => {
    // The last step is done when Metrica took the file (every part of it): the part shown was
    // accepted and no error stopped the send before the rest (as the result screen decides).
    if (step === 'send' && s.result?.upload && isAccepted(s.result.upload) && s.result.error === null)
      return 'success' as const;
    if (i < index && reachable(s, step, counterId, hashDefault)) return 'success' as const;
    return 'idle' as const;
  };

  return (
    <div className="mb-wizard" ref={rootRef} data-testid="wizard">
      <nav aria-label={t('steps.label')} className="mb-wizard__steps">
        <Stepper value={current} onUpdate={(id) => id !== undefined && go(id as StepId)} size="m">
          {steps.map((step, i) => (
            <Stepper.Item
              key={step}
              id={step}
              view={viewOf(step, i)}
              // While a send runs the wizard stays on its review.
              disabled={s.sending ? step !== current : !reachable(s, step, counterId, hashDefault)}
              aria-current={step === current ? 'step' : undefined}
              qa={`step-${step}`}
            >
              {t(`steps.${step}`)}
            </Stepper.Item>
          ))}
        </Stepper>
      </nav>
      {counter && !counter.can_upload ? (
        <Alert
          theme="warning"
          qa="view-only-counter"
          title={t('top.viewOnlyTitle', { name: counter.name })}
          message={t('top.viewOnlyWhy')}
        />
      ) : null}
      {s.heldPath && !s.sending && !s.result && s.path ? (
        // A file opened from outside while this one is not sent: the user decides.
        <Alert
          theme="info"
          qa="held-unsent"
          message={t('file.heldUnsent', { file: baseName(s.heldPath), current: baseName(s.path) })}
          actions={
            <Alert.Actions>
              <Alert.Action view="action" onClick={() => dispatch({ type: 'openHeld' })} qa="open-held">
                {t('send.openHeld', { file: baseName(s.heldPath) })}
              </Alert.Action>
              <Alert.Action onClick={() => dispatch({ type: 'dropHeld' })} qa="keep-current">
                {t('file.keepCurrent', { current: baseName(s.path) })}
              </Alert.Action>
            </Alert.Actions>
          }
        />
      ) : null}
      <div className="mb-wizard__body" data-step={current}>
        {(current === 'check' || current === 'send') && counter && s.kind ? (
          <LinkingWindowNotice counterId={counter.id} kind={s.kind} />
        ) : null}
        <Loading>
          {current === 'file' ? <FileStep onNext={next} /> : null}
          {current === 'columns' ? <ColumnsStep onBack={back} onNext={next} /> : null}
          {current === 'statuses' ? <StatusesStep onBack={back} onNext={next} /> : null}
          {current === 'check' ? <CheckStep onBack={back} onNext={next} /> : null}
          {current === 'send' ? <SendStep onBack={back} /> : null}
        </Loading>
      </div>
    </div>
  );
}

const baseName = (path: string) => path.split(/[\\/]/).pop() ?? path;
