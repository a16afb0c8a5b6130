//! The one interface the UI talks to. Owns command signatures and the shapes of progress,
//! app events and file drops; does not own any user-facing text (the UI translates errors).
import type {
  Account,
  AppEvent,
  AppInfo,
  ClientOverview,
  ColumnMapping,
  CounterAttributeDto,
  CounterPage,
  CountersQuery,
  FilePreview,
  Goal,
  LinkingWindow,
  HistoryFilter,
  JobEdit,
  JobRunView,
  JobView,
  NewJob,
  Progress,
  ReadOverrides,
  SendResult,
  Settings,
  SignInMethod,
  SignInStarted,
  StatusValue,
  UploadDetail,
  UploadKind,
  UploadRequest,
  UploadSummary,
  ValidateRequest,
  ValidationSummary,
} from './bindings';

/** What the window reports while a file is dragged over it; paths come from the OS. */
export type FileDropEvent = { type: 'over' } | { type: 'leave' } | { type: 'drop'; paths: string[] };

export type Unsubscribe = () => void;

/** One method per Rust command (snake_case there, camelCase here). Rejections carry `AppError`. */
export interface Backend {
  appInfo(): Promise<AppInfo>;

  accounts(): Promise<Account[]>;
  beginSignIn(method: SignInMethod): Promise<SignInStarted>;
  completeSignIn(flowId: string, code: string | null): Promise<Account>;
  switchAccount(login: string): Promise<Account[]>;
  signOut(login: string): Promise<Account[]>;

  counters(query: CountersQuery): Promise<CounterPage>;
  goals(counterId: number): Promise<Goal[]>;
  createGoal(counterId: number, name: string, identifier: string): Promise<Goal>;
  /** Declares a contact attribute on the counter for a file column (contacts). */
  createContactAttribute(counterId: number, title: string, typeName: string): Promise<CounterAttributeDto>;
  linkingWindow(counterId: number, kind: UploadKind): Promise<LinkingWindow>;
  enableExtendedWindow(counterId: number, kind: UploadKind): Promise<LinkingWindow>;

  pickFile(): Promise<string | null>;
  inspectFile(path: string, read: ReadOverrides): Promise<FilePreview>;
  suggestMapping(path: string, read: ReadOverrides, kind: UploadKind, counterId: number | null): Promise<ColumnMapping>;
  /** Suggestions; the counter's remembered choices win when `counterId` is given. */
  statusValues(
    path: string,
    read: ReadOverrides,
    mapping: ColumnMapping,
    counterId: number | null,
  ): Promise<StatusValue[]>;
  validate(request: ValidateRequest, onProgress: (p: Progress) => void): Promise<ValidationSummary>;
  /** Sends as reviewed; `upload` is null when nothing was new (a result, not an error). */
  upload(request: UploadRequest, onProgress: (p: Progress) => void): Promise<SendResult>;
  cancel(jobId: string): Promise<void>;

  history(filter: HistoryFilter): Promise<UploadSummary[]>;
  uploadDetail(id: number): Promise<UploadDetail>;
  refreshStatus(id: number): Promise<UploadSummary>;
  /** One action for an interrupted or failed upload, with progress; `cancel(job_id)` stops it. */
  resend(id: number, onProgress: (p: Progress) => void): Promise<UploadSummary>;
  exportHistory(filter: HistoryFilter): Promise<string | null>;

  overview(): Promise<ClientOverview[]>;
  settings(): Promise<Settings>;
  saveSettings(settings: Settings): Promise<Settings>;
  openRejected(path: string): Promise<void>;
  /** Native save dialog, then a copy; the path written, or null when cancelled. */
  saveRejected(path: string): Promise<string | null>;

  /** Repeating jobs: the native folder dialog, «Повторять автоматически», run now, pause, delete. */
  pickFolder(): Promise<string | null>;
  createJob(job: NewJob): Promise<JobView>;
  runJob(name: string): Promise<JobView>;
  setJobPaused(name: string, paused: boolean): Promise<JobView>;
  removeJob(name: string): Promise<void>;
  editJob(job: JobEdit): Promise<JobView>;
  /** «Включить расписание» / «Выключить»: the job's entry in the OS scheduler (Rust installs it). */
  setJobScheduled(name: string, on: boolean): Promise<JobView>;
  /** Every run of a job, newest first. */
  jobRuns(name: string): Promise<JobRunView[]>;
  /** The file the app was started with (a path on the command line, «Открыть в…»), once. */
  openedFile(): Promise<string | null>;

  onEvent(handler: (event: AppEvent) => void): Unsubscribe;
  onFileDrop(handler: (event: FileDropEvent) => void): Unsubscribe;
}
