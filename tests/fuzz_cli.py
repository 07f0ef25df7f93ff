#!/usr/bin/env python3
"""Bounded fuzz test of the rmtmc command line (issue 10).

A fixed seed generates a few hundred argument lists over every subcommand
(spectrum, theory, generative contexts, generative mixture, ridge, sweep):
small valid sizes as a base, then a few options overridden with random or
hostile values (huge and tiny numbers, NaN, negative, empty, very long
strings, odd bytes, /dev/zero, FIFOs, directories, names with backquotes,
quotes and newlines, unknown options).  Every run has a timeout and an
address-space limit (so a missing memory check cannot take the machine).

Checks, for every run:
  signal        the process must not die by a signal
  hang          it must finish within the timeout
  exit-code     the exit code is 0, 1 or 2; an error exit says why on stderr
  leftover      after a non-zero exit nothing is left: no --json file, no
                --out directory, no parent it created, no temporary file;
                after success no temporary file either
  json          after success every JSON output parses (--json, --out's
                *.json and points.jsonl, theory's stdout)
  stderr        stderr never carries raw control bytes (escape sequences,
                bytes from input files)
  message       an error exit prints exactly one error line, and a bad-input
                exit (2) never speaks the implementation's language (NULL,
                max_iter, bracket, tol, function names)

Failures listed in KNOWN are today's CLI bugs that the CLI refactor
(issue 13) fixes: they are reported but do not fail the test; the lead
empties the list during the integration.  A KNOWN entry no longer seen is
reported too, so the list can only shrink.

Usage: fuzz_cli.py RMTMC [--cases N] [--seed S] [--jobs J] [--verbose]
Exit code 0 when every failure is known, 1 otherwise.
"""
import argparse
import json
import os
import random
import re
import resource
import select
import shutil
import signal
import subprocess
import stat
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

TIMEOUT_S = 30.0
ADDRESS_SPACE = 8 << 30  # per run; the CUDA runtime alone reserves ~1.5 GiB

# (class, command, regex over the printable argument list or None, why):
# known CLI bugs, reported but not failing the test.  Empty since issue 10's
# integration: every failure fails the test.
ALL = "spectrum|theory|generative contexts|generative mixture|ridge|sweep"
KNOWN = []

NL = "\n"
HOSTILE_NAMES = [
    "a`touch PWNED`b", "c$(touch PWNED)d", "e" + NL + "f", 'g"h', "i'j", "k;l", "m n", "-dash",
    "x" * 300, "\u00e9t\u00e9", "tab\there", "star*", "pct%s%n",
]
BIG_INTS = ["0", "-1", "-3", "", "abc", "1.5", "1e3", "0x10", "+5", " 7", "7 ", "nan",
            "9223372036854775807", "9223372036854775808", "2000000000", "3000000000",
            "99999999999999999999", "18446744073709551616", "1" * 400]
FLOATS = ["nan", "NaN", "inf", "-inf", "1e-320", "1e300", "-1", "0", "", "1e", "abc",
          "0x1p-1074", "1" * 400, "1e-5", "1e5", "-0", "  2", "2,3"]
ODD = [b"\xff\xfe", b"\x1b[31mred\x1b[0m", b"\x01\x02", b"caf\xc3\xa9", b"\r", b"a\nb"]


def bytes_arg(x):
    return x if isinstance(x, bytes) else os.fsencode(x)


def printable(args):
    out = []
    for a in args:
        s = a.decode("utf-8", "backslashreplace") if isinstance(a, bytes) else a
        out.append(s.encode("unicode_escape").decode("ascii") if any(ord(ch) < 32 for ch in s) else s)
    return " ".join(out)


class Env:
    """Input files shared by all cases (valid and hostile)."""

    def __init__(self, root):
        self.root = root
        self.inputs = os.path.join(root, "inputs")
        os.makedirs(self.inputs)
        self.fifo = os.path.join(self.inputs, "fifo")  # an input only (never a destination)
        os.mkfifo(self.fifo)
        self.dir = os.path.join(self.inputs, "adir")
        os.mkdir(self.dir)
        self.files = {}
        for d in (2, 3, 4, 6, 8):
            self.files[("sigma", d)] = self.write("sigma%d.txt" % d, "".join("%g\n" % (1 + (i % 3)) for i in range(d)))
            self.files[("means", d)] = self.write("means%d.txt" % d, "".join(
                " ".join("%g" % ((i + j) % 2) for j in range(d)) + "\n" for i in range(3)))
        for c in (3, 4, 8, 16):
            self.files[("alpha", c)] = self.write("alpha%d.txt" % c, " ".join("%d" % (1 + i % 4) for i in range(c)) + "\n")
        self.hostile_sigma = [self.write(n[:200] + ".txt", "1\n2\n1\n2\n") for n in HOSTILE_NAMES if "/" not in n]
        self.binary = self.write("random.bin", bytes(random.Random(7).randrange(256) for _ in range(5000)))
        self.bad = self.write("bad.txt", "1\n2\nabc\n")
        self.nulls = self.write("nul.txt", "1\n\0\n")
        self.huge_comment = self.write("comment.txt", "#" + "c" * 2000000 + "\n1\n2\n1\n2\n")

    def write(self, name, data):
        p = os.path.join(self.inputs, name)
        with open(p, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
        return p

    def numfile(self, rng, kind, size):
        good = self.files.get((kind, size), self.files[(kind, 4)])
        if rng.random() >= P_HOSTILE:
            return good
        return rng.choice([
            "/dev/zero", "/dev/urandom", self.fifo, self.dir, self.binary, self.bad, self.nulls,
            self.huge_comment, os.path.join(self.inputs, "missing.txt"), rng.choice(self.hostile_sigma),
        ])


# ---- special destinations, private to each case ----
# A CLI bug that renames over its --json destination must never replace the
# machine's /dev/null: as root the first version of this test did exactly
# that through today's theory/generative/ridge commands.  So every device,
# FIFO and stdout link a case writes to is its own copy in its directory.

def specials(case_dir):
    """(path, kind) of the special destinations of a case."""
    out = [(os.path.join(case_dir, "fifo"), "fifo"), (os.path.join(case_dir, "stdout"), "link")]
    if os.getuid() == 0:
        out += [(os.path.join(case_dir, "null"), "chr"), (os.path.join(case_dir, "full"), "chr")]
    return out


def restore_specials(case_dir):
    """Create (or recreate) the special destinations; returns those a run replaced."""
    replaced = []
    want = {"fifo": stat.S_ISFIFO, "chr": stat.S_ISCHR, "link": stat.S_ISLNK}
    for path, kind in specials(case_dir):
        try:
            good = want[kind](os.lstat(path).st_mode)
        except FileNotFoundError:
            good = None
        if good:
            continue
        if good is False:
            replaced.append(os.path.basename(path))
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.unlink(path)
        if kind == "fifo":
            os.mkfifo(path)
        elif kind == "link":
            os.symlink("/proc/self/fd/1", path)
        else:
            os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3 if path.endswith("null") else 7))
    return replaced


def dev(case_dir, name):
    """A device destination: the case's private node as root; the real one otherwise (a
    non-root process cannot replace entries of /dev)."""
    return os.path.join(case_dir, name) if os.getuid() == 0 else "/dev/" + name


P_HOSTILE = 0.35


def pick(rng, good, hostile):
    return rng.choice(hostile) if rng.random() < P_HOSTILE else rng.choice(good)


def size_value(rng, small):
    return pick(rng, [str(x) for x in small], BIG_INTS)


def float_value(rng, good):
    return pick(rng, [str(x) for x in good], FLOATS)


def list_value(rng, good):
    if rng.random() >= P_HOSTILE:
        return ",".join(str(rng.choice(good)) for _ in range(rng.randint(1, 4)))
    return rng.choice(FLOATS + [",", "0.1,,1", "0.1,nan", "1e-320,1", "-0.5,1", ",".join(["0.1"] * 65),
                                ",".join(["0.1"] * 200)])


def z_value(rng):
    return pick(rng, ["-1", "-1,5", "1+0.1i", "-2,0.5+0.3i", "2+0.1j", "1-0.2i"],
                ["", ",", "1e300", "nan", "1+nani", "i", "0", "1+1e-320i", ",".join(["-1"] * 40), "1.0",
                 "x" * 100, "1e-320"])


def seed_value(rng):
    return pick(rng, [str(rng.randint(0, 99))], ["-1", "18446744073709551615", "18446744073709551616",
                                                 "9007199254740993", "1e5", "abc", ""])


def threads_value(rng):
    return pick(rng, ["1", "2"], ["0", "-1", "1024", "4096", "99999999999", "x"])


def sigma_value(rng, env, d):
    return pick(rng, ["identity", "points:1:0.5,4:0.5", "ar1:0.5", "spike:3", "spike:1,2",
                      "file:" + env.files[("sigma", d if ("sigma", d) in env.files else 4)]], [
        "", "points:", "points:1:2", "points:1:0.5,4:0.4", "points:-1:0.5,1:0.5", "ar1:1", "ar1:nan",
        "spike:", "spike:1e308", "spike:-2", "wishart", "x" * 2000, "identity" + NL,
        "file:" + env.numfile(rng, "sigma", d), "file:", "points:1e300:1", "points:1e-320:1",
        "file:" + rng.choice(env.hostile_sigma)])


def out_path(rng, case_dir, env, kind):
    """A destination for --json (kind 'file') or --out ('dir') and whether it is checkable."""
    r = rng.random()
    if r < 0.6:
        return os.path.join(case_dir, "r.json" if kind == "file" else "out")
    if r < 0.65 and kind == "file":
        return "-"
    if r < 0.72:
        return os.path.join(case_dir, "a", "b", "r.json" if kind == "file" else "out")
    choices = [os.path.join(case_dir, rng.choice(HOSTILE_NAMES)), dev(case_dir, "null"), dev(case_dir, "full"),
               os.path.join(case_dir, "fifo"), os.path.join(case_dir, "adir"),
               os.path.join(case_dir, "x" * 300), os.path.join(case_dir, "file.json") + "/", "",
               os.path.join(case_dir, "missing", "deep", "r.json")]
    if kind == "file":
        choices += ["-", os.path.join(case_dir, "stdout")]
    return rng.choice(choices)


# ---- per-command generators: base (small, valid) + mutations ----

def gen_spectrum(rng, env, case_dir):
    d = rng.choice([2, 3, 4, 6, 8])
    base = ["spectrum", "--d", str(d), "--n", str(2 * d), "--trials", str(rng.choice([2, 3, 8])),
            "--bins", "8", "--backend", "cpu", "--threads", "1"]
    muts = {
        "d": lambda: size_value(rng, [2, 4, 8]), "n": lambda: size_value(rng, [1, 4, 16]),
        "trials": lambda: rng.choice(["2", "4", "0", "1", "-1", "", "x", "1e3", "9223372036854775808"]),
        "seed": lambda: seed_value(rng), "sigma": lambda: sigma_value(rng, env, d),
        "entries": lambda: rng.choice(["gaussian", "rademacher", "student:8", "student:4", "student:nan",
                                       "student:1e308", "", "cauchy", "gaussian\n"]),
        "z": lambda: z_value(rng), "bins": lambda: size_value(rng, [1, 4, 30]),
        "backend": lambda: rng.choice(["auto", "cpu", "cuda", "tpu", ""]),
        "threads": lambda: threads_value(rng), "batch": lambda: size_value(rng, [1, 3]),
        "precision": lambda: rng.choice(["double", "single", "half", ""]),
    }
    return base, muts


def gen_theory(rng, env, case_dir):
    d = rng.choice([2, 4, 8, 50])
    base = ["theory", "--d", str(d), "--grid", "20"]
    muts = {
        "d": lambda: size_value(rng, [2, 10, 100]), "eta": lambda: float_value(rng, [0.25, 0.5, 2]),
        "sigma": lambda: sigma_value(rng, env, d if d <= 8 else 4), "z": lambda: z_value(rng),
        "grid": lambda: size_value(rng, [1, 5, 50]),
    }
    return base, muts


def gen_contexts(rng, env, case_dir):
    base = ["generative", "contexts", "--k", "2", "--context-len", "2", "--d", "6", "--n", "24", "--trials", "3",
            "--backend", "cpu", "--threads", "1"]
    muts = {
        "k": lambda: size_value(rng, [2, 3]), "context-len": lambda: size_value(rng, [1, 2]),
        "contexts": lambda: size_value(rng, [3, 4]), "d": lambda: size_value(rng, [4, 8]),
        "n": lambda: size_value(rng, [8, 30]), "rho": lambda: float_value(rng, [0.5, 1]),
        "alpha": lambda: rng.choice(["uniform", "zipf", "", "file:" + env.numfile(rng, "alpha", 4)]),
        "counts": lambda: rng.choice(["fixed", "multinomial", "", "both"]),
        "gamma": lambda: list_value(rng, [0.01, 0.1, 1]), "trials": lambda: rng.choice(["2", "3", "0", "1", "x"]),
        "seed": lambda: seed_value(rng), "threads": lambda: threads_value(rng),
        "backend": lambda: rng.choice(["cpu", "auto", "cuda", "gpu"]), "batch": lambda: size_value(rng, [1, 2]),
    }
    return base, muts


def gen_mixture(rng, env, case_dir):
    d = rng.choice([3, 4, 6])
    base = ["generative", "mixture", "--classes", "2", "--k", "3", "--d", str(d), "--n", "12", "--trials", "3",
            "--backend", "cpu", "--threads", "1"]
    muts = {
        "classes": lambda: size_value(rng, [1, 2, 3]), "k": lambda: size_value(rng, [2, 3]),
        "d": lambda: size_value(rng, [3, 4]), "n": lambda: size_value(rng, [4, 12]),
        "mean-norm": lambda: float_value(rng, [0, 1, 2]), "rho": lambda: float_value(rng, [1]),
        "means": lambda: rng.choice(["file:" + env.numfile(rng, "means", d), "", "drawn", "file:"]),
        "gamma": lambda: list_value(rng, [0.1, 1]), "trials": lambda: rng.choice(["2", "3", "1", "-2"]),
        "seed": lambda: seed_value(rng), "threads": lambda: threads_value(rng),
        "backend": lambda: rng.choice(["cpu", "auto", "cuda"]), "batch": lambda: size_value(rng, [1, 2]),
    }
    return base, muts


def gen_ridge(rng, env, case_dir):
    d = rng.choice([2, 4, 6])
    base = ["ridge", "--d", str(d), "--n", str(3 * d), "--trials", "3", "--lambda", "0.1,1", "--backend", "cpu",
            "--threads", "1"]
    muts = {
        "d": lambda: size_value(rng, [2, 4]), "n": lambda: size_value(rng, [3, 12]),
        "sigma": lambda: sigma_value(rng, env, d), "signal": lambda: float_value(rng, [0, 1, 2]),
        "noise": lambda: float_value(rng, [0, 1]), "lambda": lambda: list_value(rng, [0.01, 0.1, 1]),
        "trials": lambda: rng.choice(["2", "3", "1", ""]), "seed": lambda: seed_value(rng),
        "threads": lambda: threads_value(rng), "backend": lambda: rng.choice(["cpu", "auto", "cuda", "x"]),
        "batch": lambda: size_value(rng, [1, 2]),
    }
    return base, muts


def gen_sweep(rng, env, case_dir):
    base = ["sweep", "--param", "d", "--values", "4,8", "--trials", "3", "--bins", "8", "--backend", "cpu",
            "--threads", "1"]
    muts = {
        "param": lambda: rng.choice(["d", "n", "", "eta"]),
        "values": lambda: rng.choice(["4,8", "4", "8,4", "", "0", "-1,4", "4,4", "a,b", "1e18",
                                      "2000000000", "4," * 80 + "4", "9223372036854775808,4"]),
        "ratio": lambda: float_value(rng, [1, 2]), "d": lambda: size_value(rng, [4, 8]),
        "z": lambda: z_value(rng), "trials": lambda: rng.choice(["2", "3", "1", "x"]),
        "seed": lambda: seed_value(rng), "sigma": lambda: sigma_value(rng, env, 4),
        "entries": lambda: rng.choice(["gaussian", "rademacher", "student:3"]),
        "bins": lambda: size_value(rng, [4, 8]), "stop-after": lambda: size_value(rng, [1]),
        "precision": lambda: rng.choice(["double", "single", "x"]),
    }
    return base, muts


def gen_resolvent(rng, env, case_dir):
    d = rng.choice([2, 4, 6])
    base = ["resolvent", "--d", str(d), "--n", str(2 * d), "--trials", "3", "--z", "0.5,1+0.5i", "--backend", "cpu",
            "--threads", "1"]
    muts = {
        "d": lambda: size_value(rng, [2, 4]), "n": lambda: size_value(rng, [4, 12]),
        "sigma": lambda: rng.choice([sigma_value(rng, env, d), "matrix:" + env.numfile(rng, "sigma", d)]),
        "z": lambda: pick(rng, ["0.5", "1,2", "0.5+0.5i", "1-0.2i"], ["0", "-1", "nan", "inf", "1e-320", "",
                                                                    ",".join(["1"] * 40)]),
        "functionals": lambda: rng.choice(["all", "trace", "trace,quad_e1", "diag_dev", "", "bogus", "trace,"]),
        "vector": lambda: env.numfile(rng, "sigma", d), "path": lambda: rng.choice(["auto", "eigen", "", "x"]),
        "entries": lambda: rng.choice(["gaussian", "rademacher", "student:8", "student:4"]),
        "trials": lambda: rng.choice(["2", "3", "1", "0"]), "seed": lambda: seed_value(rng),
        "threads": lambda: threads_value(rng), "backend": lambda: rng.choice(["cpu", "auto", "cuda"]),
        "batch": lambda: size_value(rng, [1, 2]),
    }
    return base, muts


def gen_edge(rng, env, case_dir):
    d = rng.choice([3, 4, 6])
    base = ["edge", "--d", str(d), "--n", str(2 * d), "--trials", "4", "--bins", "8", "--backend", "cpu",
            "--threads", "1"]
    muts = {
        "d": lambda: size_value(rng, [2, 4]), "n": lambda: size_value(rng, [4, 12]),
        "sigma": lambda: sigma_value(rng, env, d),
        "entries": lambda: rng.choice(["gaussian", "complex-gaussian", "rademacher", "", "complex"]),
        "scale": lambda: rng.choice(["auto", "linear", "log", "", "x"]),
        "correction": lambda: rng.choice(["second-order", "first-order", "johnstone", "", "x"]),
        "bins": lambda: size_value(rng, [4, 8]), "trials": lambda: rng.choice(["2", "4", "1", "0"]),
        "seed": lambda: seed_value(rng), "threads": lambda: threads_value(rng),
        "backend": lambda: rng.choice(["cpu", "auto", "cuda"]), "batch": lambda: size_value(rng, [1, 2]),
    }
    return base, muts


# every command of the study table (a study added later gets a generator here)
GENERATORS = [("spectrum", gen_spectrum), ("theory", gen_theory), ("generative contexts", gen_contexts),
              ("generative mixture", gen_mixture), ("ridge", gen_ridge), ("sweep", gen_sweep),
              ("resolvent", gen_resolvent), ("edge", gen_edge)]


def make_case(rng, env, idx):
    case_dir = os.path.join(env.root, "case%03d" % idx)
    os.makedirs(case_dir)
    with open(os.path.join(case_dir, "file.json"), "w") as f:
        f.write("{}")
    os.mkdir(os.path.join(case_dir, "adir"))
    restore_specials(case_dir)
    name, gen = GENERATORS[idx % len(GENERATORS)]
    base, muts = gen(rng, env, case_dir)
    args = list(base)
    for key in rng.sample(sorted(muts), k=min(len(muts), rng.choice([1, 1, 2, 3]))):
        args += ["--" + key, muts[key]()]
    json_path = out_dir = trials_dir = None
    if rng.random() < 0.5 and name != "sweep":
        json_path = out_path(rng, case_dir, env, "file")
        args += ["--json", json_path]
    if name == "sweep" or rng.random() < 0.5:
        out_dir = out_path(rng, case_dir, env, "dir")
        if name == "sweep" and rng.random() < 0.9 and not out_dir.startswith(case_dir):
            out_dir = os.path.join(case_dir, "out")
        args += ["--out", out_dir]
    if name not in ("theory", "sweep") and rng.random() < 0.25:
        trials_dir = out_path(rng, case_dir, env, "dir")
        if trials_dir == out_dir:
            trials_dir = os.path.join(case_dir, "trials")
        args += ["--save-trials", trials_dir]
        if name == "spectrum" and rng.random() < 0.5:
            args.append("--save-eigenvalues")
    if out_dir and rng.random() < 0.1:
        args.append("--gnuplot-log")
    if rng.random() < 0.5:
        args.append("--quiet")
    if rng.random() < 0.3:
        args.append("--no-plots")
    r = rng.random()
    if r < 0.04:
        args.append("--help")
    elif r < 0.08:
        args.append(rng.choice(["--frobnicate", "--", "--=x", "---d", "stray", "--d"]))
    elif r < 0.12:
        args += ["--sigma", rng.choice(ODD)]
    elif r < 0.14:
        args.insert(rng.randrange(1, len(args) + 1), rng.choice(ODD))
    return {"idx": idx, "command": name, "args": args, "dir": case_dir, "json": json_path, "out": out_dir,
            "trials": trials_dir}


def limit_memory():
    # Under ASan (tests/sanitize.sh) the shadow memory needs terabytes of
    # address space; ASAN_OPTIONS hard_rss_limit_mb bounds the runs there.
    if not os.environ.get("RMTMC_TEST_NO_AS_LIMIT"):
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def fifo_reader(path, stop, sink):
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        while True:
            r, _, _ = select.select([fd], [], [], 0.05)
            if r:
                chunk = os.read(fd, 65536)
                if chunk:
                    sink.append(chunk)
                    continue
            if stop.is_set():
                break
    finally:
        os.close(fd)


def tree(path):
    found = set()
    for root, dirs, files in os.walk(path):
        for x in dirs + files:
            found.add(os.path.relpath(os.path.join(root, x), path))
    return found


TEMP_RE = re.compile(r"(^|/)(\.rmtmc-tmp\.|.*\.tmp\.\d+$)")
CONTROL_RE = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")
# Words of the implementation that a message to the user must not carry.
INTERNAL_RE = re.compile(rb"\bNULL\b|max_iter|bracket|\btol\b|rmtmc_[a-z_]+:|internal|assert")


def valid_json_file(p):
    with open(p, "rb") as f:
        data = f.read()
    if p.endswith(".jsonl"):
        for line in data.splitlines():
            if line.strip():
                json.loads(line)
    else:
        json.loads(data)


def run_case(rmtmc, env, case):
    before = tree(case["dir"])
    stop = threading.Event()
    sink = []
    reader = None
    fifo = os.path.join(case["dir"], "fifo")
    if fifo in (case["json"], case["out"]):
        reader = threading.Thread(target=fifo_reader, args=(fifo, stop, sink), daemon=True)
        reader.start()
    t0 = time.time()
    p = subprocess.Popen([bytes_arg(rmtmc)] + [bytes_arg(a) for a in case["args"]], cwd=case["dir"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         preexec_fn=limit_memory, start_new_session=True)
    hung = False
    try:
        out, err = p.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        hung = True
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
    secs = time.time() - t0
    stop.set()
    if reader:
        reader.join(2)
    rc = p.returncode
    fails = []
    if hung:
        fails.append(("hang", "no exit within %.0f s" % TIMEOUT_S))
    elif rc < 0:
        fails.append(("signal", "killed by signal %d" % -rc))
    elif rc not in (0, 1, 2):
        fails.append(("exit-code", "exit code %d" % rc))
    elif rc != 0 and b"error" not in err.lower():
        fails.append(("exit-code", "exit %d without an error message" % rc))
    after = tree(case["dir"])
    new = sorted(after - before)
    temps = [x for x in new if TEMP_RE.search(x)]
    rel = lambda p: os.path.relpath(p, case["dir"]) if p and p.startswith(case["dir"] + "/") else None
    out_rel, json_rel, trials_rel = rel(case["out"]), rel(case["json"]), rel(case.get("trials"))
    if not hung and rc == 1 and case["command"] == "sweep" and out_rel and new:
        # The sweep's directory rule: a run that fails after its first point
        # keeps DIR/points.jsonl (its checkpoint, with >= 1 point) and nothing else.
        state = os.path.join(out_rel, "points.jsonl")
        chain = {out_rel[: i] for i in range(1, len(out_rel) + 1) if i == len(out_rel) or out_rel[i] == "/"}
        try:
            npts = len([l for l in open(os.path.join(case["dir"], state)).read().splitlines()[1:] if l.strip()])
        except OSError:
            npts = 0
        if npts >= 1 and set(new) <= chain | {state}:
            new = []
    if not hung and rc != 0 and new:
        parents = {os.path.dirname(x) for x in (out_rel, json_rel, trials_rel) if x}
        parents = {q for p_ in parents for q in [p_[: i] for i in range(len(p_) + 1) if i == len(p_) or p_[i] == "/"] if q}
        kinds = set()
        for x in new:
            if TEMP_RE.search(x):
                kinds.add("temporary")
            elif x in parents:
                kinds.add("parents")
            elif json_rel and x == json_rel:
                kinds.add("json")
            elif out_rel and (x == out_rel or x.startswith(out_rel + "/")):
                kinds.add("out")
            elif trials_rel and (x == trials_rel or x.startswith(trials_rel + "/")):
                kinds.add("trials")
            else:
                kinds.add("other")
        for k in sorted(kinds):
            fails.append(("leftover-" + k, "left after exit %d: %s" % (rc, ", ".join(new[:4]))))
    elif temps:
        fails.append(("leftover-temporary", "temporary files left: %s" % ", ".join(temps[:4])))
    if rc == 0 and not hung and "--help" not in case["args"]:
        try:
            checked = 0
            j = case["json"]
            if j in ("-", os.path.join(case["dir"], "stdout")):
                if os.path.exists(os.path.join(case["dir"], "-")):
                    raise ValueError("--json - wrote a file named '-' instead of standard output")
                json.loads(out)  # standard output holds the JSON alone
                checked += 1
            elif j == os.path.join(case["dir"], "fifo"):
                json.loads(b"".join(sink))
                checked += 1
            elif j and os.path.isfile(j):
                valid_json_file(j)
                checked += 1
            o = case["out"]
            for od in (o, case.get("trials")):
                if od and os.path.isdir(od) and not od.startswith(env.inputs):
                    for x in os.listdir(od):
                        if x.endswith(".json") or x.endswith(".jsonl"):
                            valid_json_file(os.path.join(od, x))
                            checked += 1
            if case["command"] == "theory" and not j and not o:
                json.loads(out)
        except (ValueError, OSError) as e:
            fails.append(("json", "invalid JSON output: %s" % str(e)[:120]))
    replaced = restore_specials(case["dir"])
    if replaced:
        fails.append(("replaced-special", "the special destination(s) %s were replaced by the run" % ", ".join(replaced)))
    if CONTROL_RE.search(err):
        fails.append(("stderr", "raw control bytes on stderr: %r" % CONTROL_RE.search(err).group(0)))
    if rc == 2 and INTERNAL_RE.search(err):
        fails.append(("message", "an error in the library's terms, not the user's: %r" % INTERNAL_RE.search(err).group(0)))
    errors = [l for l in err.splitlines() if b": error: " in l]
    if rc in (1, 2) and len(errors) != 1:
        fails.append(("message", "%d error lines on stderr (want one)" % len(errors)))
    outcome = "hang" if hung else "signal" if rc < 0 else "exit %d" % rc
    return {"case": case, "rc": rc, "secs": secs, "outcome": outcome, "fails": fails,
            "stderr": err.decode("utf-8", "backslashreplace").strip().splitlines()[:2]}


def known(fail_class, case):
    line = printable(case["args"])
    for i, (cls, cmds, pattern, why) in enumerate(KNOWN):
        if cls == fail_class and case["command"] in cmds.split("|") and (pattern is None or re.search(pattern, line)):
            return i
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rmtmc")
    ap.add_argument("--cases", type=int, default=360)
    ap.add_argument("--seed", type=int, default=20240610)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    rmtmc = os.path.abspath(a.rmtmc)
    # every command `rmtmc --help` lists has a generator
    listed = subprocess.run([rmtmc, "--help"], capture_output=True, text=True, timeout=60).stdout
    names = [line[2:22].strip() for line in listed.split("commands:", 1)[1].splitlines()
             if line.startswith("  ") and not line.startswith("  rmtmc")]
    missing = [n for n in names if n and n not in dict(GENERATORS)]
    if missing:
        print("FAIL  commands without a fuzz generator: %s" % ", ".join(missing))
        return 1
    rng = random.Random(a.seed)
    root = tempfile.mkdtemp(prefix="rmtmc_fuzz_")
    t0 = time.time()
    try:
        env = Env(root)
        cases = [make_case(rng, env, i) for i in range(a.cases)]
        with ThreadPoolExecutor(max_workers=a.jobs) as ex:
            results = list(ex.map(lambda c: run_case(rmtmc, env, c), cases))
        pwned = [os.path.join(r, f) for r, _, fs in os.walk(root) for f in fs if f.startswith("PWNED")]
    finally:
        shutil.rmtree(root, ignore_errors=True)
    outcomes, classes = {}, {}
    unknown, seen_known = [], {}
    for r in results:
        outcomes[r["outcome"]] = outcomes.get(r["outcome"], 0) + 1
        for cls, msg in r["fails"]:
            k = known(cls, r["case"])
            key = cls + (" (known)" if k is not None else "")
            classes[key] = classes.get(key, 0) + 1
            if k is None:
                unknown.append((cls, msg, r))
            else:
                seen_known.setdefault(k, []).append((msg, r))
    if pwned:
        unknown.append(("executed", "a PWNED file appeared: %s" % pwned[0], results[0]))
    print("rmtmc fuzz: %d cases, seed %d, %.0f s (%d jobs, timeout %.0f s per run)" % (
        len(results), a.seed, time.time() - t0, a.jobs, TIMEOUT_S))
    per_cmd = {}
    for r in results:
        per_cmd.setdefault(r["case"]["command"], {}).setdefault(r["outcome"], 0)
        per_cmd[r["case"]["command"]][r["outcome"]] += 1
    print("outcomes: " + ", ".join("%s: %d" % kv for kv in sorted(outcomes.items())))
    for cmd, o in sorted(per_cmd.items()):
        print("  %-20s %s" % (cmd, ", ".join("%s: %d" % kv for kv in sorted(o.items()))))
    print("failed checks: " + (", ".join("%s: %d" % kv for kv in sorted(classes.items())) or "none"))
    for outcome in sorted(outcomes):
        ex = [r for r in results if r["outcome"] == outcome and r["stderr"]]
        for r in ex[: (5 if a.verbose else 1)]:
            print("  %s e.g.: rmtmc %s\n      -> %s" % (outcome, printable(r["case"]["args"])[:200], r["stderr"][0][:200]))
    slow = max(results, key=lambda r: r["secs"])
    print("slowest run: %.1f s: rmtmc %s" % (slow["secs"], printable(slow["case"]["args"])))
    for i, (cls, cmds, pattern, why) in enumerate(KNOWN):
        hits = seen_known.get(i, [])
        print("known %d [%s, %s]: %d runs: %s" % (i, cls, cmds, len(hits), why))
        for msg, r in hits[: (3 if a.verbose else 1)]:
            print("      e.g. rmtmc %s\n           -> %s" % (printable(r["case"]["args"])[:300], msg))
        if not hits:
            print("      no longer seen: remove it from KNOWN")
    for cls, msg, r in unknown[:40]:
        print("FAIL  [%s] rmtmc %s\n      -> %s | stderr: %s" % (
            cls, printable(r["case"]["args"])[:400], msg, " / ".join(r["stderr"])[:300]))
    print("%d unexpected failures" % len(unknown))
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main())
