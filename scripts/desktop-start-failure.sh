#!/usr/bin/env bash
# A desktop app that cannot start (here: its data folder cannot be made) says why in a native
# dialog that names the folder, instead of hanging on a blank window (the dialog used to
# deadlock on GTK's main thread) or ending without a word (a panic on stderr). Takes the binary
# as the other desktop tests do (scripts/desktop-app.sh); leaves a picture in
# target/desktop-start-failure/.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" != --inside ]; then
  source scripts/desktop-app.sh
  OUT="$PWD/target/desktop-start-failure"
  rm -rf "$OUT" && mkdir -p "$OUT"
  # A file where the data folder's parent should be: nothing can be made under it.
  touch "$OUT/not-a-folder"
  unset MBRIDGE_CLIENT_ID MBRIDGE_API_BASE MBRIDGE_TOKEN
  export APP OUT MBRIDGE_DATA_DIR="$OUT/not-a-folder/data"
  exec xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- "$0" --inside
fi
"$APP" >"$OUT/app.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
dialog=""
for _ in $(seq 60); do
  dialog=$(xwininfo -root -tree | awk '/"Metrika Bridge не запустился"/ { print $1; exit }')
  [ -n "$dialog" ] && break
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "FAIL: the app ended without its dialog:" && cat "$OUT/app.log" && exit 1
  fi
  sleep 0.5
done
if [ -z "$dialog" ]; then
  echo "FAIL: no dialog within 30 s:" && cat "$OUT/app.log" && exit 1
fi
import -window root "$OUT/dialog.png" 2>/dev/null || true
# The dialog's text, also written on stderr: the folder and the system's reason.
if ! grep -q "Не удалось открыть данные программы в папке $MBRIDGE_DATA_DIR" "$OUT/app.log" ||
  ! grep -q "Причина: Not a directory" "$OUT/app.log"; then
  echo "FAIL: the dialog's text:" && cat "$OUT/app.log" && exit 1
fi
echo "ok: a start failure shows its dialog ($dialog) naming $MBRIDGE_DATA_DIR"
