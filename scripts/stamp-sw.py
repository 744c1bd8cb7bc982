#!/usr/bin/env python3
"""Trunk post-build hook: stamps the service worker with this build's version and precache list.

Trunk runs it with TRUNK_STAGING_DIR set to the assembled build (before it becomes dist/).
It lists every file of the build except sw.js itself, computes each file's SHA-256, and rewrites
the `const BUILD_VERSION = ...;` and `const PRECACHE = ...;` lines of sw.js:

* BUILD_VERSION: the first 16 hex digits of a SHA-256 over all (path, hash) pairs, so the
  service worker changes exactly when some file of the build changes;
* PRECACHE: [{url, integrity}] with Subresource-Integrity values ("sha256-<base64>").

Usage outside Trunk: python3 scripts/stamp-sw.py DIST_DIR
"""

import base64
import hashlib
import json
import os
import re
import sys

SERVICE_WORKER = "sw.js"
# Files that are not part of the shell a tablet needs offline.
# Source maps; the compressed copies scripts/precompress.sh writes (the same file, sent as it).
SKIPPED_SUFFIXES = (".map", ".br", ".gz")


class StampError(Exception):
    pass


def build_files(root):
    files = []
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        for name in sorted(names):
            path = os.path.join(directory, name)
            rel = os.path.relpath(path, root).replace(os.sep, "/")
            if rel == SERVICE_WORKER or name.startswith(".") or name.endswith(SKIPPED_SUFFIXES):
                continue
            files.append((rel, path))
    return files


def replace_line(source, name, value):
    pattern = re.compile(rf"^const {name} = .*;$", re.MULTILINE)
    found = pattern.findall(source)
    if len(found) != 1:
        raise StampError(f"sw.js must have exactly one line `const {name} = ...;` (found {len(found)})")
    return pattern.sub(lambda _: f"const {name} = {value};", source)


def stamp(root):
    sw_path = os.path.join(root, SERVICE_WORKER)
    if not os.path.isfile(sw_path):
        raise StampError(f"{sw_path} is missing: index.html must copy public/ (with sw.js) into the build")
    if not os.path.isfile(os.path.join(root, "index.html")):
        raise StampError(f"{root}/index.html is missing: nothing to precache")

    entries = []
    version = hashlib.sha256()
    for rel, path in build_files(root):
        with open(path, "rb") as handle:
            digest = hashlib.sha256(handle.read()).digest()
        entries.append({"url": "/" + rel, "integrity": "sha256-" + base64.b64encode(digest).decode()})
        version.update(rel.encode() + b"\0" + digest)
    build_version = version.hexdigest()[:16]

    with open(sw_path, encoding="utf-8") as handle:
        source = handle.read()
    source = replace_line(source, "BUILD_VERSION", json.dumps(build_version))
    source = replace_line(source, "PRECACHE", json.dumps(entries, separators=(",", ":")))
    with open(sw_path, "w", encoding="utf-8") as handle:
        handle.write(source)
    print(f"stamp-sw: version {build_version}, {len(entries)} files precached")


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("TRUNK_STAGING_DIR")
    if not root:
        print("stamp-sw: give the build directory or run as a Trunk hook", file=sys.stderr)
        return 2
    try:
        stamp(root)
    except (StampError, OSError) as error:
        print(f"stamp-sw: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
