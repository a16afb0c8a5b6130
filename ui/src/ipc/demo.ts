//! The in-memory demo implementation of `Backend`, used in a plain browser (dev server,
//! Playwright) and in Vitest. It imitates the Rust side's behaviour closely enough to walk
//! every screen; it never reads user files (a dropped file is known only by its name).
import type {
  Account,
  AppError,
  AppEvent,
  ColumnMapping,
  Counter,
  FieldMapping,
  FilePreview,
  Goal,
  LinkingWindow,
  HistoryFilter,
  Issue,
  IssueCode,
  JobRunView,
  JobView,
  OverviewWarning,
  IssueCount,
  Progress,
  ReadOverrides,
  Requirement,
  Settings,
  StatusValue,
  UploadDetail,
  UploadKind,
  SendResult,
  UploadRequest,
  UploadSummary,
  ValidateRequest,
  ValidationSummary,
  OrderStatusType,
  ExplanationItem,
  ExplanationCode,
  AdviceCode,
} from './bindings';
import type { Backend, FileDropEvent } from './backend';
import {
  CONVERSIONS_FILE,
  CRM_FILE,
  DEMO_LOGIN,
  type DemoFile,
  demoCounters,
  demoGoals,
  demoHistory,
  statusCounts,
} from './demoData';

export interface DemoOptions {
  /** Start with the demo account signed in (tests); a fresh demo starts at the first-run screen. */
  signedIn?: boolean;
  settings?: Partial<Settings>;
  /** Milliseconds per simulated step; 0 in unit tests. */
  latencyMs?: number;
  /** A file the app was "started with" (tests of «Открыть в Metrika Bridge»). */
  openedFile?: string;
}

type Spec = [string, Requirement];
const R: Requirement = 'required';
const I: Requirement = 'one_of_identifiers';
const O: Requirement = 'optional';

/** Mirrors mb-schema's field lists (reference §4.2, §4.5, §5.2–5.4). */
export const FIELDS: Record<UploadKind, Spec[]> = {
  conversions: [
    ['ClientId', I],
    ['UserId', I],
    ['Yclid', I],
    ['PurchaseId', I],
    ['Target', R],
    ['DateTime', R],
    ['Price', O],
    ['Currency', O],
  ],
  calls: [
    ['ClientId', I],
    ['UserId', I],
    ['Yclid', I],
    ['DateTime', R],
    ['StaticCall', O],
    ['Price', O],
    ['Currency', O],
    ['PhoneNumber', O],
    ['TalkDuration', O],
    ['HoldDuration', O],
    ['CallMissed', O],
    ['Tag', O],
    ['FirstTimeCaller', O],
    ['URL', O],
    ['CallTrackerURL', O],
  ],
  'simple-orders': [
    ['id', O],
    ['create_date_time', R],
    ['client_uniq_id', O],
    ['client_ids', I],
    ['emails', I],
    ['phones', I],
    ['emails_md5', I],
    ['phones_md5', I],
    ['order_status', O],
    ['revenue', O],
    ['cost', O],
    ['goals', O],
    ['currency', O],
  ],
  contacts: [
    ['uniq_id', R],
    ['name', O],
    ['create_date_time', O],
    ['update_date_time', O],
    ['client_ids', O],
    ['emails', O],
    ['phones', O],
    ['emails_md5', O],
    ['phones_md5', O],
  ],
  orders: [
    ['id', R],
    ['client_uniq_id', R],
    ['client_type', R],
    ['create_date_time', R],
    ['update_date_time', O],
    ['finish_date_time', O],
    ['order_status', R],
    ['revenue', O],
    ['cost', O],
    ['products', O],
    ['goals', O],
    ['currency', O],
  ],
};

const SYNONYMS: Record<string, string[]> = {
  ClientId: ['clientid', 'client_id'],
  client_ids: ['clientid', 'client_ids'],
  Target: ['цель', 'target'],
  goals: ['цели', 'goals'],
  DateTime: ['дата и время', 'дата', 'datetime'],
  create_date_time: ['дата создания', 'дата', 'create_date_time'],
  Price: ['сумма', 'price'],
  revenue: ['сумма', 'выручка', 'revenue'],
  Currency: ['валюта', 'currency'],
  currency: ['валюта', 'currency'],
  id: ['номер заказа', 'id'],
  uniq_id: ['номер клиента', 'uniq_id'],
  emails: ['e-mail', 'email', 'почта'],
  phones: ['телефон', 'phone'],
  PhoneNumber: ['телефон', 'phonenumber'],
  order_status: ['статус', 'order_status'],
  name: ['клиент', 'имя', 'name'],
};

const SUGGESTED: Record<string, [OrderStatusType, string]> = {
  Оплачен: ['PAID', 'paid'],
  'В работе': ['IN_PROGRESS', 'in_work'],
  Новый: ['IN_PROGRESS', 'new'],
  Отменён: ['CANCELLED', 'cancelled'],
  Спам: ['SPAM', 'spam'],
};

/** Rejects the way Tauri's `invoke` does: with the serialised `AppError` itself, not an Error. */
function fail(error: AppError): never {
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- mirrors the real IPC rejection shape
  throw error;
}

function fileFor(path: string): DemoFile {
  const lower = path.toLowerCase();
  if (lower === CONVERSIONS_FILE.path.toLowerCase()) return CONVERSIONS_FILE;
  if (lower === CRM_FILE.path.toLowerCase()) return CRM_FILE;
  const name = path.split(/[\\/]/).pop() ?? path;
  const base = /оплат|offline|conversion|xlsx?$/.test(lower) ? CONVERSIONS_FILE : CRM_FILE;
  return { ...base, path, fileName: name };
}

function mojibake(s: string): string {
  return s.replace(/[а-яёА-ЯЁ]/g, '�');
}

export function createDemoBackend(options: DemoOptions = {}): Backend {
  const latency = options.latencyMs ?? 250;
  const sleep = (factor = 1) => new Promise<void>((resolve) => setTimeout(resolve, latency * factor));
  const counters: Counter[] = demoCounters();
  const goals = new Map<number, Goal[]>();
  const goalsOf = (id: number) => {
    let g = goals.get(id);
    if (!g) {
      g = demoGoals(id);
      goals.set(id, g);
    }
    return g;
  };
  let accounts: Account[] = options.signedIn
    ? [{ login: DEMO_LOGIN, display_name: 'Агентство «Демо»', active: true }]
    : [];
  let history: UploadSummary[] = demoHistory(counters);
  // Like the fake's counter 51234535: «Здоровье+» takes offline data only from tomorrow and
  // has the extended linking window off (docs/metrika-api.md §4.7).
  const extendedOn = new Set<number>();
  const windowOf = (counterId: number, kind: UploadKind): LinkingWindow => {
    const closed = counterById(counterId).name.includes('Здоровье+');
    const offline = kind === 'conversions' || kind === 'calls';
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const extended = offline ? !closed || extendedOn.has(counterId) : null;
    return {
      counter_id: counterId,
      opens_on: offline && closed ? tomorrow : null,
      extended,
      can_enable_extended: extended === false,
    };
  };
  let settings: Settings = {
    language: 'system',
    theme: 'system',
    hash_contacts_by_default: true,
    notify_when_processed: true,
    ...options.settings,
  };
  let openedFile: string | null = options.openedFile ?? null;
  const listeners = new Set<(e: AppEvent) => void>();
  const cancelled = new Set<string>();
  let jobSeq = 0;
  let repeating: JobView[] = [];
  const jobRuns = new Map<string, JobRunView[]>();
  let flowSeq = 0;
  let nextId = 200;

  const emit = (e: AppEvent) => listeners.forEach((l) => l(e));
  const active = () => accounts.find((a) => a.active) ?? null;
  const requireAccount = () => {
    const a = active();
    if (!a) fail({ kind: 'not_signed_in' });
    return a;
  };
  const counterById = (id: number) => {
    const c = counters.find((x) => x.id === id);
    if (!c) fail({ kind: 'not_found', data: { what: `counter ${id}` } });
    return c;
  };

  const noPace = { total_rows: null, bytes_per_sec: null, rows_per_sec: null, eta_secs: null };

  async function job<T>(
    onProgress: (p: Progress) => void,
    stages: Array<[Progress['stage'], number]>,
    rows: number,
    finish: () => T,
    /** Like the real core: a cancel once the file is on the wire gives an interrupted result. */
    interrupted?: (stage: Progress['stage']) => T | null,
  ): Promise<T> {
    const jobId = `job-${++jobSeq}`;
    for (const [stage, total] of stages) {
      const steps = 5;
      for (let s = 0; s <= steps; s++) {
        if (cancelled.has(jobId)) {
          cancelled.delete(jobId);
          const result = interrupted?.(stage) ?? null;
          if (result !== null) return result;
          fail({ kind: 'cancelled' });
        }
        onProgress({ ...noPace, job_id: jobId, stage, done: Math.round((total * s) / steps), total, rows });
        await sleep(0.3);
      }
    }
    onProgress({ ...noPace, job_id: jobId, stage: 'done', done: rows, total: rows, rows });
    return finish();
  }

  function preview(path: string, read: ReadOverrides): FilePreview {
    const f = fileFor(path);
    const encoding = read.encoding ?? f.encoding;
    const broken = f.encoding === 'windows-1251' && /utf-?8/i.test(encoding);
    const delimiter = f.format === 'csv' ? (read.delimiter ?? f.delimiter) : null;
    const split = f.format === 'csv' && delimiter !== f.delimiter;
    const headerLine = read.header_line ?? 1;
    const fix = (cells: string[]) => {
      const c = broken ? cells.map(mojibake) : cells;
      return split ? [c.join(f.delimiter ?? ';')] : c;
    };
    const headers = headerLine === 1 ? fix(f.headers) : fix(f.cell(headerLine));
    const rows = Array.from({ length: 60 }, (_, i) => {
      const line = headerLine + 1 + i;
      return { line, cells: fix(f.cell(line)) };
    });
    return {
      info: {
        path: f.path,
        file_name: f.fileName,
        size: f.size,
        format: f.format,
        encoding,
        encoding_detected: read.encoding === null,
        delimiter,
        header_line: headerLine,
        headers,
        sheets: f.sheets,
        sheet: f.sheets.length > 0 ? (read.sheet ?? f.sheets[0] ?? null) : null,
      },
      rows,
      truncated: true,
      detected_kind: broken || split ? null : f.kind,
      kind_confidence: broken || split ? 0 : f.kindConfidence,
    };
  }

  function suggest(path: string, read: ReadOverrides, kind: UploadKind): ColumnMapping {
    const headers = preview(path, read).info.headers;
    const used = new Set<number>();
    const fields: FieldMapping[] = FIELDS[kind].map(([field, requirement]) => {
      const syn = SYNONYMS[field] ?? [field.toLowerCase()];
      let found = -1;
      let confidence = 0;
      for (const s of syn) {
        const exact = headers.findIndex((h, i) => !used.has(i) && h.toLowerCase() === s);
        if (exact >= 0) {
          found = exact;
          confidence = 0.97;
          break;
        }
        const partial = headers.findIndex((h, i) => !used.has(i) && h.toLowerCase().includes(s));
        if (partial >= 0 && found < 0) {
          found = partial;
          confidence = 0.74;
        }
      }
      if (found >= 0) {
        used.add(found);
        return {
          field,
          requirement,
          source: { type: 'column', index: found, header: headers[found] ?? '', confidence },
          attribute_title: null,
        };
      }
      return { field, requirement, source: { type: 'none' }, attribute_title: null };
    });
    return {
      kind,
      fields,
      unmapped_columns: headers.filter((_, i) => !used.has(i)),
      attributes: [],
      from_template: false,
      signature: headers.join('|'),
    };
  }

  function validateNow(req: ValidateRequest): ValidationSummary {
    const f = fileFor(req.path);
    const rows = f.rows;
    const fields = req.mapping.fields;
    const missing = fields.filter((x) => x.requirement === 'required' && x.source.type === 'none');
    const ids = fields.filter((x) => x.requirement === 'one_of_identifiers');
    const noIds = ids.length > 0 && ids.every((x) => x.source.type === 'none');
    const colOf = (field: string) => {
      const m = fields.find((x) => x.field === field);
      return m?.source.type === 'column' ? m.source.header : field;
    };
    let issues: Issue[];
    const issue = (
      line: number,
      code: IssueCode,
      severity: Issue['severity'],
      column: string | null,
      value: string | null,
      fix: string | null = null,
    ): Issue => ({ line, record: line - 1, column, code, severity, value, fix, shown: null, value_type: null });
    if (missing.length > 0 || noIds) {
      issues = missing.map((m) => issue(1, 'missing_required_column', 'error', m.field, null));
      if (noIds) issues.push(issue(1, 'no_identifier', 'error', null, null));
      const counts: IssueCount[] = issues.map((i) => ({
        code: i.code,
        column: i.column,
        severity: i.severity,
        count: 1,
        examples: [],
        value_type: null,
      }));
      return {
        rows,
        valid_rows: 0,
        errors: issues.length,
        warnings: 0,
        notices: 0,
        issues,
        counts,
        truncated: false,
        unchanged_rows: 0,
        known_rows: 0,
        duplicate_of: null,
        rejected_path: null,
      };
    }
    const extra: IssueCount[] = [];
    if (f.kind === 'conversions') {
      const d = colOf('DateTime');
      const t = colOf('Target');
      issues = [
        issue(4, 'future_datetime', 'error', d, '01.01.2030 00:00'),
        issue(9, 'milliseconds_timestamp', 'error', d, '1794663000000', '1794663000'),
        issue(17, 'excel_scientific_id', 'error', colOf('ClientId'), '1,73115E+18'),
        issue(23, 'goal_name_not_identifier', 'error', t, 'Оплата в магазине', 'offline_paid'),
        issue(31, 'unknown_goal', 'error', t, 'oplata_nal'),
        issue(44, 'stray_quote', 'error', colOf('Price'), '4990"'),
        issue(58, 'unknown_currency', 'error', colOf('Currency'), 'руб', 'RUB'),
        issue(71, 'negative_money', 'error', colOf('Price'), '-500'),
        issue(12, 'outside_linking_window', 'warning', d, '28.10.2026 12:40'),
        issue(65, 'currency_lowercase', 'notice', colOf('Currency'), 'usd', 'USD'),
      ];
      extra.push({ code: 'outside_linking_window', column: d, severity: 'warning', count: 6, examples: [], value_type: null });
    } else {
      const d = colOf('create_date_time');
      issues = [
        issue(14, 'invalid_datetime', 'error', d, '31.02.2026 10:00'),
        issue(27, 'invalid_phone', 'error', colOf('phones'), '8 800'),
        issue(31, 'invalid_email', 'error', colOf('emails'), 'ivan@@mail.ru'),
        issue(45, 'no_identifier', 'error', null, null),
        issue(88, 'future_datetime', 'error', d, '15.03.2027 12:00'),
        issue(102, 'excel_scientific_id', 'error', colOf('client_ids'), '1,73115E+18'),
        issue(140, 'datetime_before_1970', 'error', d, '01.01.1900 00:00'),
        issue(377, 'unclosed_quote', 'error', colOf('emails'), '"olga.s@example.ru'),
        issue(610, 'unknown_currency', 'error', colOf('currency'), 'RUR', 'RUB'),
        issue(733, 'unknown_status', 'error', colOf('order_status'), 'Возврат'),
        issue(56, 'outside_linking_window', 'warning', d, '25.10.2026 11:20'),
        issue(201, 'duplicate_order_id', 'warning', null, 'A-10399'),
        issue(19, 'currency_lowercase', 'notice', colOf('currency'), 'rub', 'RUB'),
      ];
      extra.push({ code: 'outside_linking_window', column: d, severity: 'warning', count: 22, examples: [], value_type: null });
      extra.push({
        code: 'currency_lowercase',
        column: colOf('currency'),
        severity: 'notice',
        count: 11,
        examples: [],
        value_type: null,
      });
    }
    const countMap = new Map<string, IssueCount>();
    for (const i of issues) {
      const key = `${i.code}|${i.column ?? ''}`;
      const c = countMap.get(key);
      const example = { line: i.line, value: i.value, fix: i.fix, shown: i.shown };
      if (c) {
        c.count += 1;
        if (c.examples.length < 2) c.examples.push(example);
      } else {
        const base = { code: i.code, column: i.column, severity: i.severity, count: 1 };
        countMap.set(key, { ...base, examples: [example], value_type: null });
      }
    }
    for (const e of extra) {
      const c = countMap.get(`${e.code}|${e.column ?? ''}`);
      if (c) c.count += e.count;
    }
    const counts = [...countMap.values()];
    const sum = (s: Issue['severity']) => counts.filter((c) => c.severity === s).reduce((a, c) => a + c.count, 0);
    const errors = sum('error');
    const duplicate =
      history.find(
        (h) =>
          h.file_name === f.fileName &&
          h.counter_id === req.counter_id &&
          h.kind === req.kind &&
          !['failed', 'superseded', 'rejected'].includes(h.state),
      ) ?? null;
    // The demo's ledger: rows of this file the counter accepted before.
    const known = Math.min(
      rows - errors,
      history
        .filter(
          (h) =>
            h.file_name === f.fileName &&
            h.counter_id === req.counter_id &&
            h.kind === req.kind &&
            ['sent', 'processing', 'processed', 'linkage_failure'].includes(h.state),
        )
        .reduce((a, h) => a + h.valid_rows, 0),
    );
    return {
      rows,
      valid_rows: rows - errors,
      errors,
      warnings: sum('warning'),
      notices: sum('notice'),
      issues: issues.sort((a, b) => a.line - b.line),
      counts,
      truncated: false,
      unchanged_rows: req.only_new_rows ? known : 0,
      known_rows: known,
      duplicate_of: duplicate,
      rejected_path: errors > 0 ? f.path.replace(/(\.[^.]+)?$/, ' — отклонённые строки.csv') : null,
    };
  }

  function explanation(s: UploadSummary): ExplanationItem[] {
    // Mirrors mb-history's `explain`: fact codes with counts, and an advice code when there is
    // something to do. Built through `unknown` so the demo fits bindings with or without `advice`.
    const item = (code: ExplanationCode, count: number | null, advice: AdviceCode | null = null) => ({
      code,
      count,
      advice,
    });
    const rejected = s.rows - s.valid_rows;
    const tail = rejected > 0 ? [item('rows_rejected_locally', rejected, 'review_rejected_rows')] : [];
    switch (s.state) {
      case 'processed': {
        const crm = s.kind === 'simple-orders' || s.kind === 'orders' || s.kind === 'contacts';
        return [
          crm && s.linked === null ? item('crm_accepted', s.valid_rows) : item('linked', s.linked),
          ...(s.user_not_found ? [item('users_not_found', s.user_not_found, 'check_identifiers_and_window')] : []),
          ...(s.goal_not_found ? [item('goals_not_found', s.goal_not_found, 'check_goal_identifiers')] : []),
          ...tail,
        ];
      }
      case 'linkage_failure':
        return [item('linkage_failure', null, 'check_identifiers_and_window'), ...tail];
      case 'prepared':
        return [item('not_sent', null)];
      case 'sending':
        return [item('sending', null)];
      case 'sent':
      case 'processing':
        return [item('processing', null, 'wait_for_processing'), ...tail];
      case 'rejected':
        return [item('rejected', null, 'fix_file_and_upload_again')];
      case 'failed':
        return [item('failed', null, 'resend')];
      case 'interrupted':
        return [item('interrupted', null, 'reconcile_then_resend')];
      case 'superseded':
        return [item('superseded', null, 'see_newer_upload')];
    }
  }

  const matches = (h: UploadSummary, f: HistoryFilter) =>
    (f.account === null || h.account === f.account) &&
    (f.counter_id === null || h.counter_id === f.counter_id) &&
    (f.kind === null || h.kind === f.kind) &&
    (f.states.length === 0 || f.states.includes(h.state)) &&
    (f.from === null || h.created_at >= f.from) &&
    (f.to === null || h.created_at <= f.to);

  const backend: Backend = {
    async appInfo() {
      await sleep(0);
      return {
        version: '0.1.0',
        demo: true,
        data_dir: '/home/demo/.local/share/metrika-bridge',
        api_base: 'http://127.0.0.1:0 (демо)',
      };
    },
    async accounts() {
      await sleep(0.2);
      return accounts.map((a) => ({ ...a }));
    },
    async beginSignIn(method) {
      await sleep(0.4);
      const flow = `demo-flow-${++flowSeq}`;
      return {
        flow_id: flow,
        method,
        authorize_url: `https://oauth.yandex.ru/authorize?response_type=code&client_id=demo&state=${flow}`,
        user_code: method === 'device' ? 'MB-7K4Q' : null,
        verification_url: method === 'device' ? 'https://ya.ru/device' : null,
      };
    },
    async completeSignIn(_flowId, code) {
      await sleep(1);
      if (code !== null && code.trim().length < 4) {
        fail({ kind: 'sign_in_failed', data: { reason: 'invalid_grant' } });
      }
      const login = accounts.some((a) => a.login === DEMO_LOGIN) ? `client-${accounts.length + 1}` : DEMO_LOGIN;
      const account: Account = {
        login,
        display_name: login === DEMO_LOGIN ? 'Агентство «Демо»' : null,
        active: true,
      };
      accounts = [...accounts.map((a) => ({ ...a, active: false })), account];
      emit({ type: 'accounts_changed' });
      return account;
    },
    async switchAccount(login) {
      await sleep(0.2);
      if (!accounts.some((a) => a.login === login)) fail({ kind: 'not_found', data: { what: login } });
      accounts = accounts.map((a) => ({ ...a, active: a.login === login }));
      emit({ type: 'accounts_changed' });
      return accounts.map((a) => ({ ...a }));
    },
    async signOut(login) {
      await sleep(0.2);
      const wasActive = accounts.find((a) => a.login === login)?.active ?? false;
      accounts = accounts.filter((a) => a.login !== login);
      if (wasActive && accounts[0]) accounts[0] = { ...accounts[0], active: true };
      emit({ type: 'accounts_changed' });
      return accounts.map((a) => ({ ...a }));
    },
    async counters(query) {
      await sleep(0.4);
      const a = requireAccount();
      const mine = a.login === DEMO_LOGIN ? counters : counters.slice(0, 2);
      const q = query.search?.trim().toLowerCase() ?? '';
      const found = q
        ? mine.filter((c) => c.name.toLowerCase().includes(q) || (c.site ?? '').includes(q) || String(c.id).includes(q))
        : mine;
      return { total: found.length, counters: found.slice(query.offset, query.offset + query.limit) };
    },
    async goals(counterId) {
      await sleep(0.3);
      counterById(counterId);
      return goalsOf(counterId).map((g) => ({ ...g }));
    },
    async createGoal(counterId, name, identifier) {
      await sleep(0.5);
      const list = goalsOf(counterId);
      if (list.some((g) => g.identifier === identifier)) {
        fail({ kind: 'invalid_input', data: { field: 'identifier', reason: 'exists' } });
      }
      const goal: Goal = { id: 3_300_000 + list.length, name, identifier, goal_type: 'action' };
      list.push(goal);
      return goal;
    },
    async createContactAttribute(_counterId, title, typeName) {
      await sleep(0.3);
      return { name: title.toLowerCase().replace(/[^a-z0-9]+/g, '_') || 'attribute', title, type_name: typeName };
    },
    async linkingWindow(counterId, kind) {
      await sleep(0.2);
      return windowOf(counterId, kind);
    },
    async enableExtendedWindow(counterId, kind) {
      await sleep(0.4);
      extendedOn.add(counterId);
      return windowOf(counterId, kind);
    },
    async pickFile() {
      await sleep(0.5);
      return CRM_FILE.path;
    },
    async inspectFile(path, read) {
      await sleep(1);
      return preview(path, read);
    },
    async suggestMapping(path, read, kind) {
      await sleep(0.6);
      return suggest(path, read, kind);
    },
    async statusValues(path, _read, mapping) {
      await sleep(0.6);
      const m = mapping.fields.find((x) => x.field === 'order_status');
      if (!m || m.source.type !== 'column') return [];
      if (fileFor(path).kind !== 'simple-orders') return [];
      return statusCounts().map(([value, count]): StatusValue => {
        const [t, id] = SUGGESTED[value] ?? ['OTHER', 'other'];
        return { value, count, suggested_type: t, suggested_id: id, confidence: value === 'Новый' ? 0.6 : 0.95 };
      });
    },
    async validate(request, onProgress) {
      requireAccount();
      const rows = fileFor(request.path).rows;
      return job(
        onProgress,
        [
          ['reading', rows],
          ['validating', rows],
        ],
        rows,
        () => validateNow(request),
      );
    },
    async upload(request: UploadRequest, onProgress) {
      const account = requireAccount();
      const summary = validateNow(request.validate);
      const counter = counterById(request.validate.counter_id);
      if (!counter.can_upload) fail({ kind: 'no_access', data: { counter_id: counter.id } });
      if (summary.errors > 0 && !request.skip_invalid) {
        fail({ kind: 'data_has_errors', data: { errors: summary.errors } });
      }
      if (summary.duplicate_of && !request.confirm_duplicate) {
        fail({
          kind: 'duplicate',
          data: { upload_id: summary.duplicate_of.id, sent_at: summary.duplicate_of.created_at },
        });
      }
      const sendRows = summary.valid_rows - summary.unchanged_rows;
      const review = { valid_rows: summary.valid_rows, new_rows: sendRows, unchanged_rows: summary.unchanged_rows };
      if (sendRows <= 0) {
        await sleep(0.5);
        return { outcome: 'nothing_new', upload: null, parts: [], ...review, new_rows: 0 };
      }
      const record = (state: UploadSummary['state']): SendResult => {
        const id = nextId++;
        const now = new Date().toISOString();
        const f = fileFor(request.validate.path);
        const accepted = state === 'processing';
        const s: UploadSummary = {
          id,
          tag: `mb-${id.toString(36)}`,
          account: account.login,
          counter_id: counter.id,
          counter_name: counter.name,
          kind: request.validate.kind,
          file_name: f.fileName,
          rows: summary.rows,
          valid_rows: sendRows,
          state,
          server_id: accepted ? String(72_000_000 + id) : null,
          server_status: accepted ? 'PROCESSING' : null,
          linked: null,
          user_not_found: null,
          goal_not_found: null,
          created_at: now,
          finished_at: null,
          failure: null,
          note: request.comment,
        };
        history = [s, ...history];
        emit({ type: 'history_changed', upload_id: id });
        return { outcome: accepted ? 'sent' : 'interrupted', upload: { ...s }, parts: [{ ...s }], ...review };
      };
      return job(
        onProgress,
        [
          ['writing', sendRows],
          ['uploading', sendRows],
          ['waiting', 1],
        ],
        sendRows,
        () => record('processing'),
        (stage) => (stage === 'uploading' || stage === 'waiting' ? record('interrupted') : null),
      );
    },
    async cancel(jobId) {
      await sleep(0);
      cancelled.add(jobId);
    },
    async history(filter) {
      await sleep(0.3);
      const list = history.filter((h) => matches(h, filter));
      return list.slice(0, filter.limit ?? list.length).map((h) => ({ ...h }));
    },
    async uploadDetail(id): Promise<UploadDetail> {
      await sleep(0.3);
      const s = history.find((h) => h.id === id);
      if (!s) fail({ kind: 'not_found', data: { what: `upload ${id}` } });
      const share = s.linked !== null && s.valid_rows > 0 ? s.linked / s.valid_rows : null;
      // The demo's uploads that left rows out keep their rejected-rows file.
      const rejected = s.rows > s.valid_rows ? 'C:\\Users\\demo\\AppData\\metrika-bridge\\rejected-rows.csv' : null;
      return { summary: { ...s }, linked_share: share, explanation: explanation(s), rejected_path: rejected };
    },
    async refreshStatus(id) {
      await sleep(0.8);
      const i = history.findIndex((h) => h.id === id);
      const s = history[i];
      if (!s) fail({ kind: 'not_found', data: { what: `upload ${id}` } });
      if (s.state === 'processing' || s.state === 'sent') {
        const linked = Math.round(s.valid_rows * 0.78);
        const updated: UploadSummary = {
          ...s,
          state: 'processed',
          server_status: 'LINKAGE_COMPLETE',
          linked,
          user_not_found: s.valid_rows - linked - 4,
          goal_not_found: 4,
          finished_at: new Date().toISOString(),
        };
        history[i] = updated;
        emit({ type: 'history_changed', upload_id: id });
        return { ...updated };
      }
      return { ...s };
    },
    async resend(id) {
      await sleep(1);
      const i = history.findIndex((h) => h.id === id);
      const s = history[i];
      if (!s) fail({ kind: 'not_found', data: { what: `upload ${id}` } });
      if (s.state !== 'interrupted' && s.state !== 'failed') {
        fail({ kind: 'invalid_input', data: { field: 'state', reason: s.state } });
      }
      history[i] = { ...s, state: 'superseded' };
      const nid = nextId++;
      const fresh: UploadSummary = {
        ...s,
        id: nid,
        tag: `mb-${nid.toString(36)}`,
        state: 'processing',
        server_id: String(72_000_000 + nid),
        created_at: new Date().toISOString(),
        finished_at: null,
      };
      history = [fresh, ...history];
      emit({ type: 'history_changed', upload_id: nid });
      return { ...fresh };
    },
    async exportHistory(filter) {
      await sleep(0.5);
      const n = history.filter((h) => matches(h, filter)).length;
      return n > 0 ? '/home/demo/Документы/История загрузок.csv' : null;
    },
    async overview() {
      await sleep(0.4);
      const a = requireAccount();
      const mine = a.login === DEMO_LOGIN ? counters : counters.slice(0, 2);
      return mine.map((c) => {
        const last = history.find((h) => h.counter_id === c.id) ?? null;
        const share = last && last.linked !== null && last.valid_rows > 0 ? last.linked / last.valid_rows : null;
        // Like mb_uploader::overview: finished shares oldest first, a sharp drop warns.
        const linked_trend = history
          .filter((h) => h.counter_id === c.id && h.linked !== null && h.valid_rows > 0)
          .filter((h) => h.state === 'processed' || h.state === 'linkage_failure')
          .map((h) => (h.linked ?? 0) / h.valid_rows)
          .reverse()
          .slice(-8);
        const warnings: OverviewWarning[] = [];
        const before = linked_trend.slice(0, -1);
        const newest = linked_trend[linked_trend.length - 1];
        if (before.length >= 2 && newest !== undefined) {
          const mean = before.reduce((x, y) => x + y, 0) / before.length;
          if (mean - newest >= 0.15 && newest < mean * 0.6)
            warnings.push({ code: 'linked_share_drop', job: null, value: newest });
        }
        const jobs = repeating.filter((j) => j.counter_id === c.id).map((j) => ({ ...j }));
        for (const j of jobs) {
          if (!j.paused && j.warning !== null)
            warnings.push({ code: j.warning === 'overdue' ? 'job_overdue' : 'job_failed', job: j.name, value: null });
        }
        return {
          counter_id: c.id,
          counter_name: c.name,
          account: a.login,
          last_upload: last ? { ...last } : null,
          linked_share: share,
          linked_trend,
          warnings,
          jobs,
        };
      });
    },
    async settings() {
      await sleep(0);
      return { ...settings };
    },
    async saveSettings(next) {
      await sleep(0.2);
      settings = { ...next };
      return { ...settings };
    },
    async openRejected() {
      await sleep(0.1);
    },
    async saveRejected() {
      await sleep(0.1);
      return 'C:\\Users\\demo\\Documents\\rejected-rows.csv';
    },
    async pickFolder() {
      await sleep(0.3);
      return '/home/demo/Выгрузки CRM';
    },
    async createJob(job) {
      await sleep(0.4);
      const up = history.find((h) => h.id === job.upload_id);
      if (!up) fail({ kind: 'not_found', data: { what: `upload ${job.upload_id}` } });
      if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(job.name))
        fail({ kind: 'invalid_input', data: { field: 'name', reason: 'latin' } });
      const view: JobView = {
        name: job.name,
        account: up.account,
        counter_id: up.counter_id,
        kind: up.kind,
        folder: job.folder,
        pattern: job.pattern || '*',
        every: job.every || null,
        paused: false,
        stop_on_bad_rows: job.stop_on_bad_rows,
        last_run: null,
        next_run: new Date(Date.now() + 3_600_000).toISOString(),
        warning: null,
        scheduled: false,
      };
      repeating = [...repeating.filter((j) => j.name !== job.name), view];
      jobRuns.set(job.name, []);
      return { ...view };
    },
    async runJob(name) {
      await sleep(0.8);
      const j = repeating.find((x) => x.name === name);
      if (!j) fail({ kind: 'not_found', data: { what: `job ${name}` } });
      const now = new Date().toISOString();
      j.last_run = {
        id: (j.last_run?.id ?? 0) + 1,
        started_at: now,
        finished_at: now,
        result: 'nothing_new',
        files: ['sales.csv'],
        rows_new: 0,
        rows_unchanged: 120,
        rows_rejected: 0,
        message: null,
        upload_ids: [],
        report: null,
      };
      jobRuns.set(name, [j.last_run, ...(jobRuns.get(name) ?? [])]);
      j.warning = null;
      return { ...j };
    },
    async setJobPaused(name, paused) {
      await sleep(0.2);
      const j = repeating.find((x) => x.name === name);
      if (!j) fail({ kind: 'not_found', data: { what: `job ${name}` } });
      j.paused = paused;
      j.next_run = paused ? null : new Date(Date.now() + 3_600_000).toISOString();
      return { ...j };
    },
    async editJob(edit) {
      await sleep(0.3);
      const j = repeating.find((x) => x.name === edit.name);
      if (!j) fail({ kind: 'not_found', data: { what: `job ${edit.name}` } });
      j.folder = edit.folder;
      j.pattern = edit.pattern || '*';
      j.every = edit.every || null;
      j.stop_on_bad_rows = edit.stop_on_bad_rows;
      return { ...j };
    },
    async removeJob(name) {
      await sleep(0.2);
      repeating = repeating.filter((j) => j.name !== name);
      jobRuns.delete(name);
    },
    async setJobScheduled(name) {
      await sleep(0.2);
      if (!repeating.some((x) => x.name === name)) fail({ kind: 'not_found', data: { what: `job ${name}` } });
      // As the app's demo core: its Metrica lives inside the running app, the OS scheduler cannot reach it.
      return fail({
        kind: 'invalid_input',
        data: {
          field: 'schedule',
          reason: 'the demo runs jobs only while the app is open: sign in to Yandex to schedule them',
        },
      });
    },
    async jobRuns(name) {
      await sleep(0.1);
      const runs = jobRuns.get(name);
      if (!runs) fail({ kind: 'not_found', data: { what: `job ${name}` } });
      return runs.map((r) => ({ ...r }));
    },
    async openedFile() {
      await sleep(0);
      const path = openedFile;
      openedFile = null;
      return path;
    },
    async firstScreen() {
      await sleep(0);
    },
    onEvent(handler) {
      listeners.add(handler);
      return () => listeners.delete(handler);
    },
    onFileDrop(handler: (e: FileDropEvent) => void) {
      // A plain browser gives File objects, not paths; the demo knows a dropped file by name only.
      let depth = 0;
      const over = (e: DragEvent) => {
        if (!e.dataTransfer?.types.includes('Files')) return;
        e.preventDefault();
        handler({ type: 'over' });
      };
      const enter = (e: DragEvent) => {
        if (!e.dataTransfer?.types.includes('Files')) return;
        depth += 1;
        handler({ type: 'over' });
      };
      const leave = () => {
        depth = Math.max(0, depth - 1);
        if (depth === 0) handler({ type: 'leave' });
      };
      const drop = (e: DragEvent) => {
        e.preventDefault();
        depth = 0;
        const names = Array.from(e.dataTransfer?.files ?? []).map((f) => `/home/demo/Документы/${f.name}`);
        handler(names.length > 0 ? { type: 'drop', paths: names } : { type: 'leave' });
      };
      window.addEventListener('dragenter', enter);
      window.addEventListener('dragover', over);
      window.addEventListener('dragleave', leave);
      window.addEventListener('drop', drop);
      return () => {
        window.removeEventListener('dragenter', enter);
        window.removeEventListener('dragover', over);
        window.removeEventListener('dragleave', leave);
        window.removeEventListener('drop', drop);
      };
    },
  };
  return backend;
}
