// Types of adapter.mjs for the TypeScript side (Vitest's test/core.ts).
export type Adapter = {
  url: string;
  pickedFile: string;
  pickedFolder: string;
  close: () => Promise<void>;
};
export function adapterBinary(): string;
export function startAdapter(opts?: { staticDir?: string }): Promise<Adapter>;
