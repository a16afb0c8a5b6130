//! Long work as a person reads it: rows of rows (or megabytes when rows are not known yet), the
//! pace, and the time left. The rate and the time left come computed from the core
//! (`mb_uploader::progress`); this only words them, in one place for every progress screen.
import type { TFunction } from 'i18next';
import type { Progress } from '../ipc';
import { localeOf } from '../i18n';

export interface ProgressText {
  /** 0–100, or null when the amount is unknown (an indeterminate bar). */
  percent: number | null;
  /** «1 200 из 5 000 строк · 66 из 504 МБ», «66 из 504 МБ», «12 345 строк». */
  amount: string;
  /** «3,1 МБ/с · осталось ≈ 2 мин». */
  pace: string;
}

const KB = 1024;
const MB = KB * 1024;
const GB = MB * 1024;

function unitFor(bytes: number): { size: number; key: 'b' | 'kb' | 'mb' | 'gb' } {
  if (bytes >= GB) return { size: GB, key: 'gb' };
  if (bytes >= MB) return { size: MB, key: 'mb' };
  if (bytes >= KB) return { size: KB, key: 'kb' };
  return { size: 1, key: 'b' };
}

function amountIn(bytes: number, size: number, lang: string): string {
  const v = bytes / size;
  // Whole units from 10 up («66 из 504 МБ»), one decimal below («1,4 из 8,2 ГБ»).
  const digits = size === 1 || v >= 10 ? 0 : 1;
  return new Intl.NumberFormat(localeOf(lang), { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
    v,
  );
}

/** «66 из 504 МБ»: both numbers in the unit of the total. */
export function formatBytesOf(done: number, total: number, t: TFunction, lang: string): string {
  const u = unitFor(total);
  return t('progress.bytesOf', {
    done: amountIn(Math.min(done, total), u.size, lang),
    total: amountIn(total, u.size, lang),
    unit: t(`progress.units.${u.key}`),
  });
}

/** «3,1 МБ/с». */
export function formatRate(bytesPerSec: number, t: TFunction, lang: string): string {
  const u = unitFor(bytesPerSec);
  return t('progress.perSecond', { value: amountIn(bytesPerSec, u.size, lang), unit: t(`progress.units.${u.key}`) });
}

/** «≈ 40 с», «≈ 2 мин», «≈ 1 ч 5 мин»: rounded the way a person would say it. */
export function formatTimeLeft(secs: number, t: TFunction): string {
  if (secs < 60) {
    const s = Math.max(5, Math.ceil(secs / 5) * 5);
    return s >= 60 ? t('progress.minutes', { n: 1 }) : t('progress.seconds', { n: s });
  }
  const minutes = Math.round(secs / 60);
  if (minutes < 60) return t('progress.minutes', { n: minutes });
  return t('progress.hours', { h: Math.floor(minutes / 60), m: minutes % 60 });
}

export function describeProgress(p: Progress | null, t: TFunction, lang: string): ProgressText {
  // Waiting (for Metrica's answer, or for another send to the same counter) has no amount to
  // show: the bar runs, the words say why.
  if (!p || p.stage === 'waiting' || p.stage === 'queued') return { percent: null, amount: '', pace: '' };
  const total = p.total !== null && p.total > 0 ? p.total : null;
  const percent = total !== null ? Math.min(100, (p.done / total) * 100) : null;
  const parts: string[] = [];
  if (p.total_rows !== null && p.total_rows > 0) {
    parts.push(
      t('progress.rowsOf', {
        count: p.total_rows,
        done: new Intl.NumberFormat(localeOf(lang)).format(Math.min(p.rows, p.total_rows)),
        total: new Intl.NumberFormat(localeOf(lang)).format(p.total_rows),
      }),
    );
  } else if (p.rows > 0) {
    parts.push(t('common.rows', { count: p.rows }));
  }
  if (total !== null) parts.push(formatBytesOf(p.done, total, t, lang));
  const pace: string[] = [];
  if (p.rows_per_sec !== null && p.rows_per_sec > 0 && p.total_rows === null) {
    pace.push(t('progress.rowsPerSecond', { count: Math.round(p.rows_per_sec) }));
  } else if (p.bytes_per_sec !== null && p.bytes_per_sec > 0) {
    pace.push(formatRate(p.bytes_per_sec, t, lang));
  }
  if (p.eta_secs !== null && total !== null && p.done < total) {
    pace.push(t('progress.left', { time: formatTimeLeft(p.eta_secs, t) }));
  }
  return { percent, amount: parts.join(' · '), pace: pace.join(' · ') };
}
