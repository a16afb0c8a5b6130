//! A centred teaching message with optional actions, for screens with nothing to show yet.
import { Text } from '@gravity-ui/uikit';
import type { ReactNode } from 'react';

export function EmptyState({
  title,
  text,
  actions,
  testId,
}: {
  title?: string;
  text: ReactNode;
  actions?: ReactNode;
  testId?: string;
}) {
  return (
    <div className="mb-empty" data-testid={testId}>
      {title ? (
        <Text variant="header-1" as="h2">
          {title}
        </Text>
      ) : null}
      <Text variant="body-2" color="secondary" as="div" className="mb-empty__text">
        {text}
      </Text>
      {actions ? <div className="mb-empty__actions">{actions}</div> : null}
    </div>
  );
}
