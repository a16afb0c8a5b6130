//! Why an upload failed, in the user's language (typed reasons from the core, texts from the
//! shared catalogue).
import type { TFunction } from 'i18next';
import type { FailureReason } from '../ipc';
import { formatDay } from './format';

/** A failure reason in words: local reasons are codes with texts in the catalogue; Metrica's own
 * words (a rejection) pass through. */
export function failureText(reason: FailureReason, t: TFunction, lang = 'ru'): string {
  switch (reason.kind) {
    case 'message':
      return reason.text;
    case 'server_error':
      return t('history.reason.server_error', { status: reason.status });
    case 'linking_window':
      return t('history.reason.linking_window', { date: formatDay(reason.date, lang) });
    default:
      return t(`history.reason.${reason.kind}`);
  }
}
