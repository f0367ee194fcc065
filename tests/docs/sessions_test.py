#!/usr/bin/env python3
"""The command sessions the docs show (`$ build/billet ...` in a ``` block, then what it printed)
are replayed from the repository's root, and what billet prints now must be what the docs say.
Only what cannot be the same from one run to the next is set aside: a block whose command reads a
cluster, the user's files or the clock is skipped, and timestamps and billet's version are
compared as placeholders.

Usage: sessions_test.py BILLET REPO_ROOT [DOC...]
With UPDATE=1, a session that differs and elides nothing ("…") is rewritten with what billet
prints now (review the diff before committing it).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

# Commands whose output depends on what is not in the repository or not stable: a live cluster,
# files of the reader's, certificates made now, the build's own version.
SKIP = [
    r"--kubeconfig",
    r"\bmy-tests/",
    r"\btypo\.yaml\b",
    r"\bbad\.yaml\b",
    r"certs generate --service",
    r"\bbuild/billet version\b",
]
VOLATILE = [
    (re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z"), "<time>"),
    (re.compile(r'timestamp="[^"]*"'), 'timestamp="<time>"'),
    (re.compile(r'time="[0-9.]+"'), 'time="<s>"'),
    (re.compile(r"(seconds: |\"seconds\": ?|nanos: |\"nanos\": ?)\d+"), r"\1<s>"),
    (re.compile(r'("version": ?"|version: |billet )\d+\.\d+\.\d+[^" \n]*'), r"\1<version>"),
]


def sessions(path):
    """(line, command, expected output) for each `$ build/billet` command of PATH's blocks."""
    out = []
    inside = False
    current = None
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for number, line in enumerate(lines, 1):
        if not inside and re.match(r"^ *```", line):  # any info string: ```yaml, ```sh
            inside = True
            continue
        if inside and re.match(r"^ *```\s*$", line):
            inside = False
            if current:
                out.append(current)
            current = None
            continue
        if not inside:
            continue
        if line.startswith("$ "):
            if current:
                out.append(current)
            current = (number, line[2:], []) if line.startswith("$ build/billet") else None
        elif current:
            current[2].append(line)
    return out


def update(doc, line, count, output):
    """Replaces the COUNT lines after line LINE of DOC (a session's output) with OUTPUT."""
    with open(doc, encoding="utf-8") as f:
        lines = f.read().split("\n")
    lines[line:line + count] = output.rstrip("\n").split("\n")
    with open(doc, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def matches(want, got):
    """Whether GOT's lines are WANT's, where a line of WANT that is only "…" stands for any
    number of lines (the docs elide the middle of long outputs)."""
    w, g = want.split("\n"), got.split("\n")
    memo = {}

    def at(i, j):
        if (i, j) in memo:
            return memo[(i, j)]
        if i == len(w):
            result = j == len(g)
        elif w[i].strip() == "…":
            result = any(at(i + 1, k) for k in range(j, len(g) + 1))
        else:
            result = j < len(g) and w[i] == g[j] and at(i + 1, j + 1)
        memo[(i, j)] = result
        return result

    return at(0, 0)


def normalize(text):
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text.rstrip("\n")


def main():
    billet, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    docs = sys.argv[3:] or [os.path.join(root, "README.md")] + sorted(
        os.path.join(root, "docs", f) for f in os.listdir(os.path.join(root, "docs")) if f.endswith(".md"))
    # The commands name build/billet: a directory whose build/billet is the binary under test.
    shim = tempfile.mkdtemp(prefix="billet-sessions-")
    try:
        os.makedirs(os.path.join(shim, "build"))
        os.symlink(billet, os.path.join(shim, "build", "billet"))
        passed = failed = skipped = 0
        for doc in docs:
            # From the end of the file up, so that an update does not move the lines of the next.
            for line, command, expected in reversed(sessions(doc)):
                where = f"{os.path.relpath(doc, root)}:{line}"
                if any(re.search(s, command) for s in SKIP):
                    skipped += 1
                    continue
                # The rest of the line after '#' is the docs' comment, not the shell's.
                shell = re.sub(r"\s+#\s.*$", "", command).replace("build/billet", os.path.join(shim, "build", "billet"))
                # As a terminal shows it: both streams, in the order written (stdout line by line).
                if "2>" not in shell:
                    shell += " 2>&1"
                run = subprocess.run(["bash", "-c", shell], cwd=root, capture_output=True,
                                     text=True, timeout=60, env={**os.environ, "NO_COLOR": "1"})
                got = normalize(run.stdout.replace(os.path.join(shim, "build", "billet"), "build/billet"))
                want = normalize("\n".join(expected))
                if matches(want, got):
                    passed += 1
                    continue
                if os.environ.get("UPDATE") == "1" and not any(l.strip() == "…" for l in expected):
                    update(doc, line, len(expected), run.stdout.replace(os.path.join(shim, "build", "billet"), "build/billet"))
                    print(f"updated: {where}")
                    continue
                failed += 1
                print(f"FAILED: {where}: $ {command}")
                import difflib
                for d in list(difflib.unified_diff(want.split("\n"), got.split("\n"), "docs", "billet", lineterm="", n=1))[:40]:
                    print("  " + d)
        print(f"{passed} passed, {failed} failed ({skipped} sessions skipped: they read a cluster, "
              "the reader's files or the clock)")
        return 1 if failed or passed < 20 else 0
    finally:
        shutil.rmtree(shim)


if __name__ == "__main__":
    sys.exit(main())
