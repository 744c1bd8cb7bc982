#!/usr/bin/env bash
# Runs every test of 四争一树 Field; exits non-zero on the first failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

started=$(date +%s)
# A clean run builds everything once: incremental caches would only add gigabytes to the disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
# Every test runner's output is also kept here, to add up the counts at the end.
results="$(mktemp)"
tested() { "$@" 2>&1 | tee -a "$results"; }
trap 'status=$?; [ $status -eq 0 ] || printf "\n\033[1;31mFAILED\033[0m (exit %s) in the section above\n" "$status"' EXIT

section "setup"
disk_report
bash scripts/setup.sh

section "lint: rustfmt and clippy (warnings are errors)"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy --target wasm32-unknown-unknown -p field --all-targets --locked -- -D warnings

section "native tests: shared, trials, server, bench, fault-proxy, and the app's plain-Rust logic"
tested cargo test -p shared -p trials -p server -p bench -p fault-proxy
# The app's `#[test]`s (logic on plain types: forms, dates, the campaign's figures) run natively;
# its browser tests (`#[wasm_bindgen_test]`) run in the browser section below.
tested cargo test -p field --lib

section "native tests: texts and the catalog check (locales/*.ftl against the code)"
tested cargo test -p texts --features fluent

section "native tests: server on PostgreSQL 15 (a throwaway cluster)"
tested bash scripts/with-postgres.sh cargo test -p server

disk_report
section "browser tests: field (wasm32, headless Chromium)"
tested cargo test --target wasm32-unknown-unknown -p field

disk_report
bash scripts/build.sh --debug-server

export FIELD_DIST="$ROOT/dist"
export FIELD_SERVER_BIN="$CARGO_TARGET_DIR/debug/server"

section "size budget: first load (brotli)"
tested cargo test -p e2e --test system size_budget -- --nocapture

section "end-to-end tests (server + headless Chromium)"
tested cargo test -p e2e -- --test-threads=1 --skip first_load_stays_within_its_brotli_budget

disk_report
count() { grep '^test result:' "$results" | grep -Eo "[0-9]+ $1" | awk '{ n += $1 } END { print n + 0 }'; }
section "all tests passed in $(($(date +%s) - started)) s"
echo "tests: $(count passed) passed, $(count failed) failed"
