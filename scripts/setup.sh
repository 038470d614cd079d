#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine lacks to build, run and test the kiosk.
# Idempotent: every step is skipped when its result is already there.
set -euo pipefail

need_apt=()
pkgs=(libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libssl-dev
  build-essential pkg-config libsoup-3.0-dev libxdo-dev file xvfb xauth webkit2gtk-driver
  imagemagick x11-utils xdotool)
# Callers may ask for more (scripts/bench: SETUP_EXTRA=valgrind).
read -r -a extra <<< "${SETUP_EXTRA:-}"
pkgs+=("${extra[@]}")
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$p")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

# node runs the UI's own tests (ui-dev/tests, `node --test`); any node >= 18 will do.
if ! command -v node >/dev/null 2>&1; then
  echo "setup: installing nodejs"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo is missing; install Rust with rustup first" >&2
  exit 1
fi

if [ "${SETUP_E2E:-0}" = "1" ] && ! command -v tauri-driver >/dev/null 2>&1; then
  echo "setup: installing tauri-driver"
  cargo install tauri-driver --locked --version "^2" >/dev/null 2>&1 || cargo install tauri-driver --locked
fi

# cargo-fuzz runs the fuzz targets (fuzz/, scripts/fuzz) in the README's test command.
if { [ "${SETUP_E2E:-0}" = "1" ] || [ "${SETUP_FUZZ:-0}" = "1" ]; } && ! cargo fuzz --version >/dev/null 2>&1; then
  echo "setup: installing cargo-fuzz"
  cargo install cargo-fuzz --locked >/dev/null 2>&1 || cargo install cargo-fuzz
fi
