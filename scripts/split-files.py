#!/usr/bin/env python3
"""The files one split module loads: its own wasm and every chunk it waits for, in load order.

Reads the chunk loader wasm-split-cli writes (`__wasm_split.js`, as terser leaves it), where
each loader is `NAME=makeLoad(() => {… fetch(new URL("./FILE", import.meta.url)) …}, [DEPS])`:
`__chunk_N` for a shared chunk, `__wasm_split_load_MODULE` (wrapped in `wrapAsyncCb`) for a
split point's module. Prints the files of MODULE, space-separated, relative to the loader.

scripts/build-wasm.sh names the catalogs' and the fieldwork module's files in index.html, so
public/shell.js can preload them before the main module asks for them (docs/ARCHITECTURE.md,
"Languages", "The top bar before the app").

Usage: python3 scripts/split-files.py APP_DIR/__wasm_split.js MODULE
"""

import re
import sys

LOADER = re.compile(
    r'(__chunk_\d+|__wasm_split_load_\w+)=(?:wrapAsyncCb\()?makeLoad\(\(\)=>\{'
    r'const src=fetch\(new URL\("\./([^"]+)",import\.meta\.url\)\);.*?\},\[([^\]]*)\]\)'
)


class SplitFilesError(Exception):
    pass


def loaders(text):
    """{name: (file, [dependency names])} for every loader of the script."""
    found = {}
    for name, file, deps in LOADER.findall(text):
        found[name] = (file, [d.strip() for d in deps.split(",") if d.strip()])
    return found


def files_of(text, module):
    """The files of MODULE: every chunk it waits for (depth first), then its own wasm."""
    found = loaders(text)
    start = f"__wasm_split_load_{module}"
    if start not in found:
        raise SplitFilesError(f"the chunk loader has no module {module!r} ({len(found)} loaders read)")
    ordered, seen = [], set()

    def visit(name):
        if name in seen:
            return
        seen.add(name)
        if name not in found:
            raise SplitFilesError(f"{name} is waited for but has no loader")
        file, deps = found[name]
        for dep in deps:
            visit(dep)
        ordered.append(file)

    visit(start)
    return ordered


def main(argv):
    if len(argv) != 3:
        raise SplitFilesError("usage: split-files.py APP_DIR/__wasm_split.js MODULE")
    with open(argv[1], encoding="utf-8") as f:
        text = f.read()
    print(" ".join(files_of(text, argv[2])))


if __name__ == "__main__":
    try:
        main(sys.argv)
    except (OSError, SplitFilesError) as e:
        print(f"split-files: {e}", file=sys.stderr)
        sys.exit(1)
