# Sourced by the desktop test scripts: APP is the binary to drive — MBRIDGE_E2E_APP when set
# (`./dev test` sets the release build), else the debug app built here with the UI embedded.
if [ -n "${MBRIDGE_E2E_APP:-}" ]; then
  APP="$(realpath "$MBRIDGE_E2E_APP")"
else
  [ -f ui/dist/index.html ] || (cd ui && npm run --silent build)
  cargo build --locked -q -p metrika-bridge
  APP="$PWD/target/debug/metrika-bridge"
fi
export PATH="$HOME/.cargo/bin:$PATH"
export TAURI_WEBVIEW_AUTOMATION=true
