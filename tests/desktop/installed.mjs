// Drives the INSTALLED Metrika Bridge (the binary the .deb put on the system, not a cargo build)
// through tauri-driver + WebKitWebDriver under Xvfb, inside a private D-Bus session with a
// notification daemon (scripts/desktop-installed.sh sets that up):
//   1. the packaged Rust core answers (signs in the demo account);
//   2. a second launch with a file on its command line ends at once and hands the file to the
//      running window (single instance), whose import wizard opens it;
//   3. that file is mapped, checked and sent (one journey step through the packaged app);
//   4. when Metrica (the built-in demo) has processed it, the app shows a system notification,
//      seen as a Notify call on org.freedesktop.Notifications (--notifications LOG);
//   5. a click on that notification (dunstctl action) opens the upload in History.
// WebDriver helpers: webdriver.mjs.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { cliArgs, drive, openInRunningApp, retry } from "./webdriver.mjs";

const args = cliArgs();
const app = args.app;
const out = args.out ?? ".";

await drive({ app, out, label: "installed-app e2e" }, async ({ click, find, textOf, shot, exec }) => {
  const t0 = Date.now();

  // The packaged Rust core answers: the demo account it signed in is on screen.
  const pong = await retry("the packaged core signs in the demo account", async () => {
    const t = await textOf("body");
    if (!t.includes("demo-agency")) throw new Error("no demo-agency on screen yet");
    return "demo-agency signed in";
  });

  // A second launch with a file: it must end by itself (exit 0) and hand the file over.
  await openInRunningApp(app, args.file);
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
      const current = await exec("return document.querySelector(\"[data-qa='nav-history']\")?.getAttribute('aria-current')");
      if (current !== "page") throw new Error("History is not the open section");
      const text = (await textOf("[data-testid='upload-detail']")).trim();
      // The journey sent one upload into a fresh data folder: it is № 1.
      if (!/^Загрузка № 1\b/.test(text)) throw new Error(`the detail shows another upload: ${text.slice(0, 80)}`);
    });
    await shot("installed-notification-click");
    console.log("installed app: a click on the notification opened its upload in History");
  }
  console.log(`installed app: ${app} answered "${pong}"; checked the file: ${summary.replace(/\s+/g, " ").slice(0, 120)}`);
  console.log(`installed app: journey step done in ${Date.now() - t0} ms`);
  console.log(`${args.notifications ? 5 : 3} passed, 0 failed`);
});
