#!/usr/bin/env bash
# Installs the .deb that `./dev package` built (apt-get install ./…deb, dependencies resolved by
# apt), checks what it put on the system, then drives the INSTALLED binary under Xvfb through
# tauri-driver + WebKitWebDriver (tests/desktop/installed.mjs), then updates it to a newer signed
# package from a loopback release server (tests/desktop/update.mjs). Screenshots:
# target/desktop-installed/.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
shopt -s nullglob
debs=(target/release/bundle/deb/*.deb)
[ ${#debs[@]} -eq 1 ] || { echo "expected exactly one .deb under target/release/bundle/deb, found ${#debs[@]} (run ./dev package)" >&2; exit 1; }
DEB="$PWD/${debs[0]}"
echo "package: ${debs[0]} ($(stat -c %s "$DEB") bytes)"
dpkg-deb --field "$DEB" Package Version Depends
# --allow-downgrades: the update test (below) leaves a newer version installed.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends --reinstall --allow-downgrades "$DEB" >/dev/null
pkg="$(dpkg-deb --field "$DEB" Package)"
APP="$(dpkg -L "$pkg" | grep -E '^/usr/bin/[^/]+$' | grep -v '/mbridge$' | head -n1)"
[ -x "$APP" ] || { echo "the package installed no program under /usr/bin" >&2; exit 1; }
# The CLI twin ships in the same package: scheduled job runs start it.
CLI="$(dirname "$APP")/mbridge"
"$CLI" --version || { echo "the package installed no working $CLI" >&2; exit 1; }
desktop="$(dpkg -L "$pkg" | grep -E '^/usr/share/applications/.+\.desktop$' | head -n1)"
[ -n "$desktop" ] || { echo "the package installed no desktop entry" >&2; exit 1; }
for key in 'Name=Metrika Bridge' 'Comment\[ru\]=' 'MimeType=.*text/csv' 'Exec=.* %F'; do
  grep -Eq "^$key" "$desktop" || { echo "desktop entry $desktop lacks $key" >&2; cat "$desktop" >&2; exit 1; }
done
dpkg -L "$pkg" | grep -q '^/usr/share/icons/hicolor/.*/apps/' || { echo "no icons installed" >&2; exit 1; }
echo "installed: $APP, $desktop, icons"
# The .rpm is built by the same bundler; this Debian machine cannot install it, so its contents
# and declared dependencies are read with rpm(8) instead.
rpms=(target/release/bundle/rpm/*.rpm)
[ ${#rpms[@]} -eq 1 ] || { echo "expected exactly one .rpm under target/release/bundle/rpm, found ${#rpms[@]}" >&2; exit 1; }
rpm_files="$(rpm -qpl "${rpms[0]}" 2>/dev/null)"
for f in /usr/bin/metrika-bridge /usr/bin/mbridge /usr/share/applications/; do
  grep -q "^$f" <<<"$rpm_files" || { echo "the .rpm lacks $f" >&2; exit 1; }
done
rpm_requires="$(rpm -qpR "${rpms[0]}" 2>/dev/null)"
grep -qi 'webkit2gtk4.1\|webkit2gtk-4.1' <<<"$rpm_requires" || { echo "the .rpm does not require WebKitGTK 4.1:" >&2; echo "$rpm_requires" >&2; exit 1; }
echo "rpm: ${rpms[0]} holds both programs and the desktop entry; requires $(tr '\n' ' ' <<<"$rpm_requires" | cut -c1-160)"
OUT="$PWD/target/desktop-installed"
rm -rf "$OUT"; mkdir -p "$OUT/files"
export PATH="$HOME/.cargo/bin:$PATH"
export MBRIDGE_DATA_DIR="$OUT/data"
export TAURI_WEBVIEW_AUTOMATION=true
export MBRIDGE_FOLLOW_UP_SECS=2   # the follow-up wakes every 2 s instead of 15
# The demo Metrica links a conversion only when its visit is at most 21 days old, as Metrica does,
# against the real clock: the fixture's fixed dates would stop linking as the calendar moves on
# (they did on 2026-12-05). The copy keeps its rows and spacing, its latest event one day ago.
awk -F, -v OFS=, -v now="$(date +%s)" 'NR == FNR { if (FNR > 1 && $3 > max) max = $3; next }
  FNR == 1 { print; next } { $3 += now - 86400 - max; print }' \
  fixtures/offline_clientid.csv fixtures/offline_clientid.csv >"$OUT/files/second-launch.csv"
unset MBRIDGE_CLIENT_ID MBRIDGE_API_BASE MBRIDGE_TOKEN
# The update journey needs the throwaway key the package was built for (./dev test makes both;
# a package from plain `./dev package` has no release server and is not offered updates).
KEY=""
[ -f target/update-test/key ] && KEY="$PWD/target/update-test/key"
if [ -z "$KEY" ] && [ -n "${CI:-}" ]; then echo "no target/update-test/key: the update journey cannot run" >&2; exit 1; fi
export APP OUT DEB KEY
# A private D-Bus session (single instance and notifications live there) with dunst as the
# desktop's notification daemon; dbus-monitor records every Notify call the app makes.
exec xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- bash -c '
  dbus-monitor --session "type=method_call,interface=org.freedesktop.Notifications,member=Notify" >"$OUT/notifications.log" 2>&1 &
  mon=$!
  dunst >"$OUT/dunst.log" 2>&1 &
  daemon=$!
  sleep 0.5
  rc=0
  node tests/desktop/installed.mjs --app "$APP" --out "$OUT" --file "$OUT/files/second-launch.csv" \
    --notifications "$OUT/notifications.log" || rc=$?
  if [ "$rc" -eq 0 ] && [ -n "$KEY" ]; then
    node tests/desktop/update.mjs --app "$APP" --out "$OUT" --deb "$DEB" --key "$KEY" || rc=$?
  fi
  kill "$mon" "$daemon" 2>/dev/null || true
  exit "$rc"'
