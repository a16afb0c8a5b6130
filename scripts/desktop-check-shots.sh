#!/usr/bin/env bash
# The Check step of the real app (Rust core, built-in demo) under Xvfb for the three report
# fixtures, light and dark, asserting what each Check step says; with --docs copies the pictures
# to docs/check-*.png. Builds the debug app unless MBRIDGE_E2E_APP names one. `./dev test` runs it
# on the release app (without --docs).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/desktop-app.sh
OUT="$PWD/target/desktop-check"
mkdir -p "$OUT/files"
unset MBRIDGE_CLIENT_ID MBRIDGE_API_BASE MBRIDGE_TOKEN
run() { # name fixture expected-text
  export MBRIDGE_DATA_DIR="$OUT/data-$1"
  rm -rf "$MBRIDGE_DATA_DIR"
  cp "fixtures/$2" "$OUT/files/$2"
  # A private session D-Bus: the single-instance hand-over of the file lives there.
  xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- \
    node tests/desktop/check-report.mjs --app "$APP" --out "$OUT" --name "$1" --file "$OUT/files/$2" --expect "$3"
}
run crm crm-ru-statuses-totals.csv "Поправили сами"
run xlsx orders-title-totals.xlsx "Строка итогов пропущена"
run errors orders-with-errors.csv "Пустой номер заказа"
if [ "${1:-}" = "--docs" ]; then
  for f in crm-check-light crm-check-dark xlsx-check-light xlsx-file-light errors-check-light errors-check-dark; do
    cp "$OUT/$f.png" "docs/check-$f.png"
  done
  echo "docs/check-*.png updated"
fi
echo "check-step journeys: 3 passed (CRM with Russian statuses, xlsx with title and totals rows, file with errors)"
