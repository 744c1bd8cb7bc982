#!/usr/bin/env bash
# Builds the release app bundle (dist/) and the server binary.
#   scripts/build.sh            dist/ + release server (what run.sh serves)
#   scripts/build.sh --debug-server   dist/ + debug server (what test.sh drives, faster to build)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

server_profile=release
[ "${1:-}" = "--debug-server" ] && server_profile=dev

section "trunk build --release (dist/)"
trunk build --release

section "cargo build -p server (profile $server_profile)"
cargo build -p server --profile "$server_profile"
