#!/usr/bin/env bash
# Compresses the built app once, at build time, at the highest levels, so the server sends each
# file as it is instead of compressing it on every request at a low level: beside every wasm, JS
# and CSS file named by the build's hash, <file>.br (brotli quality 11, window 22) and
# <file>.gz (gzip -9), each kept only when smaller than the file. The server picks the one the
# browser accepts (crates/server/src/routes/static_files.rs).
#   scripts/precompress.sh <dir>
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

dir="${1:?usage: scripts/precompress.sh <dir>}"
[ -d "$dir" ] || die "no directory $dir"
command -v brotli >/dev/null || die "brotli not found: run scripts/setup.sh"

# Only files whose names the build's hash makes unique (everything under app-<hash>/, Trunk's
# <name>-<hash>.css): a file that keeps its name from release to release (index.html, sw.js,
# boot.js, shell.js, the manifest) may be replaced on its own, and a compressed copy left beside it would
# then be sent in its place, stale (a new sw.js never seen, no update ever offered). The server
# compresses those small files on the fly.
# shellcheck disable=SC2016 # the inner script expands its own arguments
{
  find "$dir" -path "$dir/app-*" -type f \( -name '*.wasm' -o -name '*.js' \) -print0
  find "$dir" -maxdepth 1 -type f -name '*-*.css' -print0
} |
  xargs -0 -r -n 16 -P "$(nproc)" sh -c '
    for f; do
      brotli --quality=11 --lgwin=22 --force --keep --output="$f.br" "$f"
      gzip -9 --no-name --keep --force "$f"
      size=$(stat -c %s "$f")
      for c in "$f.br" "$f.gz"; do
        [ "$(stat -c %s "$c")" -lt "$size" ] || rm -f "$c"
      done
    done' _
echo "precompress: $(find "$dir" -name '*.br' | wc -l) brotli and $(find "$dir" -name '*.gz' | wc -l) gzip files in $dir"
