#!/usr/bin/env bash
# The fault trials at the counts that mean something (docs/RELIABILITY.md), one after another,
# then one table: trials run, faults injected, anything lost or duplicated.
#
#   scripts/trials.sh                       # the default counts below
#   FIELD_TRIAL_STORM_OPS=5000 scripts/trials.sh
#   FIELD_TRIAL_SEED=42 scripts/trials.sh   # replay the faults of a failed run
#
# scripts/test.sh runs every trial too, at small counts, so CI stays within its time.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

export FIELD_TRIAL_SERVER_KILLS="${FIELD_TRIAL_SERVER_KILLS:-200}"
export FIELD_TRIAL_STORM_OPS="${FIELD_TRIAL_STORM_OPS:-1000}"
export FIELD_TRIAL_NETWORK_SURVEYS="${FIELD_TRIAL_NETWORK_SURVEYS:-20}"
export FIELD_TRIAL_BROWSER_KILLS="${FIELD_TRIAL_BROWSER_KILLS:-200}"
export FIELD_TRIAL_KILL_RUNS="${FIELD_TRIAL_KILL_RUNS:-200}"
# browser-kills-with-discard: kills each followed by the IndexedDB deleted as Chromium does.
export FIELD_TRIAL_DISCARD_RUNS="${FIELD_TRIAL_DISCARD_RUNS:-50}"
export FIELD_TRIAL_PHOTO_RUNS="${FIELD_TRIAL_PHOTO_RUNS:-50}"
export FIELD_TRIAL_ROUNDTRIP_RUNS="${FIELD_TRIAL_ROUNDTRIP_RUNS:-10}"
export FIELD_TRIAL_ORDER_CASES="${FIELD_TRIAL_ORDER_CASES:-1000}"
# Read at build time by the wasm tests (tests/upgrade.rs: records per earlier schema version;
# tests/order.rs reads FIELD_TRIAL_ORDER_CASES and FIELD_TRIAL_SEED too).
export FIELD_TRIAL_UPGRADE_RECORDS="${FIELD_TRIAL_UPGRADE_RECORDS:-10000}"

started=$(date +%s)
results="$(mktemp)"
trap 'rm -f "$results"' EXIT

section "setup"
bash scripts/setup.sh
bash scripts/build.sh --debug-server
export FIELD_DIST="$ROOT/dist"
export FIELD_SERVER_BIN="$CARGO_TARGET_DIR/debug/server"

section "trials: order (the same operations in random orders through pushes, pulls and export files)"
cargo test -p shared --test properties -- --nocapture \
  order::the_same_operations_in_any_order 2>&1 | tee -a "$results"
# The same kind of cases through the real server (HTTP, SQLite) and the tablet's store (IndexedDB
# in headless Chromium; the wasm test reads FIELD_TRIAL_ORDER_CASES at build time).
cargo test -p server --test api -- --nocapture order::trial_order 2>&1 | tee -a "$results"
WASM_BINDGEN_TEST_TIMEOUT=1800 cargo test --target wasm32-unknown-unknown -p field --test order \
  -- --nocapture 2>&1 | tee -a "$results"

section "trials: server (SIGKILLs during pushes, retry storm through the fault proxy, same photo)"
cargo test -p server --test api -- --nocapture --test-threads=1 \
  crash::sigkill_during_pushes retry_storm:: same_photo:: 2>&1 | tee -a "$results"

section "trials: tablet (network faults, browser SIGKILLs, files round trip, disk full)"
cargo test -p e2e --test system -- --nocapture --test-threads=1 --include-ignored \
  network_faults:: delivery::typing_survives browser_kills:: file_round_trip:: disk_full:: update::trial_ 2>&1 | tee -a "$results"

section "trials: tablet database (upgrade from every earlier IndexedDB schema)"
WASM_BINDGEN_TEST_TIMEOUT=900 cargo test --target wasm32-unknown-unknown -p field --test upgrade \
  -- --nocapture 2>&1 | tee -a "$results"

section "fault trials: $(($(date +%s) - started)) s"
printf '| trial | runs | faults injected | lost | duplicated | seconds | notes |\n'
printf '|---|---:|---:|---:|---:|---:|---|\n'
grep -o 'TRIAL|.*' "$results" | awk -F'|' '{ printf "| %s | %s | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6, $7, $8 }'
# A trial that failed printed no TRIAL line: cargo's exit status has already stopped us above.
