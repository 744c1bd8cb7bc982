#!/usr/bin/env bash
# Sets up, builds and starts 四争一树 Field on http://127.0.0.1:8080 with its data in ./data.
# PORT, BIND and DATA_DIR override the defaults.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

bash scripts/setup.sh
bash scripts/build.sh

port="${PORT:-8080}"
bind="${BIND:-127.0.0.1}"
data_dir="${DATA_DIR:-$ROOT/data}"
mkdir -p "$data_dir"

section "server on http://$bind:$port (data: $data_dir)"
exec "$CARGO_TARGET_DIR/release/server" --bind "$bind" --port "$port" --data-dir "$data_dir" --dist "$ROOT/dist"
