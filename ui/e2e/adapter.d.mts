// Types of adapter.mjs for the TypeScript side (Vitest's test/core.ts).
export type Adapter = {
  url: string;
  pickedFile: string;
  pickedFolder: string;
  openedFile: string | null;
  close: () => Promise<void>;
};
/** A file of fixtures/ copied into the adapter's folder under another name. */
export type FixtureCopy = { fixture: string; as: string };
export type AdapterOptions = {
  staticDir?: string;
  pick?: FixtureCopy;
  opened?: FixtureCopy;
  cutFirstUpload?: boolean;
  signInWaits?: boolean;
};
export function adapterBinary(): string;
export function startAdapter(opts?: AdapterOptions): Promise<Adapter>;
