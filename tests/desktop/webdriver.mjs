// The WebDriver side of the desktop tests: tauri-driver (WebDriver on 127.0.0.1) over Debian's
// WebKitWebDriver, driven with plain fetch (no npm dependencies). smoke.mjs drives the cargo-built
// app, installed.mjs the packaged one; both start a session here and use these helpers.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/** `--name value` pairs of the command line. */
export function cliArgs() {
  return Object.fromEntries(
    process.argv.slice(2).reduce((acc, v, i, a) => (v.startsWith("--") ? [...acc, [v.slice(2), a[i + 1]]] : acc), []),
  );
}

export async function retry(what, fn, timeoutMs = 20000) {
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

/**
 * Starts tauri-driver, opens a session on `app` and runs `main(session)`; on failure leaves
 * `failure.png` and `failure.html` in `out` and sets a failing exit code.
 */
export async function drive({ app, out, label }, main) {
  // Both ports are chosen per run (the native one defaults to 4445): two drives at once (a
  // local run beside CI, a benchmark) must not take each other's WebKitWebDriver.
  const port = 20000 + 2 * Math.floor(Math.random() * 10000);
  const base = `http://127.0.0.1:${port}`;
  const native = ["--native-port", String(port + 1), "--native-driver", "/usr/bin/WebKitWebDriver"];
  const driver = spawn("tauri-driver", ["--port", String(port), ...native], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  let sessionId;
  const wd = async (method, path, body) => {
    const res = await fetch(base + path, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json).slice(0, 400)}`);
    return json.value;
  };
  const s = (path) => `/session/${sessionId}${path}`;
  const find = (css) =>
    retry(`find ${css}`, async () => Object.values(await wd("POST", s("/element"), { using: "css selector", value: css }))[0]);
  const session = {
    wd,
    find,
    exec: (script, ...args) => wd("POST", s("/execute/sync"), { script, args }),
    async click(css) {
      const id = await find(css);
      await retry(`click ${css}`, () => wd("POST", s(`/element/${id}/click`), {}));
    },
    // textContent, not WebDriver's "visible text", which skips ellipsized table cells.
    async textOf(css) {
      await find(css);
      return wd("POST", s("/execute/sync"), {
        script: "return document.querySelector(arguments[0]).textContent",
        args: [css],
      });
    },
    async exists(css) {
      return wd("POST", s("/execute/sync"), { script: "return document.querySelector(arguments[0]) !== null", args: [css] });
    },
    /** Types into the input at `css` (or the input inside it), as keystrokes. */
    async type(css, text) {
      const id = await retry(`find input ${css}`, async () => {
        const el = await wd("POST", s("/element"), { using: "css selector", value: `${css} input, input${css}` });
        return Object.values(el)[0];
      });
      await wd("POST", s(`/element/${id}/clear`), {});
      await wd("POST", s(`/element/${id}/value`), { text });
      // Keystrokes that went elsewhere (the focus taken away while typing) are lost, not late.
      const shown = await wd("POST", s("/execute/sync"), { script: "return arguments[0].value", args: [{ "element-6066-11e4-a52e-4f735466cecf": id }] });
      if (shown !== text) throw new Error(`typed «${text}» into ${css}, the field shows «${shown}»`);
    },
    async resize(width, height) {
      await wd("POST", s("/window/rect"), { width, height });
    },
    async scrollTo(css) {
      await find(css);
      await wd("POST", s("/execute/sync"), {
        script: "document.querySelector(arguments[0]).scrollIntoView({block: 'center'})",
        args: [css],
      });
    },
    // Let queries and transitions settle so the picture shows the real state.
    async shot(name) {
      await sleep(700);
      writeFileSync(`${out}/${name}.png`, Buffer.from(await wd("GET", s("/screenshot")), "base64"));
    },
  };
  try {
    await retry("tauri-driver up", () => fetch(`${base}/status`).then((r) => r.ok || Promise.reject(new Error("not ready"))));
    const created = await wd("POST", "/session", {
      capabilities: { alwaysMatch: { "tauri:options": { application: app } } },
    });
    sessionId = created.sessionId;
    await main(session);
  } catch (e) {
    console.error(`${label} FAILED: ${e.message}`);
    process.exitCode = 1;
    if (sessionId) {
      await wd("GET", s("/screenshot"))
        .then((png) => writeFileSync(`${out}/failure.png`, Buffer.from(png, "base64")))
        .catch(() => {});
      await wd("GET", s("/source"))
        .then((html) => writeFileSync(`${out}/failure.html`, html))
        .catch(() => {});
    }
  } finally {
    if (sessionId) await wd("DELETE", s("")).catch(() => {});
    driver.kill();
  }
}

/**
 * Opens `file` in the running app the way the system does: a second launch with the file on
 * its command line, which must hand it to the first window and end by itself (single instance).
 */
export async function openInRunningApp(app, file) {
  const second = spawn(app, [file], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  second.stdout.on("data", (d) => (output += d));
  second.stderr.on("data", (d) => (output += d));
  const exit = await Promise.race([
    new Promise((resolve) => second.on("exit", (code, signal) => resolve(code ?? `signal ${signal}`))),
    sleep(30000).then(() => "still running after 30 s"),
  ]);
  if (exit !== 0) {
    second.kill();
    throw new Error(`the second launch did not hand over ${file} and end: ${exit}\n${output}`);
  }
  // It handed over before starting GTK and WebKit (src-tauri/src/handover.rs), not through the
  // plugin's later exit, which raced those libraries' threads and now and then ended in SIGSEGV.
  if (!output.includes("уже запущен")) {
    throw new Error(`the second launch ended without its early hand-over:\n${output}`);
  }
}
