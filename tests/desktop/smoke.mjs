// Drives the real Metrika Bridge window through tauri-driver (WebDriver on 127.0.0.1) with
// Debian's WebKitWebDriver underneath. No npm dependencies: plain WebDriver over fetch.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, v, i, a) => (v.startsWith("--") ? [...acc, [v.slice(2), a[i + 1]]] : acc), []),
);
const app = args.app;
const out = args.out ?? ".";
const port = 4444 + Math.floor(Math.random() * 1000);
const base = `http://127.0.0.1:${port}`;

const driver = spawn("tauri-driver", ["--port", String(port), "--native-driver", "/usr/bin/WebKitWebDriver"], {
  stdio: ["ignore", "inherit", "inherit"],
});
let sessionId;

async function wd(method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json).slice(0, 400)}`);
  return json.value;
}

async function retry(what, fn, timeoutMs = 20000) {
  const t0 = Date.now();
  let last;
  while (Date.now() - t0 < timeoutMs) {
    try {
      return await fn();
    } catch (e) {
      last = e;
      await sleep(250);
    }
  }
  throw new Error(`${what}: gave up after ${timeoutMs} ms: ${last}`);
}

const find = (css) =>
  retry(`find ${css}`, async () => {
    const el = await wd("POST", `/session/${sessionId}/element`, { using: "css selector", value: css });
    return Object.values(el)[0];
  });

async function main() {
  await retry("tauri-driver up", () => fetch(`${base}/status`).then((r) => r.ok || Promise.reject(new Error("not ready"))));
  const session = await wd("POST", "/session", {
    capabilities: { alwaysMatch: { "tauri:options": { application: app } } },
  });
  sessionId = session.sessionId;
  const t0 = Date.now();
  await find("[data-testid='nav-settings']").then((id) => wd("POST", `/session/${sessionId}/element/${id}/click`, {}));
  const button = await find("[data-testid='ping-button']");
  await wd("POST", `/session/${sessionId}/element/${button}/click`, {});
  const text = await retry("ping answer", async () => {
    const el = await find("[data-testid='ping-result']");
    const t = await wd("GET", `/session/${sessionId}/element/${el}/text`);
    if (!t.includes("Metrika Bridge")) throw new Error(`unexpected text: ${t}`);
    return t;
  });
  console.log(`desktop e2e: Rust answered "${text}" (${Date.now() - t0} ms after the window opened)`);
  const png = await wd("GET", `/session/${sessionId}/screenshot`);
  writeFileSync(`${out}/settings.png`, Buffer.from(png, "base64"));
  await find("[data-testid='nav-upload']").then((id) => wd("POST", `/session/${sessionId}/element/${id}/click`, {}));
  await sleep(500);
  writeFileSync(`${out}/import.png`, Buffer.from(await wd("GET", `/session/${sessionId}/screenshot`), "base64"));
  console.log("1 passed, 0 failed");
}

try {
  await main();
} catch (e) {
  console.error(`desktop e2e FAILED: ${e.message}`);
  process.exitCode = 1;
} finally {
  if (sessionId) await wd("DELETE", `/session/${sessionId}`).catch(() => {});
  driver.kill();
}
