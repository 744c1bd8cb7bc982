#!/usr/bin/env bash
# Trunk post_build hook (Trunk.toml): builds the field app's wasm into the build Trunk is
# assembling, points index.html at it, then stamps the service worker (scripts/stamp-sw.py).
#
#   release (`trunk build --release`): cargo profile `wasm-release` (size first, Cargo.toml) and
#     feature `split`, so the split points of src/split.rs become `wasm_split` functions (the
#     mechanism behind Leptos' `#[lazy]`); the wasm is linked with --emit-relocs so
#     `wasm-split-cli` can cut it into the main module (the shell and the people list), one chunk
#     per split point and shared chunks (docs/ARCHITECTURE.md "Build"); wasm-bindgen then binds
#     the main module, wasm-opt -Oz shrinks every module and terser the main JS.
#   debug: one module, no splitting, no wasm-opt.
#
# Everything goes into $TRUNK_STAGING_DIR/app-<hash>/ (field.js, field_bg.wasm and, when split,
# __wasm_split.js with its chunks, which it loads relative to itself); <hash> is over the files,
# so a new build never meets an old file in a cache. index.html names the directory in the
# `__FIELD_APP__` placeholders of its <meta> tags, which public/boot.js reads.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

staging="${TRUNK_STAGING_DIR:?run by Trunk as a post_build hook (Trunk.toml)}"
profile="${TRUNK_PROFILE:-debug}"
target="$CARGO_TARGET_DIR/wasm32-unknown-unknown"
work="$CARGO_TARGET_DIR/field-wasm/$profile"
rm -rf "$work"
mkdir -p "$work/split" "$work/app"

# wasm-opt must accept the wasm features rustc enables by default for wasm32-unknown-unknown;
# never --all-features (Chromium then refuses the module).
wasm_opt_flags=(-Oz --enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int
  --enable-sign-ext --enable-mutable-globals --enable-multivalue --enable-reference-types)

if [ "$profile" = release ]; then
  # Only the final link needs --emit-relocs: `cargo rustc` passes it to the binary alone, so the
  # dependencies keep their build cache (the benchmark page builds them with the same profile).
  cargo rustc --profile wasm-release --target wasm32-unknown-unknown -p field --bin field --features split \
    -- -C link-args=--emit-relocs
  wasm-split-cli "$target/wasm-release/field.wasm" "$work/split" --out-name field
  wasm-bindgen --target web --no-typescript --keep-lld-exports --no-demangle \
    --out-dir "$work/app" --out-name field "$work/split/field.wasm"
  rm "$work/split/field.wasm"
  cp "$work/split/"* "$work/app/"
  for module in "$work/app/"*.wasm; do
    # wasm-opt does not know the name subsection wasm-split writes (it drops it): not an error.
    wasm-opt "${wasm_opt_flags[@]}" "$module" -o "$module" 2> >(grep -v "unknown name subsection" >&2)
  done
  terser "$work/app/field.js" --module --compress --mangle --output "$work/app/field.js"
  # The chunk loader is in the first load too (3.5 KB brotli as written, 2.2 KB compressed).
  # Not mangled: its names say which chunks each split point loads, and tests read them.
  terser "$work/app/__wasm_split.js" --module --compress --output "$work/app/__wasm_split.js"
else
  cargo build --target wasm32-unknown-unknown -p field --bin field
  wasm-bindgen --target web --no-typescript --out-dir "$work/app" --out-name field "$target/debug/field.wasm"
fi

hash="$(cd "$work/app" && find . -type f | sort | xargs sha256sum | sha256sum | cut -c1-16)"
rm -rf "$staging"/app-*
cp -r "$work/app" "$staging/app-$hash"
grep -q "__FIELD_APP__" "$staging/index.html" || die "index.html lacks the __FIELD_APP__ placeholder"
if [ "$profile" = release ]; then
  # field.js imports the chunk loader: fetched with it (index.html preloads field.js and the wasm).
  sed -i 's#<link href=__FIELD_APP__/field.js rel=modulepreload>#&<link href=__FIELD_APP__/__wasm_split.js rel=modulepreload>#' \
    "$staging/index.html"
  grep -q "__wasm_split.js" "$staging/index.html" || die "index.html lacks field.js's modulepreload"
  # The files of the zh-Hant and English catalogs and of the `fieldwork` module, each a split
  # module with the chunks it waits for, named relative to app-<hash>/: public/shell.js preloads
  # those of the language the app will start in, and fieldwork's when the address opens one of
  # its screens that the main module draws nothing of, beside the main module, which would
  # otherwise ask for them once it runs.
  for module in catalog_zh_hant catalog_en fieldwork; do
    files="$(python3 scripts/split-files.py "$work/app/__wasm_split.js" "$module")" || die "no files for $module"
    sed -i "s#<link href=__FIELD_APP__/__wasm_split.js rel=modulepreload>#&<meta content=\"$files\" name=field-split-$module>#" \
      "$staging/index.html"
    grep -q "name=field-split-$module>" "$staging/index.html" || die "index.html lacks the files of $module"
  done
fi
sed -i "s#__FIELD_APP__#${TRUNK_PUBLIC_URL:-/}app-$hash#g" "$staging/index.html"
echo "build-wasm: $profile, app-$hash: $(ls "$staging/app-$hash" | wc -l) files"

python3 scripts/stamp-sw.py "$staging"
# After the stamp: the service worker's list names the files, not their compressed copies.
if [ "$profile" = release ]; then
  bash scripts/precompress.sh "$staging"
fi
