// The update journey on the INSTALLED package (scripts/desktop-installed.sh runs it after the
// first journey). The package under test was built with a throwaway update key and a release
// server at http://127.0.0.1:47811 (./dev, t_package). This script is that release server:
//   1. it offers a newer version (the same package with its version raised, signed with the
//      throwaway key for that version): the app announces it at start;
//   2. first with a signature that does not match the package: the app refuses it in words and
//      the system keeps the installed version;
//   3. then correctly signed: «Проверить обновления» and «Установить и перезапустить» in
//      Settings download it, the plugin checks the signature, installs it with the system's
//      package manager and restarts the app; dpkg then reports the new version.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { basename } from "node:path";
import { cliArgs, drive, retry } from "./webdriver.mjs";

const args = cliArgs();
const { app, deb, key } = args;
const out = args.out ?? ".";
const port = Number(args.port ?? 47811);
const sh = (cmd, argv, opts = {}) => execFileSync(cmd, argv, { encoding: "utf8", ...opts }).trim();

const pkg = sh("dpkg-deb", ["--field", deb, "Package"]);
const installed = () => sh("dpkg-query", ["-W", "-f=${Version}", pkg]);
const current = installed();
const newer = current.replace(/(\d+)(?!.*\d)/, (n) => String(Number(n) + 1));

// The newer package: the installed one with its version raised (its files are the same build;
// what is tested is the updater's path, not the new code).
const dir = `${out}/update-server`;
rmSync(dir, { recursive: true, force: true });
mkdirSync(`${dir}/tree`, { recursive: true });
sh("dpkg-deb", ["-R", deb, `${dir}/tree`]);
const control = `${dir}/tree/DEBIAN/control`;
writeFileSync(control, readFileSync(control, "utf8").replace(/^Version: .*$/m, `Version: ${newer}`));
const newDeb = `${dir}/${pkg}_${newer}_amd64.deb`;
sh("dpkg-deb", ["--root-owner-group", "-b", `${dir}/tree`, newDeb], { stdio: ["ignore", "pipe", "inherit"] });
rmSync(`${dir}/tree`, { recursive: true });
const sign = (file) => {
  sh("ui/node_modules/.bin/tauri", ["signer", "sign", "-f", key, "-p", "", "--app-version", newer, file]);
  return readFileSync(`${file}.sig`, "utf8").trim();
};
const good = sign(newDeb);
// A signature by the right key, for the right version, of other bytes (the installed package):
// what a damaged or replaced download looks like to the app.
const wrongCopy = `${dir}/other.deb`;
writeFileSync(wrongCopy, readFileSync(deb));
const tampered = sign(wrongCopy);

let signature = tampered;
const requests = [];
const server = createServer((req, res) => {
  requests.push(req.url);
  if (req.url.startsWith("/latest.json")) {
    const url = `http://127.0.0.1:${port}/${basename(newDeb)}`;
    const platform = { signature, url };
    res.setHeader("content-type", "application/json");
    res.end(
      JSON.stringify({
        version: newer,
        notes: "Проверка файлов быстрее; новые подсказки на шаге «Столбцы».",
        pub_date: new Date().toISOString(),
        platforms: { "linux-x86_64-deb": platform, "linux-x86_64": platform },
      }),
    );
  } else if (req.url === `/${basename(newDeb)}`) {
    res.setHeader("content-type", "application/vnd.debian.binary-package");
    res.end(readFileSync(newDeb));
  } else {
    res.statusCode = 404;
    res.end();
  }
});
await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
console.log(`update server: ${pkg} ${current} installed, offering ${newer} on :${port}`);

// Processes running the app's binary (read from /proc: no procps needed).
const appPids = () =>
  readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readlinkSync(`/proc/${p}/exe`).replace(/ \(deleted\)$/, "") === app;
      } catch {
        return false;
      }
    });

try {
  await drive({ app, out, label: "update e2e" }, async ({ click, find, textOf, shot }) => {
    // 1. The check at start finds the newer version: a notice above the screen.
    const banner = await retry(
      "the notice of a newer version",
      async () => {
        const t = await textOf("[data-testid='update-banner']");
        if (!t.includes(`Вышла новая версия Metrika Bridge — ${newer}`)) throw new Error(t);
        return t;
      },
      30000,
    );
    await shot("update-available");

    // 2. A package whose signature does not match: refused in words, nothing installed.
    await click("[data-testid='update-banner'] [data-qa='update-install']");
    const refused = await retry(
      "the refusal of a package with a wrong signature",
      async () => {
        const t = await textOf("[data-testid='update-banner']");
        if (!t.includes("подпись не совпала")) throw new Error(t);
        return t;
      },
      60000,
    );
    if (installed() !== current) throw new Error(`a package with a wrong signature was installed: ${installed()}`);
    await shot("update-refused");
    console.log(`update e2e: wrong signature refused, ${pkg} stays ${current}`);

    // 3. Signed right: Settings → «Проверить обновления» → «Установить и перезапустить».
    signature = good;
    await click("[data-qa='nav-settings']");
    await click("[data-testid='updates'] [data-qa='update-check']");
    await retry("Settings shows the newer version", async () => {
      const t = await textOf("[data-testid='updates']");
      if (!t.includes(newer) || !t.includes("Проверка файлов быстрее")) throw new Error(t);
    });
    await shot("update-settings");
    const before = appPids();
    await click("[data-testid='updates'] [data-qa='update-install']");
    await retry(`dpkg reports ${pkg} ${newer}`, async () => {
      if (installed() !== newer) throw new Error(`still ${installed()}`);
    }, 120000);
    console.log(`update e2e: ${pkg} ${current} → ${newer} installed by the app (signature checked)`);
    // The app restarts itself into the new version.
    const again = await retry(
      "the app restarted after the update",
      async () => {
        const now = appPids().filter((p) => !before.includes(p));
        if (now.length === 0) throw new Error(`running: ${appPids().join(", ") || "none"}`);
        return now;
      },
      30000,
    );
    console.log(`update e2e: restarted as pid ${again.join(", ")}`);
    console.log(`update e2e: banner said «${banner.trim().slice(0, 60)}…», refusal «${refused.trim().slice(0, 80)}…»`);
    if (!requests.some((r) => r === `/${basename(newDeb)}`)) throw new Error("the package was never downloaded");
    console.log("3 passed, 0 failed");
  });
} finally {
  server.close();
  // The restarted app is not the WebDriver's: stop it here.
  for (const p of appPids()) {
    try {
      process.kill(Number(p));
    } catch {
      /* gone already */
    }
  }
}
