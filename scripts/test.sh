#!/usr/bin/env bash
# Runs every test of 四争一树 Field; exits non-zero on the first failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

started=$(date +%s)
trap 'status=$?; [ $status -eq 0 ] || printf "\n\033[1;31mFAILED\033[0m (exit %s) in the section above\n" "$status"' EXIT

section "setup"
bash scripts/setup.sh

section "native tests: shared, server, bench"
cargo test -p shared -p server -p bench

section "browser tests: field (wasm32, headless Chromium)"
cargo test --target wasm32-unknown-unknown -p field

bash scripts/build.sh --debug-server

export FIELD_DIST="$ROOT/dist"
export FIELD_SERVER_BIN="$CARGO_TARGET_DIR/debug/server"

section "size budget: first load (brotli)"
cargo test -p e2e --test size_budget -- --nocapture

section "end-to-end tests (server + headless Chromium)"
cargo test -p e2e -- --test-threads=1

section "all tests passed in $(($(date +%s) - started)) s"
