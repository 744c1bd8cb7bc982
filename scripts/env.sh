# Sourced by the other scripts: where the project and its pinned tools are.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT

# Pinned tool versions. wasm-bindgen-cli must equal the wasm-bindgen crate in Cargo.lock.
TRUNK_VERSION="0.21.14"
BINARYEN_VERSION="132.0.0"
# wasm-split-cli (crate wasm_split_cli_support): cuts the release wasm into lazily loaded chunks.
WASM_SPLIT_VERSION="0.2.4"
# terser (npm): minifies the JS wasm-bindgen and wasm-split write for the release build.
TERSER_VERSION="5.51.4"
# axe-core (npm): the accessibility rules the e2e suite runs inside the real pages.
AXE_VERSION="4.14.1"
# lighthouse (npm): the benchmark's performance audit of each route (installed by `setup.sh --bench`).
LIGHTHOUSE_VERSION="12.8.2"
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")"
export TRUNK_VERSION BINARYEN_VERSION WASM_SPLIT_VERSION TERSER_VERSION AXE_VERSION LIGHTHOUSE_VERSION WASM_BINDGEN_VERSION

# npm's binaryen (wasm-opt) and terser live outside the repository; Trunk finds it on PATH.
TOOLS_DIR="${FIELD_TOOLS_DIR:-$HOME/.cache/field-tools}"
export TOOLS_DIR
# The e2e suite injects this file into the pages it checks for accessibility.
export FIELD_AXE_JS="${FIELD_AXE_JS:-$TOOLS_DIR/axe/node_modules/axe-core/axe.min.js}"
export PATH="$TOOLS_DIR/binaryen/node_modules/.bin:$TOOLS_DIR/terser/node_modules/.bin:$HOME/.cargo/bin:$PATH"

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
# A browser test file runs all its tests in one page, and wasm-bindgen-test-runner gives the
# whole page 20 s by default: the UI tests' file came to about that on 2 cores. A hang is still
# caught, later.
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-300}"

section() {
  printf '\n\033[1m==== %s ====\033[0m\n' "$*"
}

# One line for the log: how much the build directory holds and how much the disk has left. A full
# disk shows up as a linker "Bus error" or a failed write; this line says which it was.
disk_report() {
  mkdir -p "$CARGO_TARGET_DIR"
  local used free
  used="$(du -sh "$CARGO_TARGET_DIR" 2>/dev/null | cut -f1)"
  free="$(df -h --output=avail "$CARGO_TARGET_DIR" | tail -1 | tr -d ' ')"
  printf 'disk: %s in %s, %s free\n' "$used" "$CARGO_TARGET_DIR" "$free"
}

die() {
  printf '错误 / error: %s\n' "$*" >&2
  exit 1
}
