#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring, so tests of the
# OS keychain (Secret Service) can run on a headless machine. Falls back to running the command
# as is where dbus-run-session or gnome-keyring-daemon is missing (the keychain test then skips).
set -euo pipefail
if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  exec "$@"
fi
KEYRING_HOME="$(mktemp -d)"
trap 'rm -rf "$KEYRING_HOME"' EXIT
export XDG_DATA_HOME="$KEYRING_HOME/data" XDG_RUNTIME_DIR="$KEYRING_HOME/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
exec dbus-run-session -- bash -c '
  printf "mbridge-test\n" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || true
  export MBRIDGE_KEYRING_TEST=1
  exec "$@"' _ "$@"
