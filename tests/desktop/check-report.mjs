// Screenshots of the Check step on the real app (Rust core, built-in demo) for one file, in
// light and dark: file → columns → (statuses) → check. Run by scripts/desktop-check-shots.sh,
// which names the file through MBRIDGE_PICK_FILE (the native dialog cannot be driven).
// Usage: node tests/desktop/check-report.mjs --app APP --out DIR --name NAME [--expect TEXT]
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, v, i, a) => (v.startsWith("--") ? [...acc, [v.slice(2), a[i + 1]]] : acc), []),
);
const port = 5444 + Math.floor(Math.random() * 1000);
const base = `http://127.0.0.1:${port}`;
const driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(port + 1000), "--native-driver", "/usr/bin/WebKitWebDriver"], {
  stdio: ["ignore", "inherit", "inherit"],
});
let sid;

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

async function retry(what, fn, timeoutMs = 30000) {
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

const exec = (script, ...a) => wd("POST", `/session/${sid}/execute/sync`, { script, args: a });
const find = (css) =>
  retry(`find ${css}`, async () => Object.values(await wd("POST", `/session/${sid}/element`, { using: "css selector", value: css }))[0]);
const click = async (css) => {
  const id = await find(css);
  await retry(`click ${css}`, () => wd("POST", `/session/${sid}/element/${id}/click`, {}));
};
const shot = async (name) => {
  await sleep(800);
  writeFileSync(`${args.out}/${name}.png`, Buffer.from(await wd("GET", `/session/${sid}/screenshot`), "base64"));
};
const present = (css) => exec("return document.querySelector(arguments[0]) !== null", css);

async function theme(value) {
  await click("[data-testid='nav-settings']");
  await click(`[data-qa='setting-theme'] input[value='${value}']`);
  await sleep(400);
}

async function main() {
  await retry("tauri-driver up", () => fetch(`${base}/status`).then((r) => r.ok || Promise.reject(new Error("not ready"))));
  sid = (await wd("POST", "/session", { capabilities: { alwaysMatch: { "tauri:options": { application: args.app } } } }))
    .sessionId;
  await theme("light");
  await click("[data-testid='nav-upload']");
  await sleep(300);
  if (await present("[data-qa='demo-intro-ok']")) await click("[data-qa='demo-intro-ok']");
  await click("[data-qa='pick-file']");
  await find("[data-testid='preview-table']");
  await shot(`${args.name}-file-light`);
  // file → columns → statuses (CRM kinds) → check
  for (let i = 0; i < 4 && !(await present("[data-testid='validation-summary']")); i++) {
    await click("[data-qa='wizard-next']");
    await sleep(1200);
  }
  await find("[data-testid='validation-summary']");
  const text = await exec("return document.querySelector('[data-testid=\"validation-summary\"]').textContent");
  console.log(`${args.name}: ${text.slice(0, 300)}`);
  if (args.expect && !text.includes(args.expect)) throw new Error(`check step lacks «${args.expect}»: ${text}`);
  // Open the first summary line, as a curious user would.
  await exec("const d = document.querySelector('[data-testid=\"notice-summary\"] details'); if (d) d.open = true;");
  await shot(`${args.name}-check-light`);
  await theme("dark");
  await click("[data-testid='nav-upload']");
  await find("[data-testid='validation-summary']");
  await shot(`${args.name}-check-dark`);
  await theme("light");
}

let code = 0;
try {
  await main();
} catch (e) {
  console.error(`check-report ${args.name}: FAIL`, e);
  code = 1;
} finally {
  if (sid) await wd("DELETE", `/session/${sid}`).catch(() => {});
  driver.kill();
}
process.exit(code);
