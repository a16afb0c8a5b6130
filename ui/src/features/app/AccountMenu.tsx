//! The account menu (switch to another signed-in account, manage accounts), loaded on the first
//! click on the account button: Gravity's menu and popup code is not read by the first screen.
import { Check } from '@gravity-ui/icons';
import { DropdownMenu, Icon, Popup } from '@gravity-ui/uikit';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorNotice } from '../../common/ErrorNotice';
import { useNextFrame } from '../../common/lazy';
import { AccountButton, accountName } from './AccountButton';
import { useAccounts, useBackend, useSession } from './context';

/** Mounted by the first click, it opens itself (from the next frame: useNextFrame); `focus`: the
 *  click came with the keyboard focus on the button (Enter, Space), which stays on the button
 *  that replaces it. */
export function AccountMenu({ focus }: { focus: boolean }) {
  const { t } = useTranslation();
  const backend = useBackend();
  const qc = useQueryClient();
  const accounts = useAccounts();
  const { go } = useSession();
  const [open, setOpen] = useState(true);
  const ready = useNextFrame();
  const button = useRef<HTMLButtonElement>(null);
  // The button as state too: the popup of a failed switch is anchored to it.
  const [anchor, setAnchor] = useState<HTMLButtonElement | null>(null);
  const buttonRef = useCallback((el: HTMLButtonElement | null) => {
    button.current = el;
    setAnchor(el);
  }, []);
  useEffect(() => {
    if (focus) button.current?.focus();
  }, [focus]);
  const switchTo = useMutation({
    mutationFn: (login: string) => backend.switchAccount(login),
    onSuccess: () => void qc.invalidateQueries(),
  });
  const list = accounts.data ?? [];
  const active = list.find((a) => a.active);
  if (!active) return null;
  // A menu, not a Select: Gravity's Select brings its list, drag-and-drop and virtualisation code.
  return (
    <>
      <DropdownMenu
        size="l"
        open={open && ready}
        onOpenToggle={setOpen}
        items={[
          list.map((a) => ({
            text: accountName(a),
            selected: a.active,
            iconEnd: a.active ? <Icon data={Check} size={16} /> : undefined,
            qa: `account-${a.login}`,
            action: () => {
              if (!a.active) switchTo.mutate(a.login);
            },
          })),
          [{ text: t('top.manageAccounts'), qa: 'account-manage', action: () => go('accounts') }],
        ]}
        renderSwitcher={(props) => (
          <AccountButton ref={buttonRef} {...props} name={accountName(active)} loading={switchTo.isPending} />
        )}
      />
      {/* A switch that failed says so under the button, with a retry (the menu has closed). */}
      {switchTo.isError ? (
        <Popup
          anchorElement={anchor}
          open
          placement="bottom-end"
          onOpenChange={(o) => {
            if (!o) switchTo.reset();
          }}
          qa="account-switch-error"
        >
          <div className="mb-popup-notice">
            <ErrorNotice
              error={switchTo.error}
              onRetry={() => {
                const login = switchTo.variables;
                if (login) switchTo.mutate(login);
              }}
            />
          </div>
        </Popup>
      ) : null}
    </>
  );
}
