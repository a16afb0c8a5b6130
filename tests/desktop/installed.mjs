// Drives the INSTALLED Metrika Bridge (the binary the .deb put on the system, not a cargo build)
// through tauri-driver + WebKitWebDriver under Xvfb, inside a private D-Bus session with a
// notification daemon (scripts/desktop-installed.sh sets that up):
//   1. the packaged Rust core answers;
//   2. a second launch with a file on its command line ends at once and hands the file to the
//      running window (single instance), whose import wizard opens it;
//   3. that file is mapped, checked and sent (one journey step through the packaged app);
//   4. when Metrica (the built-in demo) has processed it, the app shows a system notification,
//      seen as a Notify call on org.freedesktop.Notifications (--notifications LOG);
//   5. a click on that notification (dunstctl action) opens the upload in History.
// No npm dependencies: plain WebDriver over fetch, as in smoke.mjs.
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, v, i, a) => (v.startsWith("--") ? [...acc, [v.slice(2), a[i + 1]]] : acc), []),
);
const app = args.app;
const out = args.out ?? ".";
const port = 5444 + Math.floor(Math.random() * 1000);
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
const click = async (css) => {
  const id = await find(css);
  await retry(`click ${css}`, () => wd("POST", `/session/${sessionId}/element/${id}/click`, {}));
};
const textOf = async (css) => {
  await find(css);
  return wd("POST", `/session/${sessionId}/execute/sync`, {
    script: "return document.querySelector(arguments[0]).textContent",
    args: [css],
  });
};
const shot = async (name) => {
  await sleep(700);
  writeFileSync(`${out}/${name}.png`, Buffer.from(await wd("GET", `/session/${sessionId}/screenshot`), "base64"));
};

async function main() {
  await retry("tauri-driver up", () => fetch(`${base}/status`).then((r) => r.ok || Promise.reject(new Error("not ready"))));
  const session = await wd("POST", "/session", {
    capabilities: { alwaysMatch: { "tauri:options": { application: app } } },
  });
  sessionId = session.sessionId;
  const t0 = Date.now();

  // The packaged Rust core answers through IPC (the ping names the app and its version).
  await click("[data-testid='nav-settings']");
  await click("[data-testid='ping-button']");
  const pong = await retry("ping answer", async () => {
    const t = await textOf("[data-testid='ping-result']");
    if (!t.includes("Metrika Bridge")) throw new Error(`unexpected text: ${t}`);
    return t;
  });

  // A second launch with a file: it must end by itself (exit 0) and hand the file over.
  const second = spawn(app, [args.file], { stdio: ["ignore", "pipe", "pipe"] });
  let secondOutput = "";
  second.stdout.on("data", (d) => (secondOutput += d));
  second.stderr.on("data", (d) => (secondOutput += d));
  const secondExit = await Promise.race([
    new Promise((resolve) => second.on("exit", (code, signal) => resolve(code ?? `signal ${signal}`))),
    sleep(30000).then(() => "still running after 30 s"),
  ]);
  if (secondExit !== 0) {
    second.kill();
    throw new Error(`the second launch did not hand over and end: ${secondExit}\n${secondOutput}`);
  }
  const fileName = args.file.split("/").pop();
  await find("[data-testid='preview-table']");
  await retry("the wizard shows the handed-over file", async () => {
    const body = await textOf("main");
    if (!body.includes(fileName)) throw new Error(`no ${fileName} on screen`);
  });
  await shot("installed-opened-file");

  // One journey step through the packaged core: mapped, checked (five rows pass), sent.
  await click("[data-qa='wizard-next']");
  await find("[data-testid='mapping-table']");
  await click("[data-qa='wizard-next']");
  const summary = await retry("validation summary", async () => {
    const t = await textOf("[data-testid='validation-summary']");
    if (!/5/.test(t)) throw new Error(`validation summary: ${t}`);
    return t;
  });
  await shot("installed-check");
  await click("[data-qa='wizard-next']");
  await click("[data-qa='send-button']");
  await find("[data-testid='upload-done']");
  const sentAt = Date.now();

  // The follow-up sees Metrica finish and the app notifies through the desktop's daemon.
  if (args.notifications) {
    const body = await retry(
      "a system notification about the processed upload",
      async () => {
        const log = readFileSync(args.notifications, "utf8");
        if (!log.includes("Загрузка обработана")) throw new Error("no Notify call yet");
        return log;
      },
      150000,
    );
    const line = body.split("\n").find((l) => l.includes(fileName)) ?? "";
    if (!line.includes("связано")) throw new Error(`the notification lacks the linked share: ${line}`);
    console.log(`installed app: notification ${((Date.now() - sentAt) / 1000).toFixed(0)} s after sending: ${line.trim()}`);
    await sleep(500);
    try {
      execFileSync("import", ["-window", "root", `${out}/notification.png`]);
    } catch (e) {
      console.log(`(no screen picture of the notification: ${e.message})`);
    }
    // 5. A click on the notification (dunst's default action, as a mouse click would do) opens
    //    that upload in History.
    await click("[data-qa='nav-upload']");
    execFileSync("dunstctl", ["action", "0"]);
    await retry("History opened on the notification's upload", async () => {
      const nav = await find("[data-qa='nav-history']");
      const current = await wd("GET", `/session/${sessionId}/element/${nav}/attribute/aria-current`);
      if (current !== "page") throw new Error("History is not the open section");
      const detail = await find("[data-testid='upload-detail']");
      const text = await wd("GET", `/session/${sessionId}/element/${detail}/text`);
      // The journey sent one upload into a fresh data folder: it is № 1.
      if (!/^Загрузка № 1\b/.test(text)) throw new Error(`the detail shows another upload: ${text.slice(0, 80)}`);
    });
    await shot("installed-notification-click");
    console.log("installed app: a click on the notification opened its upload in History");
  }
  console.log(`installed app: ${app} answered "${pong}"; checked the file: ${summary.replace(/\s+/g, " ").slice(0, 120)}`);
  console.log(`installed app: journey step done in ${Date.now() - t0} ms`);
  console.log(`${args.notifications ? 5 : 3} passed, 0 failed`);
}

try {
  await main();
} catch (e) {
  console.error(`installed-app e2e FAILED: ${e.message}`);
  process.exitCode = 1;
  if (sessionId) {
    await wd("GET", `/session/${sessionId}/screenshot`)
      .then((png) => writeFileSync(`${out}/failure.png`, Buffer.from(png, "base64")))
      .catch(() => {});
    await wd("GET", `/session/${sessionId}/source`)
      .then((html) => writeFileSync(`${out}/failure.html`, html))
      .catch(() => {});
  }
} finally {
  if (sessionId) await wd("DELETE", `/session/${sessionId}`).catch(() => {});
  driver.kill();
}
