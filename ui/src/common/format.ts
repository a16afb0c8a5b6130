//! Numbers, money, percentages and dates in the user's locale (ru-RU by default:
//! 12 500,50 ₽ and 22.11.2026 14:05). No i18n texts here, only Intl.
import { localeOf } from '../i18n';
import type { CellKind } from '../ipc';

export function formatNumber(n: number, lang = 'ru'): string {
  return new Intl.NumberFormat(localeOf(lang)).format(n);
}

export function formatMoney(n: number, currency = 'RUB', lang = 'ru'): string {
  return new Intl.NumberFormat(localeOf(lang), {
    style: 'currency',
    currency,
    minimumFractionDigits: Number.isInteger(n) ? 0 : 2,
    maximumFractionDigits: 2,
  }).format(n);
}

export function formatPercent(share: number, lang = 'ru'): string {
  return new Intl.NumberFormat(localeOf(lang), { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

export function formatBytes(bytes: number, lang = 'ru'): string {
  const units = lang === 'en' ? ['B', 'KB', 'MB', 'GB'] : ['Б', 'КБ', 'МБ', 'ГБ'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  const num = new Intl.NumberFormat(localeOf(lang), { maximumFractionDigits: u === 0 ? 0 : 1 }).format(v);
  return `${num} ${units[u] ?? ''}`;
}

/** `22.11.2026 14:05` (ru) or `22/11/2026 14:05` (en), in `timeZone` when given. */
export function formatDateTime(iso: string, lang = 'ru', timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = new Intl.DateTimeFormat(localeOf(lang), {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone,
  }).formatToParts(d);
  const get = (t: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === t)?.value ?? '';
  const sep = lang === 'en' ? '/' : '.';
  return `${get('day')}${sep}${get('month')}${sep}${get('year')} ${get('hour')}:${get('minute')}`;
}

/** A calendar day as the core names it (`YYYY-MM-DD`, a day in the counter's zone, not an
 *  instant): 22.11.2026, or 22/11/2026 in English — never moved by the computer's zone. */
export function formatDay(ymd: string, lang = 'ru'): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd.trim());
  if (!m) return ymd;
  const sep = lang === 'en' ? '/' : '.';
  return `${m[3]}${sep}${m[2]}${sep}${m[1]}`;
}

export function formatDate(iso: string, lang = 'ru'): string {
  return formatDateTime(iso, lang).split(' ')[0] ?? iso;
}

/**
 * Time-zone names as people say them (Europe/Moscow, 180 → Москва, GMT+3), written the way
 * ICU's `shortOffset` writes offsets (GMT+5:30, GMT-3, GMT+0). The offset comes from the core
 * (`Counter.utc_offset_minutes`): asking the web view's `Intl` for it loads ICU's zone names,
 * ~9 ms on the first screen, where the top bar shows the counter's zone.
 */
export function formatTimeZone(tz: string, offsetMinutes: number | null, lang = 'ru'): string {
  const city = tz.split('/').pop()?.replace(/_/g, ' ') ?? tz;
  const cityRu: Record<string, string> = {
    Moscow: 'Москва',
    Yekaterinburg: 'Екатеринбург',
    Novosibirsk: 'Новосибирск',
    Samara: 'Самара',
    Omsk: 'Омск',
    Kaliningrad: 'Калининград',
    Vladivostok: 'Владивосток',
    Krasnoyarsk: 'Красноярск',
  };
  const label = lang === 'ru' ? (cityRu[city] ?? city) : city;
  return offsetMinutes === null ? label : `${label}, ${formatUtcOffset(offsetMinutes)}`;
}

/** 180 → GMT+3, 330 → GMT+5:30, -210 → GMT-3:30, 0 → GMT+0. */
export function formatUtcOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  const m = abs % 60;
  return `GMT${minutes < 0 ? '-' : '+'}${Math.floor(abs / 60)}${m ? `:${String(m).padStart(2, '0')}` : ''}`;
}

/**
 * A calendar day typed by a person: `20.11.2026`, `20/11/2026`, `2026-11-20` (what a native
 * date field gives). Returns `null` for empty text and `'invalid'` for anything that is not a
 * real day, so a filter can ignore it with a hint instead of throwing (WebKitGTK draws
 * `<input type=date>` as a plain text box, so any text can arrive).
 */
export function parseDay(text: string): { year: number; month: number; day: number } | null | 'invalid' {
  const s = text.trim();
  if (s === '') return null;
  let m = /^(\d{1,2})[./](\d{1,2})[./](\d{4})$/.exec(s);
  let year: number, month: number, day: number;
  if (m) {
    [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else {
    m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
    if (!m) return 'invalid';
    [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  }
  if (year < 1970 || year > 2200 || month < 1 || month > 12 || day < 1) return 'invalid';
  const last = new Date(year, month, 0).getDate();
  if (day > last) return 'invalid';
  return { year, month, day };
}

/** A typed day as `yyyy-mm-dd` for the core, which decides the instants it covers (in the
 *  window's zone, the last day whole); null when there is none or it is not a day. */
export function dayIso(text: string): string | null {
  const d = parseDay(text);
  if (d === null || d === 'invalid') return null;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.year}-${two(d.month)}-${two(d.day)}`;
}

/**
 * A money value as the core writes it (`2990.5`, `-500`) the way a person reads it:
 * `2 990,50` (ru) or `2,990.50` (en); the text itself when it is not a number.
 */
export function formatMoneyText(text: string, lang = 'ru'): string {
  const s = text.trim();
  if (!/^-?\d+(\.\d+)?$/.test(s)) return text;
  const n = Number(s);
  return new Intl.NumberFormat(localeOf(lang), {
    minimumFractionDigits: Number.isInteger(n) ? 0 : 2,
    maximumFractionDigits: 2,
  }).format(n);
}

/**
 * A spreadsheet cell the core read as a number or a date (`2990.5`, `2026-11-13 13:15:00`),
 * the way Excel shows it to a person: `2 990,5`, `13.11.2026 13:15`. Whole numbers stay as
 * written (they are often order numbers or phones). Text typed into a cell, and every other
 * kind, is shown as it is: the core, not its look, says what a cell held.
 */
export function formatSheetCell(text: string, kind: CellKind, lang = 'ru'): string {
  if (kind === 'date' || kind === 'date_time') {
    const d = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
    if (!d) return text;
    const sep = lang === 'en' ? '/' : '.';
    const day = `${d[3]}${sep}${d[2]}${sep}${d[1]}`;
    if (d[4] === undefined) return day;
    const secs = d[6] !== undefined && d[6] !== '00' ? `:${d[6]}` : '';
    return `${day} ${d[4]}:${d[5]}${secs}`;
  }
  if (kind === 'number' && /^-?\d+\.\d+$/.test(text)) {
    const digits = text.split('.')[1]?.length ?? 0;
    return new Intl.NumberFormat(localeOf(lang), {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(Number(text));
  }
  return text;
}
