#!/usr/bin/env bash
# Installs whatever is missing to build, run and test 四争一树 Field on a Debian machine.
# Idempotent: when everything is present it only checks versions and returns in a second.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

[ -n "$WASM_BINDGEN_VERSION" ] || die "cannot read the wasm-bindgen version from $ROOT/Cargo.lock"

apt_missing=()
command -v chromium >/dev/null 2>&1 || apt_missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || apt_missing+=(chromium-driver)
command -v python3 >/dev/null 2>&1 || apt_missing+=(python3)
command -v npm >/dev/null 2>&1 || apt_missing+=(nodejs npm)
# The build compresses the app once at the highest levels (scripts/precompress.sh).
command -v brotli >/dev/null 2>&1 || apt_missing+=(brotli)
# PostgreSQL 15 (Debian's), for the server's tests on its PostgreSQL store
# (scripts/with-postgres.sh starts a throwaway cluster; nothing here starts a server).
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || apt_missing+=(postgresql)
# A Chinese font, so screenshots of the app in headless Chromium show text, not boxes.
fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" || apt_missing+=(fonts-wqy-zenhei)
if [ "${#apt_missing[@]}" -gt 0 ]; then
  section "apt: ${apt_missing[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${apt_missing[@]}"
fi

# The Rust toolchain rust-toolchain.toml pins, with the wasm target, rustfmt and clippy. Asked for
# by name, so this works from any directory; nothing is downloaded when it is installed already.
RUST_TOOLCHAIN="$(sed -n 's/^channel = "\(.*\)"$/\1/p' "$ROOT/rust-toolchain.toml")"
[ -n "$RUST_TOOLCHAIN" ] || die "cannot read the toolchain channel from $ROOT/rust-toolchain.toml"
if ! rustup toolchain list | grep -q "^$RUST_TOOLCHAIN-"; then
  section "rustup: Rust $RUST_TOOLCHAIN"
  rustup toolchain install "$RUST_TOOLCHAIN" --profile minimal --component rustfmt,clippy \
    --target wasm32-unknown-unknown
fi
if ! rustup target list --installed --toolchain "$RUST_TOOLCHAIN" |
  grep -qx wasm32-unknown-unknown; then
  section "rustup: wasm32-unknown-unknown for Rust $RUST_TOOLCHAIN"
  rustup target add --toolchain "$RUST_TOOLCHAIN" wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
  if ! rustup component list --installed --toolchain "$RUST_TOOLCHAIN" | grep -q "^$component"; then
    section "rustup: $component for Rust $RUST_TOOLCHAIN"
    rustup component add --toolchain "$RUST_TOOLCHAIN" "$component"
  fi
done

# cargo install builds in a temporary directory it removes afterwards, unless CARGO_TARGET_DIR is
# set (env.sh sets it): then the tools' release builds would stay in the project's build directory.
cargo_in_temp() { env -u CARGO_TARGET_DIR cargo "$@"; }

# cargo install, preferring the crate's own lock file; some releases lock a yanked patch version.
cargo_install() {
  local crate="$1" version="$2"
  section "cargo install $crate $version"
  cargo_in_temp install "$crate" --version "$version" --locked || cargo_in_temp install "$crate" --version "$version"
}

if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  cargo_install wasm-bindgen-cli "$WASM_BINDGEN_VERSION"
fi

if [ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]; then
  cargo_install trunk "$TRUNK_VERSION"
fi

# npm_tool DIR PACKAGE VERSION: installs PACKAGE@VERSION from npm into $TOOLS_DIR/DIR (outside the
# repository). Each caller decides first whether the installed version is the one wanted.
npm_tool() {
  local dir="$TOOLS_DIR/$1" package="$2" version="$3"
  section "npm: $package $version into $dir"
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || printf '{ "name": "field-tools-%s", "private": true }\n' "$1" >"$dir/package.json"
  npm install --prefix "$dir" --no-audit --no-fund --save-exact "$package@$version"
}

if ! cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  section "cargo install wasm_split_cli_support $WASM_SPLIT_VERSION (wasm-split-cli)"
  cargo_in_temp install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary --locked ||
    cargo_in_temp install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary
fi

if ! wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*} "; then
  npm_tool binaryen binaryen "$BINARYEN_VERSION"
fi

if [ "$(terser --version 2>/dev/null || true)" != "terser $TERSER_VERSION" ]; then
  npm_tool terser terser "$TERSER_VERSION"
fi

# Fail here, with a clear message, rather than halfway through a build.
[ "$(wasm-bindgen --version)" = "wasm-bindgen $WASM_BINDGEN_VERSION" ] ||
  die "wasm-bindgen on PATH is $(wasm-bindgen --version), Cargo.lock wants $WASM_BINDGEN_VERSION"
[ "$(trunk --version)" = "trunk $TRUNK_VERSION" ] || die "trunk on PATH is $(trunk --version), want $TRUNK_VERSION"
command -v wasm-split-cli >/dev/null || die "wasm-split-cli is not on PATH after installing it"
axe_installed="$(node -p "require('$TOOLS_DIR/axe/node_modules/axe-core/package.json').version" 2>/dev/null || true)"
if [ "$axe_installed" != "$AXE_VERSION" ]; then
  npm_tool axe axe-core "$AXE_VERSION"
fi

# Lighthouse (npm): only the benchmark audits with it (`scripts/bench.sh` calls `setup.sh --bench`).
if [ "${1:-}" = "--bench" ]; then
  lighthouse_installed="$(node -p "require('$TOOLS_DIR/lighthouse/node_modules/lighthouse/package.json').version" 2>/dev/null || true)"
  if [ "$lighthouse_installed" != "$LIGHTHOUSE_VERSION" ]; then
    npm_tool lighthouse lighthouse "$LIGHTHOUSE_VERSION"
  fi
fi

[ "$(terser --version)" = "terser $TERSER_VERSION" ] || die "terser on PATH is '$(terser --version)', want $TERSER_VERSION"
wasm-opt --version | grep -q "version ${BINARYEN_VERSION%%.*} " ||
  die "wasm-opt on PATH is '$(wasm-opt --version)', want binaryen ${BINARYEN_VERSION%%.*} (npm)"
[ "$(cd "$ROOT" && rustc --version | cut -d' ' -f2)" = "$RUST_TOOLCHAIN" ] ||
  die "rustc in $ROOT is '$(cd "$ROOT" && rustc --version)', rust-toolchain.toml pins $RUST_TOOLCHAIN"
echo "setup: rustc $RUST_TOOLCHAIN, trunk $TRUNK_VERSION, wasm-bindgen $WASM_BINDGEN_VERSION, wasm-split-cli $WASM_SPLIT_VERSION, $(wasm-opt --version), $(chromium --version 2>/dev/null | head -n1)"
