// Starts mb-http (the loopback adapter over the real Rust core) for the browser journeys and
// Vitest: the built binary from target/, a throwaway data folder, the built UI on `/`.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Under Vitest the module URL is served as /@fs/<absolute path>.
const root = new URL('../../', import.meta.url).pathname.replace(/^\/@fs/, '');

export function adapterBinary() {
  const bin = process.env.MB_HTTP_BIN ?? join(root, 'target/debug/mb-http');
  if (!existsSync(bin)) {
    throw new Error(`${bin} is missing: run \`cargo build -p mb-http\` first (./dev test does)`);
  }
  return bin;
}

/** Resolves to { url, pickedFile, pickedFolder, openedFile, close } once the adapter prints its
 *  address. The open dialogs answer with a copy of a fixture (`pick`, default
 *  fixtures/offline_clientid.csv as conversions-november.csv) and its folder; `opened` is a
 *  fixture copied likewise and handed to the UI as the file the app was started with;
 *  `cutFirstUpload` makes the fake Metrica cut the first send (it ends interrupted);
 *  `signInWaits`: nobody approves the sign-in page, so a sign-in waits until cancelled. */
export function startAdapter({ staticDir, pick, opened, cutFirstUpload, signInWaits } = {}) {
  const files = mkdtempSync(join(tmpdir(), 'mb-e2e-'));
  const copy = ({ fixture, as }) => {
    const path = join(files, as);
    copyFileSync(join(root, 'fixtures', fixture), path);
    return path;
  };
  const picked = copy(pick ?? { fixture: 'offline_clientid.csv', as: 'conversions-november.csv' });
  const args = ['--pick-file', picked, '--pick-folder', files, '--follow-up-secs', '2'];
  const openedFile = opened ? copy(opened) : null;
  if (openedFile) args.push('--opened-file', openedFile);
  if (cutFirstUpload) args.push('--cut-first-upload');
  if (signInWaits) args.push('--sign-in-waits');
  if (staticDir) args.push('--static', staticDir);
  const child = spawn(adapterBinary(), args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.on('exit', (code) => reject(new Error(`mb-http exited (${code}) before listening`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) {
        child.removeAllListeners('exit');
        resolve({
          url: `${m[1]}/`,
          pickedFile: picked,
          pickedFolder: files,
          openedFile,
          close: () =>
            new Promise((r) => {
              child.once('exit', r);
              child.kill('SIGINT');
            }),
        });
      }
    });
  });
}
