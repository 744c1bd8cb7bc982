#!/usr/bin/env bash
# Builds the release app (dist/), the release server and the benchmark page, then runs every
# benchmark (first-load sizes, offline cold start, IndexedDB app vs plain JS vs Dexie, sync, the
# server's own sync throughput, memory, roster import of 3,000 members, Lighthouse), prints the table and
# writes bench-results/latest.json. Everything of the benchmark is under crates/bench: the runner
# (src/), the page's wasm (web/, package bench-web) and its JavaScript (js/).
#   scripts/bench.sh                       everything (about 13 minutes on 2 cores, after the builds)
#   scripts/bench.sh --only sizes,idb      some parts; see `--help` for every option
#   bash scripts/with-postgres.sh scripts/bench.sh --only county
#                                          towns × tablets through 1 and 2 server processes on
#                                          PostgreSQL (not in the default set)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

bash scripts/setup.sh --bench
bash scripts/build.sh

section "bench page: crates/bench/web (the app's store) + crates/bench/js (plain JS, Dexie)"
cargo build -p bench-web --target wasm32-unknown-unknown --profile wasm-release
page="$CARGO_TARGET_DIR/bench-dist"
rm -rf "$page"
mkdir -p "$page/pkg"
wasm-bindgen --target web --no-typescript --out-dir "$page/pkg" \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/bench_web.wasm"
# The same optimisation the app's build gets (scripts/build-wasm.sh: wasm-opt -Oz, the same features).
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-reference-types --enable-multivalue --enable-mutable-globals -o "$page/pkg/bench_web_bg.wasm" "$page/pkg/bench_web_bg.wasm"
js=crates/bench/js
(cd "$js" && npm ci --no-audit --no-fund --loglevel=error)
cp "$js"/index.html "$js"/*.js "$page/"
cp "$js"/node_modules/dexie/dist/dexie.mjs "$page/"
# SQLite's own wasm build, for the `engines` part (SQLite on OPFS beside IndexedDB).
cp "$js"/node_modules/@sqlite.org/sqlite-wasm/sqlite-wasm/jswasm/sqlite3.{mjs,wasm} "$page/"

section "benchmark runner (crates/bench)"
cargo build -p bench --release

section "running the benchmarks"
mkdir -p "$ROOT/bench-results"
"$CARGO_TARGET_DIR/release/bench" \
  --dist "$ROOT/dist" \
  --bench-dist "$page" \
  --server "$CARGO_TARGET_DIR/release/server" \
  --chromedriver "$CHROMEDRIVER" \
  --out "$ROOT/bench-results/latest.json" \
  "$@"
