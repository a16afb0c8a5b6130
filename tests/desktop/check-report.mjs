// Screenshots of the Check step on the real app (Rust core, built-in demo) for one file, in
// light and dark: file → columns → (statuses) → check. Run by scripts/desktop-check-shots.sh;
// the file is opened in the running app as the file manager does (a second launch with it).
// Usage: node tests/desktop/check-report.mjs --app APP --out DIR --name NAME --file F [--expect TEXT]
import { setTimeout as sleep } from "node:timers/promises";
import { cliArgs, drive, openInRunningApp } from "./webdriver.mjs";

const args = cliArgs();

await drive({ app: args.app, out: args.out, label: `check-report ${args.name}` }, async ({ click, find, exists, exec, shot }) => {
  const theme = async (value) => {
    await click("[data-testid='nav-settings']");
    await click(`[data-qa='setting-theme'] input[value='${value}']`);
    await sleep(400);
  };
  await theme("light");
  await click("[data-testid='nav-upload']");
  await sleep(300);
  if (await exists("[data-qa='demo-intro-ok']")) await click("[data-qa='demo-intro-ok']");
  await openInRunningApp(args.app, args.file);
  await find("[data-testid='preview-table']");
  await shot(`${args.name}-file-light`);
  // file → columns → statuses (CRM kinds) → check
  for (let i = 0; i < 4 && !(await exists("[data-testid='validation-summary']")); i++) {
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
});
