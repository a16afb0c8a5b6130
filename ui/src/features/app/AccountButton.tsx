//! The account switcher's button in the top bar: the same element before the account menu's
//! code is loaded (Shell.tsx) and as that menu's switcher afterwards (AccountMenu.tsx).
import { ChevronDown } from '@gravity-ui/icons';
import { Button, Icon } from '@gravity-ui/uikit';
import { forwardRef, type KeyboardEventHandler, type MouseEventHandler } from 'react';
import { useTranslation } from 'react-i18next';
import type { Account } from '../../ipc';

/** How an account is named in the switcher and its menu: «Имя (login)» or the login alone. */
export const accountName = (a: Account) => (a.display_name ? `${a.display_name} (${a.login})` : a.login);

type Props = {
  name: string;
  loading?: boolean;
  onClick: MouseEventHandler<HTMLElement>;
  onKeyDown?: KeyboardEventHandler<HTMLElement>;
  /** Set while switching is not possible (a file is being sent); shown as the hint. */
  disabledReason?: string;
};

export const AccountButton = forwardRef<HTMLButtonElement, Props>(function AccountButton(
  { name, loading, onClick, onKeyDown, disabledReason },
  ref,
) {
  const { t } = useTranslation();
  return (
    <Button
      ref={ref}
      onClick={onClick}
      onKeyDown={onKeyDown}
      view="outlined"
      size="l"
      qa="account-switcher"
      className="mb-account-button"
      title={disabledReason ?? t('top.account')}
      loading={loading}
      disabled={disabledReason !== undefined}
    >
      <span className="mb-account-button__text">
        <span className="mb-account-button__label">{t('top.account')}:</span>
        <span className="mb-ellipsis">{name}</span>
      </span>
      <Icon data={ChevronDown} size={16} />
    </Button>
  );
});
