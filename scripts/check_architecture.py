#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Fails when an include or a link edge breaks the engine's layering (docs/architecture.md).

Include rules (every `#include "..."` that names a file under engine/):
  - a part includes only the parts it may depend on (ALLOWED below), and itself;
  - `<part>/internal/...` is included only by that part and by its white-box tests
    (tests/engine: core, cpu, parallel; tests/analysis: analysis; tests/cuda: cuda);
  - a public header (engine/<part>/*.h) includes no internal header, or its
    internals would leak to every user;
  - app/, ui/ and the other tests reach the engine through core/, analysis/ and
    backends/ only: never cpu/, cuda/, parallel/ or any internal header.
Link rules: the direct links of the tconv_* engine targets (written by
engine/CMakeLists.txt into <build>/engine_link_graph.txt) are a subset of LINKS,
and every compiled engine target links tconv_warnings.
Build rule: no CMake file uses file(GLOB ...): sources are listed, so a file is
never silently dropped or added.

Usage: check_architecture.py --root <source tree> [--links <engine_link_graph.txt>]
                             [--expect-violations N]
Exit status 0 when clean (or, with --expect-violations, when exactly N
violations were found: the test that proves this check can fail), else 1.
"""
import argparse
import os
import pathlib
import re
import sys

# Which engine parts each part may include (besides itself).
ALLOWED = {
    "core": set(),
    "parallel": set(),
    "cpu": {"core", "parallel"},
    "cuda": {"core"},
    "analysis": {"core", "parallel"},
    "backends": {"core", "cpu", "cuda"},
}
# What code above the engine (app/, ui/, tests other than the white-box ones) may include.
ABOVE_ENGINE = {"core", "analysis", "backends"}
# White-box test folders: what they may include, internals of which parts included.
WHITE_BOX_TESTS = {
    "tests/engine": {"core", "parallel", "cpu"},
    "tests/analysis": {"analysis"},
    "tests/cuda": {"cuda"},
}
# The allowed direct link edges between engine targets.
LINKS = {
    "tconv_core": set(),
    "tconv_parallel": set(),
    "tconv_cpu": {"tconv_core", "tconv_parallel"},
    "tconv_cuda": {"tconv_core"},
    "tconv_analysis": {"tconv_core", "tconv_parallel"},
    "tconv_backends": {"tconv_core", "tconv_cpu", "tconv_cuda"},
    "tconv_engine": {"tconv_backends", "tconv_analysis", "tconv_core"},
}
# Transitional exceptions, each one (file, include) pair, so none can spread. Empty now.
TRANSITIONAL = set()
SOURCE_SUFFIXES = {".h", ".hpp", ".cpp", ".cu", ".cuh"}
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^">]+)[">]', re.MULTILINE)


def engine_part(include, root):
    """(part, internal) when `include` names a file under engine/, else None."""
    parts = include.split("/")
    if len(parts) < 2 or parts[0] not in ALLOWED or not (root / "engine" / include).is_file():
        return None
    return parts[0], parts[1] == "internal"


def check_file(path, root):
    rel = path.relative_to(root).as_posix()
    text = path.read_text(encoding="utf-8", errors="replace")
    segments = rel.split("/")
    for include in INCLUDE.findall(text):
        target = engine_part(include, root)
        if target is None or (rel, include) in TRANSITIONAL:
            continue
        part, internal = target
        if segments[0] == "engine":
            own = segments[1]
            if own not in ALLOWED:
                yield f"{rel}: file outside the engine's parts includes {include}"
            elif part != own and part not in ALLOWED[own]:
                yield f"{rel}: {own} may not include {part} ({include})"
            elif internal and part != own:
                yield f"{rel}: includes another part's internal header {include}"
            elif internal and len(segments) == 3 and segments[2].endswith((".h", ".cuh", ".hpp")):
                yield f"{rel}: public header includes internal header {include}"
        else:
            test_dir = "/".join(segments[:2])
            if test_dir in WHITE_BOX_TESTS:
                if internal and part not in WHITE_BOX_TESTS[test_dir]:
                    yield f"{rel}: white-box test reaches into {part} internals ({include})"
            elif part not in ABOVE_ENGINE or internal:
                yield f"{rel}: above the engine, may not include {include} (use core/, analysis/ or backends/)"


def check_includes(root):
    for top in ("engine", "app", "ui", "tests"):
        base = root / top
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            # The fixture that proves this check fails is checked on its own (--root).
            inside_fixture = "architecture_fixture" in path.relative_to(root).parts
            if path.suffix in SOURCE_SUFFIXES and path.is_file() and not inside_fixture:
                yield from check_file(path, root)


# INTERFACE umbrellas compile nothing, and warning flags on them would leak to their users.
INTERFACE_TARGETS = {"tconv_engine"}
GLOB = re.compile(r"file\s*\(\s*GLOB", re.IGNORECASE)


def check_globs(root):
    for folder, dirs, files in os.walk(root):
        rel_folder = pathlib.Path(folder).relative_to(root)
        # Build trees, hidden folders and (when checking the real tree) the fixture are not sources.
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "architecture_fixture"
                         and not (rel_folder == pathlib.Path(".") and d.startswith("build")))
        for name in sorted(files):
            if name == "CMakeLists.txt" or name.endswith(".cmake"):
                path = pathlib.Path(folder) / name
                if GLOB.search(path.read_text(encoding="utf-8", errors="replace")):
                    yield f"{path.relative_to(root).as_posix()}: file(GLOB) - list the sources explicitly"


def check_links(links_file):
    for line in links_file.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        target, _, deps = line.partition(":")
        target = target.strip()
        if target not in INTERFACE_TARGETS and "tconv_warnings" not in deps.split():
            yield f"link: {target} does not link tconv_warnings"
        for dep in deps.split():
            if not dep.startswith("tconv_") or dep == "tconv_warnings":
                continue
            if target not in LINKS:
                yield f"link: unknown engine target {target} links {dep}"
            elif dep not in LINKS[target]:
                yield f"link: {target} may not link {dep}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, type=pathlib.Path)
    parser.add_argument("--links", type=pathlib.Path)
    parser.add_argument("--expect-violations", type=int)
    args = parser.parse_args()
    root = args.root.resolve()
    violations = list(check_includes(root)) + list(check_globs(root))
    if args.links:
        violations += list(check_links(args.links))
    for v in violations:
        print(v)
    print(f"check_architecture: {len(violations)} violation(s)")
    if args.expect_violations is not None:
        return 0 if len(violations) == args.expect_violations else 1
    return 0 if not violations else 1


if __name__ == "__main__":
    sys.exit(main())
