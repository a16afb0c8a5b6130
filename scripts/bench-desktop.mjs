// The measuring half of scripts/bench-desktop.sh (run under Xvfb and a private D-Bus session):
// Metrika Bridge and the empty Tauri app (bench/empty-tauri) side by side in one run, with the
// toolkit floor (the empty app with Gravity UI on its page, bench/empty-tauri/src/toolkit.tsx)
// when --toolkit is given: what the prescribed toolkit costs before any product code.
//
// - Start to first screen: the page of each app, after the frame that paints its first screen,
//   calls the app (Metrika Bridge: the `first_screen` command, an info line «first screen
//   painted» in its log; the empty app: a line on stdout). Both lines carry the wall-clock time
//   taken in Rust at that call; the figure is that time minus the moment just before spawn().
//   One warm-up launch of each first (not counted), then the apps take turns going first.
// - Memory: PSS (/proc/PID/smaps_rollup) of the app process plus every process under it
//   (WebKitWebProcess, WebKitNetworkProcess), 3 s after the first screen.
// - Metrika Bridge after a check of an N-row file: driven through tauri-driver +
//   WebKitWebDriver like tests/desktop/smoke.mjs (the file handed over by a second launch).
import { execFileSync, spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { cliArgs, drive, openInRunningApp, retry } from "../tests/desktop/webdriver.mjs";

const args = cliArgs();
const product = { name: "metrika-bridge", app: realpathSync(args.app), deb: args.deb, logDir: join(args.data, "logs") };
const empty = { name: "empty-tauri", app: realpathSync(args.empty), deb: args["empty-deb"] };
const toolkit = args.toolkit ? { name: "empty-toolkit", app: realpathSync(args.toolkit) } : null;
const apps = toolkit ? [product, empty, toolkit] : [product, empty];
const keyOf = (which) => (which === product ? "metrika_bridge" : which === empty ? "empty" : "toolkit");
const runs = Number(args.runs ?? 5);
const settleMs = 3000;
const out = args.out;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const nowMs = () => performance.timeOrigin + performance.now();
const round1 = (x) => Math.round(x * 10) / 10;

// --- processes and memory ---------------------------------------------------------------------
function children() {
  const byParent = new Map();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!byParent.has(ppid)) byParent.set(ppid, []);
      byParent.get(ppid).push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return byParent;
}
function tree(pid) {
  const byParent = children();
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...(byParent.get(all[i]) ?? []));
  return all;
}
function processName(pid) {
  try {
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0];
    return basename(argv0);
  } catch {
    return "?";
  }
}
function rollup(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0);
    return { pss_kib: kb("Pss"), uss_kib: kb("Private_Clean") + kb("Private_Dirty") };
  } catch {
    return { pss_kib: 0, uss_kib: 0 };
  }
}
/**
 * PSS of the app and everything under it, in KiB, with the parts; and USS (its private pages),
 * which, unlike PSS, does not drop when another program on the machine maps the same WebKit.
 */
function memory(pid) {
  const parts = tree(pid).map((p) => ({ pid: p, name: processName(p), ...rollup(p) }));
  const sum = (k) => parts.reduce((a, p) => a + p[k], 0);
  return { pss_kib: sum("pss_kib"), uss_kib: sum("uss_kib"), processes: parts };
}

async function stop(child) {
  const pids = tree(child.pid);
  const exited = new Promise((resolve) => (child.exitCode !== null ? resolve() : child.on("exit", resolve)));
  child.kill("SIGTERM");
  await Promise.race([exited, sleep(10000)]);
  // WebKit's helpers go with their parent; make sure nothing lingers into the next run.
  const t0 = Date.now();
  while (pids.some((p) => existsSync(`/proc/${p}`))) {
    if (Date.now() - t0 > 5000) {
      for (const p of pids) {
        try {
          process.kill(p, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
    await sleep(50);
  }
}

// --- the first-screen signal ------------------------------------------------------------------
/** New text in Metrika Bridge's log folder since `offsets` (file → size before the launch). */
function logSizes(dir) {
  const sizes = new Map();
  if (existsSync(dir)) for (const f of readdirSync(dir)) sizes.set(f, statSync(join(dir, f)).size);
  return sizes;
}
function newLogText(dir, before) {
  let text = "";
  if (!existsSync(dir)) return text;
  for (const f of readdirSync(dir)) {
    const path = join(dir, f);
    const from = before.get(f) ?? 0;
    const size = statSync(path).size;
    if (size <= from) continue;
    const buf = Buffer.alloc(size - from);
    const fd = openSync(path, "r");
    readSync(fd, buf, 0, buf.length, from);
    closeSync(fd);
    text += buf.toString("utf8");
  }
  return text;
}
/** `2026-12-04T19:30:00.123456Z` → milliseconds since the epoch, with the fraction. */
function parseStamp(stamp) {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(stamp);
  if (!m) throw new Error(`not a UTC timestamp: ${stamp}`);
  return Date.parse(`${m[1]}Z`) + Number(`0.${m[2] ?? "0"}`) * 1000;
}

/** Starts `which`, waits for its first screen; returns the child, the start time and the page's own clock. */
async function launch(which) {
  // As a user starts it: no WebKit automation (that is only for the WebDriver run below).
  const env = { ...process.env };
  delete env.TAURI_WEBVIEW_AUTOMATION;
  let stdout = "";
  const before = which === product ? logSizes(product.logDir) : null;
  const t0 = nowMs();
  const child = spawn(which.app, [], { env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", () => {});
  const painted = await retry(
    `${which.name}: first screen`,
    async () => {
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
      if (which === product) {
        const line = newLogText(product.logDir, before)
          .split("\n")
          .find((l) => l.includes("first screen painted"));
        if (!line) throw new Error("no «first screen painted» in the log yet");
        // `2026-12-04T19:30:00.123456Z  INFO mb_uploader::commands: first screen painted page_ms=412.0`
        return { at: parseStamp(line.trim().split(/\s+/)[0]), pageMs: Number(/page_ms=([\d.]+)/.exec(line)?.[1]) };
      }
      const m = /first screen painted at_us=(\d+) page_ms=([\d.]+)/.exec(stdout);
      if (!m) throw new Error("no «first screen painted» on stdout yet");
      return { at: Number(m[1]) / 1000, pageMs: Number(m[2]) };
    },
    60000,
  );
  return { child, startMs: round1(painted.at - t0), pageMs: painted.pageMs };
}

async function startRun(which) {
  const { child, startMs, pageMs } = await launch(which);
  await sleep(settleMs);
  const mem = memory(child.pid);
  await stop(child);
  return { startMs, pageMs, mem };
}

// --- packages ---------------------------------------------------------------------------------
function packageFacts(which) {
  const deb = realpathSync(which.deb);
  const field = (f) => execFileSync("dpkg-deb", ["--field", deb, f], { encoding: "utf8" }).trim();
  const listing = execFileSync("dpkg-deb", ["--contents", deb], { encoding: "utf8" });
  const files = listing
    .split("\n")
    .filter((l) => l.startsWith("-"))
    .map((l) => {
      const parts = l.trim().split(/\s+/);
      return { path: "/" + parts.slice(5).join(" ").replace(/^\.?\//, ""), bytes: Number(parts[2]) };
    });
  const binary = files.find((f) => f.path === `/usr/bin/${which.name}`);
  return {
    deb: basename(deb),
    deb_bytes: statSync(deb).size,
    installed_size_bytes: Number(field("Installed-Size")) * 1024,
    binary: binary?.path,
    binary_bytes: binary?.bytes,
    files: files.map((f) => `${f.path} ${f.bytes}`),
  };
}

// --- the run ----------------------------------------------------------------------------------
const result = {
  packages: { metrika_bridge: packageFacts(product), empty: packageFacts(empty) },
  start: { metrika_bridge: [], empty: [], toolkit: [] },
  memory_after_start: { metrika_bridge: [], empty: [], toolkit: [] },
};

console.log("bench-desktop: warm-up launch of each app (not counted)");
for (const which of apps) await startRun(which);
for (let i = 0; i < runs; i++) {
  // Each run another app goes first, so a slow moment of the machine hits them alike.
  const order = apps.map((_, k) => apps[(k + i) % apps.length]);
  for (const which of order) {
    const r = await startRun(which);
    const key = keyOf(which);
    result.start[key].push({ ms: r.startMs, page_ms: r.pageMs });
    result.memory_after_start[key].push(r.mem);
    console.log(`bench-desktop: run ${i + 1} ${which.name}: first screen ${r.startMs} ms, PSS ${(r.mem.pss_kib / 1024).toFixed(1)} MiB`);
  }
}

// Metrika Bridge through the Check step of an N-row file.
const check = { rows: Number(args.rows), file_bytes: statSync(args.csv).size };
await drive({ app: product.app, out: args.shots, label: "bench-desktop check" }, async ({ click, find, exists, textOf, shot }) => {
  const appPid = await retry("the app's process", async () => {
    const pids = readdirSync("/proc").filter((d) => {
      if (!/^\d+$/.test(d)) return false;
      try {
        return realpathSync(`/proc/${d}/exe`) === product.app;
      } catch {
        return false;
      }
    });
    if (pids.length !== 1) throw new Error(`${pids.length} processes of ${product.app}`);
    return Number(pids[0]);
  });
  await find("[data-testid='nav-upload']");
  await sleep(settleMs);
  check.under_webdriver_after_start = memory(appPid);
  await click("[data-testid='nav-upload']");
  await sleep(300);
  if (await exists("[data-qa='demo-intro-ok']")) await click("[data-qa='demo-intro-ok']");
  await openInRunningApp(product.app, args.csv);
  await find("[data-testid='preview-table']");
  await click("[data-qa='wizard-next']");
  await find("[data-testid='mapping-table']");
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, memory(appPid).pss_kib)), 250);
  const t0 = Date.now();
  await click("[data-qa='wizard-next']");
  await retry("the file is checked", () => find("[data-testid='validation-summary']"), 600000);
  check.check_ms = Date.now() - t0;
  clearInterval(sampler);
  check.summary = (await textOf("[data-testid='validation-summary']")).replace(/\s+/g, " ").trim().slice(0, 300);
  await sleep(settleMs);
  check.after_check = memory(appPid);
  check.peak_during_check_pss_kib = Math.max(peak, check.after_check.pss_kib);
  await shot("check-1m");
});
if (process.exitCode) throw new Error("the check run failed (see the shots folder)");

// --- figures ----------------------------------------------------------------------------------
const mib = (kib) => round1(kib / 1024);
const startMedian = {
  metrika_bridge: median(result.start.metrika_bridge.map((r) => r.ms)),
  empty: median(result.start.empty.map((r) => r.ms)),
};
const memMedian = {
  metrika_bridge: median(result.memory_after_start.metrika_bridge.map((m) => m.pss_kib)),
  empty: median(result.memory_after_start.empty.map((m) => m.pss_kib)),
};
const ussMedian = {
  metrika_bridge: median(result.memory_after_start.metrika_bridge.map((m) => m.uss_kib)),
  empty: median(result.memory_after_start.empty.map((m) => m.uss_kib)),
};
const ratio = (a, b) => Math.round((a / b) * 100) / 100;
// Per app: start, the page's own clock at its first screen, and the part before the page (the
// process, GTK, WebKit's processes, the window): start minus page clock, run by run.
const phases = (key) => {
  const rs = result.start[key];
  if (!rs.length) return null;
  return {
    start_ms: median(rs.map((r) => r.ms)),
    page_ms: median(rs.map((r) => r.page_ms)),
    before_page_ms: round1(median(rs.map((r) => r.ms - r.page_ms))),
    pss_kib: median(result.memory_after_start[key].map((m) => m.pss_kib)),
  };
};
const where = { metrika_bridge: phases("metrika_bridge"), empty: phases("empty"), toolkit: phases("toolkit") };
const pk = result.packages;
const json = {
  issue: "13: Measured, not asserted",
  measured_at: new Date().toISOString(),
  machine: JSON.parse(args.machine),
  method: {
    start:
      "wall clock from just before spawn() to the app's own record of its page's call after the frame that paints the first screen (Metrika Bridge: the log line «first screen painted», written by the first_screen command once the Shell shows a section or the welcome instead of the loader; the empty app: a stdout line from its first_screen command); one warm-up launch each, then the apps take turns going first; Xvfb 1280x800x24, private D-Bus session",
    memory:
      "sum of Pss from /proc/PID/smaps_rollup over the app process and every process under it (WebKitWebProcess, WebKitNetworkProcess), 3 s after the first screen",
    runs,
    builds: "release; packages by the same Tauri CLI (ui/node_modules/@tauri-apps/cli); the empty app built with the product's Cargo.lock",
  },
  versions: JSON.parse(args.versions),
  package: {
    metrika_bridge: pk.metrika_bridge,
    empty: pk.empty,
    deb_ratio: ratio(pk.metrika_bridge.deb_bytes, pk.empty.deb_bytes),
    binary_ratio: ratio(pk.metrika_bridge.binary_bytes, pk.empty.binary_bytes),
  },
  start_to_first_screen_ms: {
    metrika_bridge: { median: startMedian.metrika_bridge, runs: result.start.metrika_bridge },
    empty: { median: startMedian.empty, runs: result.start.empty },
    ratio: ratio(startMedian.metrika_bridge, startMedian.empty),
    goal_ratio: 1.2,
    // The toolkit floor: the empty app with Gravity UI's styles, theme and two components.
    toolkit_floor: where.toolkit && {
      median: where.toolkit.start_ms,
      runs: result.start.toolkit,
      ratio_to_empty: ratio(where.toolkit.start_ms, startMedian.empty),
      metrika_bridge_ratio_to_floor: ratio(startMedian.metrika_bridge, where.toolkit.start_ms),
    },
    phases: where,
  },
  memory_pss_kib: {
    after_start: {
      metrika_bridge: { median: memMedian.metrika_bridge, runs: result.memory_after_start.metrika_bridge },
      empty: { median: memMedian.empty, runs: result.memory_after_start.empty },
      ratio: ratio(memMedian.metrika_bridge, memMedian.empty),
      goal_ratio: 1.3,
    },
    uss_after_start: {
      metrika_bridge_median: ussMedian.metrika_bridge,
      empty_median: ussMedian.empty,
      ratio: ratio(ussMedian.metrika_bridge, ussMedian.empty),
    },
    metrika_bridge_check: {
      ...check,
      ratio_after_check_to_empty_after_start: ratio(check.after_check.pss_kib, memMedian.empty),
    },
  },
};
writeFileSync(`${out}/desktop.json`, JSON.stringify(json, null, 2) + "\n");

const fmtBytes = (b) => `${(b / 1048576).toFixed(1)} MiB`;
const md = `# Desktop app: Metrika Bridge beside an empty Tauri v2 + React app

Measured ${json.measured_at} by \`scripts/bench-desktop.sh\` (${toolkit ? "the three apps" : "both apps"} in one run; ${runs} runs each,
median; ${json.machine.cores} cores, WebKitGTK ${json.machine.webkitgtk}, tauri ${json.versions.tauri}).
Figures: [desktop.json](desktop.json). Goal of issue 13: start within 1.2x and memory within 1.3x of the
empty app. Reported here, not asserted by any test.

| what | Metrika Bridge | empty app | ratio | goal |
| --- | ---: | ---: | ---: | ---: |
| .deb | ${fmtBytes(pk.metrika_bridge.deb_bytes)} | ${fmtBytes(pk.empty.deb_bytes)} | ${json.package.deb_ratio}x | |
| installed (Installed-Size) | ${fmtBytes(pk.metrika_bridge.installed_size_bytes)} | ${fmtBytes(pk.empty.installed_size_bytes)} | ${ratio(pk.metrika_bridge.installed_size_bytes, pk.empty.installed_size_bytes)}x | |
| app binary | ${fmtBytes(pk.metrika_bridge.binary_bytes)} | ${fmtBytes(pk.empty.binary_bytes)} | ${json.package.binary_ratio}x | |
| start to first screen (median) | ${startMedian.metrika_bridge} ms | ${startMedian.empty} ms | ${json.start_to_first_screen_ms.ratio}x | 1.2x |
| memory after start (PSS, median) | ${mib(memMedian.metrika_bridge)} MiB | ${mib(memMedian.empty)} MiB | ${json.memory_pss_kib.after_start.ratio}x | 1.3x |
| memory after start (USS: private pages, median) | ${mib(ussMedian.metrika_bridge)} MiB | ${mib(ussMedian.empty)} MiB | ${json.memory_pss_kib.uss_after_start.ratio}x | |
| memory after checking ${check.rows.toLocaleString("en")} rows (PSS) | ${mib(check.after_check.pss_kib)} MiB | — | ${json.memory_pss_kib.metrika_bridge_check.ratio_after_check_to_empty_after_start}x of the empty app after start | |

${
  where.toolkit
    ? `## Where the start goes

| app | start to first screen | page clock at first screen | before the page | PSS after start |
| --- | ---: | ---: | ---: | ---: |
${[
  ["empty Tauri + React", where.empty],
  ["the same with Gravity UI (toolkit floor)", where.toolkit],
  ["Metrika Bridge", where.metrika_bridge],
]
  .map(([n, w]) => `| ${n} | ${w.start_ms} ms | ${w.page_ms} ms | ${w.before_page_ms} ms | ${mib(w.pss_kib)} MiB |`)
  .join("\n")}

Of Metrika Bridge's ${round1(startMedian.metrika_bridge - startMedian.empty)} ms over the empty app, the toolkit floor (the empty
app's page with Gravity UI's styles, theme provider, a heading and a button: \`bench/empty-tauri/src/toolkit.tsx\`)
accounts for ${round1(where.toolkit.start_ms - startMedian.empty)} ms; the product's own first screen (its window, top bar, wizard, texts and
start-up questions) for the other ${round1(startMedian.metrika_bridge - where.toolkit.start_ms)} ms. The goal's 1.2x is ${round1(startMedian.empty * 1.2)} ms here; the floor alone is
${json.start_to_first_screen_ms.toolkit_floor.ratio_to_empty}x of the empty app. «Before the page» is start minus the page's clock: process, GTK, WebKit's processes, the window.

`
    : ""
}- Start runs (ms): Metrika Bridge ${result.start.metrika_bridge.map((r) => r.ms).join(", ")}; empty ${result.start.empty.map((r) => r.ms).join(", ")}${
  where.toolkit ? `; toolkit floor ${result.start.toolkit.map((r) => r.ms).join(", ")}` : ""
}.
- The ${check.rows.toLocaleString("en")}-row file (${fmtBytes(check.file_bytes)}) was checked in ${(check.check_ms / 1000).toFixed(1)} s; peak PSS sampled during the check ${mib(check.peak_during_check_pss_kib)} MiB; under WebDriver before the file ${mib(check.under_webdriver_after_start.pss_kib)} MiB.
- PSS after start, each run (MiB): Metrika Bridge ${result.memory_after_start.metrika_bridge.map((m) => mib(m.pss_kib)).join(", ")}; empty ${result.memory_after_start.empty.map((m) => mib(m.pss_kib)).join(", ")}. PSS divides shared pages among the processes that map them: when another WebKit program runs on the machine (other builds' tests here), both apps' PSS drops by about 75 MiB. USS does not.
- Metrika Bridge runs on its built-in demo (no Yandex app configured), as a new user's first launches do.
- ${json.method.start}.
- ${json.method.memory}.
`;
writeFileSync(`${out}/desktop.md`, md);
console.log(md);
