//! What keeps a checked file from going is the core's (`ValidationSummary.gate`, made by
//! `mb_uploader::gate`): every stop per step, in order, with the answers that lift each. The
//! window shows the first its answers leave, in the step's own words, and decides nothing else.
import type { TFunction } from 'i18next';
import type { GateStop, SendAnswer, SendStop, ValidationSummary } from '../../ipc';
import { explainError } from '../../common/errors';
import { formatDay } from '../../common/format';
import { onlyNewRows, type ImportState } from './state';

/** The answers given on the way to «Отправить»: what lifts the core's stops. */
export function sendAnswers(s: ImportState): SendAnswer[] {
  const a: SendAnswer[] = [];
  if (s.skipInvalid) a.push('skip_invalid');
  if (s.duplicateAnswer !== null) a.push('duplicate');
  if (onlyNewRows(s)) a.push('only_new');
  return a;
}

/** The first stop none of the answers lifts (`mb_uploader::gate::first`, line for line). */
export function firstStop(stops: GateStop[], answers: SendAnswer[]): SendStop | null {
  return stops.find((s) => !s.lifted_by.some((a) => answers.includes(a)))?.stop ?? null;
}

/** Why the file cannot go when the core says the file itself has errors: the first of them by
 *  its title (a row with more cells than the header, a missing column, an attribute the counter
 *  lacks) and what to do about it, since skipping the rows with errors, which the user may
 *  expect to help, does not get around it. */
export function fileErrorText(v: ValidationSummary, t: TFunction): string {
  const first = v.issues.find((i) => i.record === 0 && i.severity === 'error');
  return first
    ? t('send.fileErrorsHere', { what: t(`issues.${first.code}.title`), todo: t(`issues.${first.code}.todo`) })
    : t('send.fileErrors');
}

/** A stop in the words of the step that shows it (the Check step asks the duplicate question
 *  itself; the review points back to it). */
export function stopText(
  stop: SendStop,
  step: 'check' | 'review',
  v: ValidationSummary,
  counterId: number,
  t: TFunction,
  lang: string,
): string {
  switch (stop) {
    case 'no_access':
      return t('errors.no_access', { counterId });
    case 'window_not_open':
      return t('errors.linking_window_not_open', { date: formatDay(v.window_opens_on ?? '', lang) });
    case 'file_errors':
      return step === 'check' ? fileErrorText(v, t) : t('send.fileErrors');
    case 'no_valid_rows':
      return t('send.nothing');
    case 'row_errors':
      return t('send.needSkip');
    case 'duplicate_cut_off':
      return t('send.resendFromHistory');
    case 'cut_off_unsettled':
      // The core's refusal itself, with the upload and the time to try again.
      return v.cut_off_unsettled ? explainError(v.cut_off_unsettled, t, lang).text : t('send.resendFromHistory');
    case 'duplicate':
      return step === 'check' ? t('send.needDuplicateAnswerHere') : t('send.needDuplicateAnswer');
  }
}
