//! Sign in with Yandex: loopback in the browser (default), paste-code fallback, device flow.
//! The token never reaches the web view; we only see the login that Rust returns. Loaded when
//! the dialog is first opened (the Shell keeps it mounted from then on).
import { Alert, Dialog, Loader, SegmentedRadioGroup, Text, TextInput } from '@gravity-ui/uikit';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SignInMethod, SignInStarted } from '../../ipc';
import { ErrorNotice } from '../../common/ErrorNotice';
import { useBackend, useSession } from '../app/context';

export function SignInDialog() {
  const { t } = useTranslation();
  const backend = useBackend();
  const qc = useQueryClient();
  const { signInOpen, setSignInOpen, go } = useSession();
  const [method, setMethod] = useState<SignInMethod>('loopback');
  const [started, setStarted] = useState<SignInStarted | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // The loopback port was busy and the backend switched to paste-the-code.
  const [portBusy, setPortBusy] = useState(false);
  // The attempt in progress and its flow once the backend has named it. Cancel or close ends
  // the attempt: answers that arrive later belong to nobody (a flow named only after the user
  // cancelled is cancelled then, so its browser consent is never used and its port is freed).
  const attempt = useRef<{ flow: string | null } | null>(null);

  const close = () => {
    setSignInOpen(false);
    setStarted(null);
    setCode('');
    setError(null);
    setBusy(false);
    setPortBusy(false);
  };
  // Cancelling a sign-in in progress stops the wait in the backend and frees its port.
  const cancel = () => {
    const flow = attempt.current?.flow ?? started?.flow_id ?? null;
    attempt.current = null;
    if (flow) void backend.cancel(flow);
    close();
  };
  const isCancelled = (e: unknown) =>
    typeof e === 'object' && e !== null && (e as { kind?: string }).kind === 'cancelled';
  const done = async () => {
    await qc.invalidateQueries();
    close();
    go('upload');
  };
  const begin = async () => {
    const mine: { flow: string | null } = { flow: null };
    attempt.current = mine;
    const ended = () => attempt.current !== mine;
    setError(null);
    setBusy(true);
    try {
      const s = await backend.beginSignIn(method);
      mine.flow = s.flow_id;
      if (ended()) {
        void backend.cancel(s.flow_id);
        return;
      }
      setStarted(s);
      if (s.method !== method) {
        setMethod(s.method);
        setPortBusy(true);
        setBusy(false);
      } else if (method !== 'paste_code') {
        await backend.completeSignIn(s.flow_id, null);
        // Signed in after all (the cancel came too late): the app shows it, the dialog stays shut.
        if (ended()) return void (await qc.invalidateQueries());
        await done();
      } else setBusy(false);
    } catch (e) {
      if (ended() || isCancelled(e)) return;
      setError(e);
      setBusy(false);
    }
  };
  const confirm = async () => {
    if (!started) return;
    const mine = attempt.current;
    setError(null);
    setBusy(true);
    try {
      await backend.completeSignIn(started.flow_id, code.trim());
      if (attempt.current !== mine) return void (await qc.invalidateQueries());
      await done();
    } catch (e) {
      if (attempt.current !== mine || isCancelled(e)) return;
      setError(e);
      setBusy(false);
    }
  };

  return (
    <Dialog open={signInOpen} onClose={cancel} size="m" aria-labelledby="sign-in-title" qa="sign-in-dialog">
      <Dialog.Header caption={<span id="sign-in-title">{t('accounts.dialogTitle')}</span>} />
      <Dialog.Body>
        <div className="mb-signin">
          <SegmentedRadioGroup
            value={method}
            onUpdate={(v) => {
              setMethod(v);
              setStarted(null);
              setError(null);
              setPortBusy(false);
            }}
            options={(['loopback', 'paste_code', 'device'] as SignInMethod[]).map((m) => ({
              value: m,
              content: t(`accounts.methods.${m}`),
            }))}
            disabled={busy}
            qa="sign-in-method"
          />
          {portBusy ? <Alert theme="warning" message={t('accounts.portBusy')} qa="sign-in-port-busy" /> : null}
          <Text as="p">
            {method === 'paste_code'
              ? t('accounts.pasteText')
              : method === 'device'
                ? t('accounts.deviceText', { url: started?.verification_url ?? 'ya.ru/device' })
                : t('accounts.loopbackText')}
          </Text>
          {started?.user_code ? (
            <Text variant="display-1" className="mb-signin__code">
              {started.user_code}
            </Text>
          ) : null}
          {started ? (
            <div className="mb-signin__link">
              <Text color="secondary" variant="caption-2">
                {t('accounts.link')}
              </Text>
              <Text variant="code-1" className="mb-signin__url" wordBreak="break-all">
                {started.authorize_url}
              </Text>
            </div>
          ) : null}
          {busy && method !== 'paste_code' ? (
            <div className="mb-loading" role="status">
              <Loader size="s" />
              <Text color="secondary">{t('accounts.waiting')}</Text>
            </div>
          ) : null}
          {method === 'paste_code' && started ? (
            <TextInput
              value={code}
              onUpdate={setCode}
              label={t('accounts.codeLabel')}
              autoFocus
              onKeyDown={(e) => {
                if (e.key === 'Enter') void confirm();
              }}
              qa="sign-in-code"
            />
          ) : null}
          {error ? <ErrorNotice error={error} /> : null}
          {method === 'loopback' && !started ? <Alert theme="info" message={t('accounts.text')} /> : null}
        </div>
      </Dialog.Body>
      <Dialog.Footer
        onClickButtonCancel={cancel}
        textButtonCancel={busy ? t('accounts.cancelSignIn') : t('common.cancel')}
        propsButtonCancel={{ qa: 'sign-in-cancel', disabled: false }}
        onClickButtonApply={() => void (method === 'paste_code' && started ? confirm() : begin())}
        textButtonApply={method === 'paste_code' && started ? t('accounts.confirm') : t('accounts.start')}
        propsButtonApply={{
          disabled: busy || (method === 'paste_code' && started !== null && code.trim() === ''),
          view: 'action',
        }}
        loading={busy}
      />
    </Dialog>
  );
}
