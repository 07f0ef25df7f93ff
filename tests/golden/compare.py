#!/usr/bin/env python3
"""compare.py GOLDEN_DIR NEW_DIR [--allow-new-keys]

Compares a run of the golden cases (tests/golden/run_cases.sh) with the stored
golden outputs, file by file, for every file under GOLDEN_DIR:
  *.json   every value identical, numbers compared as the text rmtmc wrote
           (17 significant digits, so -0 and 0 differ too), except the
           machine-dependent fields of EXCLUDED;
  *.jsonl  line by line, the same rule (EXCLUDED_JSONL for every line);
  other    (CSV, gnuplot scripts) byte for byte.
A key missing from the new output, or a changed value, fails; a key only in
the new output fails too unless --allow-new-keys (then it is listed).
Files only in NEW_DIR (pictures, report.html) are ignored.  Python 3 standard
library only.  Exit 0 when everything matches."""
import fnmatch
import json
import os
import sys

# Fields that depend on the machine, the clock or the run shape (--threads,
# --batch), never on the numbers a study computes.  Paths are key paths
# joined by "/", list indices as numbers; fnmatch patterns.
EXCLUDED = [
    "timing",                 # seconds, trials per second (fit studies: also threads, backend)
    "backend/device",         # CPU model
    "backend/threads",        # worker threads used
    "backend/memory_bytes",   # physical memory
    "backend/versions",       # library versions
    "backend/batch",          # trials per backend call (a run-shape choice)
    "config/threads",         # --threads as given
    "config/batch",           # --batch as given
    "points/*/backend",       # sweep: where each point ran ("cpu: <CPU model>")
    "run/point_seconds",      # sweep: time of each point
    "run/seconds",            # sweep: total time
    "ranks",                  # MPI ranks and where they ran (tests/mpi_cli.sh checks them)
]
EXCLUDED_JSONL = ["seconds", "backend"]  # sweep points.jsonl: time and place of each point


def load(text):
    return json.loads(text, parse_float=str, parse_int=str, parse_constant=str)


def excluded(path, patterns):
    p = "/".join(str(x) for x in path)
    return any(fnmatch.fnmatchcase(p, pat) for pat in patterns)


def diff(a, b, path, patterns, allow_new, out):
    if excluded(path, patterns):
        return
    where = "/".join(str(x) for x in path) or "(top)"
    if isinstance(a, dict) and isinstance(b, dict):
        for k in a:
            if k not in b:
                if not excluded(path + [k], patterns):
                    out.append("missing key %s" % "/".join(str(x) for x in path + [k]))
            else:
                diff(a[k], b[k], path + [k], patterns, allow_new, out)
        for k in b:
            if k not in a and not excluded(path + [k], patterns):
                key = "/".join(str(x) for x in path + [k])
                if allow_new:
                    print("      new key %s" % key)
                else:
                    out.append("unexpected new key %s" % key)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append("%s: length %d, golden %d" % (where, len(b), len(a)))
            return
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, path + [i], patterns, allow_new, out)
    elif a != b:
        out.append("%s: %r, golden %r" % (where, b, a))


def main(argv):
    allow_new = "--allow-new-keys" in argv
    args = [a for a in argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        print(__doc__)
        return 2
    gold, new = args
    problems = 0
    files = 0
    for root, _, names in os.walk(gold):
        for name in sorted(names):
            g = os.path.join(root, name)
            rel = os.path.relpath(g, gold)
            n = os.path.join(new, rel)
            files += 1
            out = []
            if not os.path.exists(n):
                out.append("file missing")
            elif name.endswith(".json"):
                diff(load(open(g).read()), load(open(n).read()), [], EXCLUDED, allow_new, out)
            elif name.endswith(".jsonl"):
                gl, nl = open(g).read().splitlines(), open(n).read().splitlines()
                if len(gl) != len(nl):
                    out.append("%d lines, golden %d" % (len(nl), len(gl)))
                else:
                    for i, (x, y) in enumerate(zip(gl, nl)):
                        diff(load(x), load(y), ["line %d" % (i + 1)], ["line */" + p for p in EXCLUDED_JSONL],
                             allow_new, out)
            elif open(g, "rb").read() != open(n, "rb").read():
                out.append("content differs")
            for line in out[:20]:
                print("      %s: %s" % (rel, line))
            if len(out) > 20:
                print("      %s: ... %d more differences" % (rel, len(out) - 20))
            problems += len(out)
    print("      compared %d golden files: %d differences" % (files, problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
