#!/usr/bin/env python3
"""The spectrum methods side by side in one run (issue 16), through the
command line exactly as a user runs them (rmtmc spectrum --method M):

  1. ratios on the CPU backend, per trial (timing.seconds_per_trial of the
     JSON: sampling to reduction, all threads):
       tridiagonal vs dense   d = 4096, n = 8192, Sigma = I   (target >= 100x)
       bartlett vs dense      d = 1024, n = 4096, ar1:0.5 (full Sigma^(1/2))
                              and points:1:0.5,4:0.5 (diagonal) (target >= 1.5x)
  2. the issue's run: rmtmc spectrum --method tridiagonal --d 1000000
     --n 2000000 --trials 100 (target < 60 s), its verdict, wall and CPU time;
  3. the largest d (n = 2d, on a doubling grid) whose run of --trials 2 (the
     fewest a study takes) finishes within --minute seconds, per method: by
     the wall clock, and by CPU time / threads (the wall time of an idle
     machine);
  4. on a GPU (when --backend cuda runs): trials per second of the
     tridiagonal method at d = 10^4, 10^5, 10^6 (n = 2d), and the three
     methods at d = 4096, n = 8192.
Every run's command, wall time and CPU time (user + system of the child) are
recorded: on a shared machine the wall time includes other users' load, the
CPU time does not; say which when quoting.  Prints a Markdown table; --json
writes everything.  Not run by ctest.

    python3 bench/fast_methods.py [--rmtmc build/rmtmc] [--threads T]
        [--minute 60] [--quick] [--no-gpu] [--parts 1,2,3,4] [--json fast_methods.json]

--quick: dense d = 2048 instead of 4096, 20 trials at d = 10^6, a coarser
largest-d search (for a smoke test of the script, not for figures).
"""
import argparse, json, os, resource, subprocess, sys, tempfile, time


def run(exe, args, timeout=None):
    """One rmtmc spectrum run: its JSON (or the error), wall and CPU seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "r.json")
        cmd = [exe, "spectrum"] + [str(a) for a in args] + ["--quiet", "--json", out]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.monotonic()
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
            rc, err = p.returncode, p.stderr.strip()
        except subprocess.TimeoutExpired:
            rc, err = None, "timed out after %g s" % timeout
        wall = time.monotonic() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        rec = {"command": " ".join(["rmtmc", "spectrum"] + [str(a) for a in args]), "wall_s": wall,
               "cpu_s": cpu}
        if rc != 0:
            rec["error"] = err[:400]
            return rec
        r = json.load(open(out))
        rec.update({
            "method": r["method"]["name"], "backend": r["backend"]["name"], "device": r["backend"]["device"],
            "threads": r["backend"]["threads"], "batch": r["backend"]["batch"], "trials": r["config"]["trials"],
            "seconds": r["timing"]["seconds"], "seconds_per_trial": r["timing"]["seconds_per_trial"],
            "trials_per_second": r["timing"]["trials_per_second"],
            "verdict": "AGREES" if r["verdict"]["pass"] else "DISAGREES",
            "max_abs_z": r["verdict"]["max_abs_z"]})
        return rec


def spectrum_args(method, d, n, trials, backend, threads, sigma="identity", seed=1):
    a = ["--method", method, "--d", d, "--n", n, "--trials", trials, "--seed", seed, "--sigma", sigma,
         "--backend", backend]
    if threads and backend == "cpu":
        a += ["--threads", threads]
    return a


def ratio(fast, slow, cpu=False):
    """slow / fast per trial: the JSON's seconds per trial (wall, all threads),
    or the child's CPU seconds per trial (process start and theory included)."""
    if "error" in fast or "error" in slow:
        return None
    if cpu:
        return (slow["cpu_s"] / slow["trials"]) / (fast["cpu_s"] / fast["trials"])
    return slow["seconds_per_trial"] / fast["seconds_per_trial"]


def fmt_r(r, digits):
    return ("%%.%dfx" % digits) % r if r else "-"


def largest_d(exe, method, start, stop, backend, threads, minute, log):
    """Largest d of start * 2^k <= stop (n = 2d) done in `minute` seconds:
    by the wall clock, and by CPU time / threads (what the wall clock would
    be on an otherwise idle machine; runs may take up to 6 minutes of wall
    time for it).  Returns {"wall": rec, "cpu": rec}."""
    best, d = {"wall": None, "cpu": None}, start
    while d <= stop:
        rec = run(exe, spectrum_args(method, d, 2 * d, 2, backend, threads), timeout=6 * minute)
        ok = "error" not in rec
        by_wall = ok and rec["wall_s"] <= minute
        by_cpu = ok and rec["cpu_s"] / max(1, rec["threads"]) <= minute
        log.append(dict(rec, d=d, done_wall=by_wall, done_cpu=by_cpu))
        print("  largest d, %-11s d = %-10d %s" % (method, d, "%.1f s wall, %.1f s CPU on %d threads" % (
            rec["wall_s"], rec["cpu_s"], rec["threads"]) if ok else rec["error"][:120]), flush=True)
        if by_wall:
            best["wall"] = dict(rec, d=d)
        if by_cpu:
            best["cpu"] = dict(rec, d=d)
        if not (by_wall or by_cpu):
            break
        d *= 2
    return best


def fmt_t(rec):
    if rec is None:
        return "-"
    if "error" in rec:
        return "error: " + rec["error"][:60]
    return "%.4g s/trial (%d trials, %.1f s wall, %.1f s CPU)" % (rec["seconds_per_trial"], rec["trials"],
                                                                  rec["wall_s"], rec["cpu_s"])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rmtmc", default="build/rmtmc")
    ap.add_argument("--threads", type=int, default=0, help="CPU threads (default: all cores)")
    ap.add_argument("--minute", type=float, default=60.0, help="the budget of the largest-d search (s)")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-gpu", action="store_true")
    ap.add_argument("--parts", default="1,2,3,4", help="which parts to run (1 ratios, 2 the d = 10^6 run, "
                    "3 the largest d, 4 the GPU)")
    ap.add_argument("--json")
    o = ap.parse_args()
    parts = {int(x) for x in o.parts.split(",")}
    exe, th = o.rmtmc, o.threads
    res = {"host": os.uname().nodename, "cpus": os.cpu_count(), "load_before": os.getloadavg(), "runs": {}}
    R = res["runs"]
    print("# rmtmc spectrum methods side by side (%s, %d CPUs, load %.1f)" % (res["host"], res["cpus"],
                                                                             res["load_before"][0]), flush=True)

    # 1. ratios on the CPU
    dd = 2048 if o.quick else 4096
    if 1 in parts:
        ratios(exe, th, dd, R)
    # 2. the d = 10^6 run
    big_trials = 20 if o.quick else 100
    if 2 in parts:
        R["tri_1e6"] = run(exe, spectrum_args("tridiagonal", 1000000, 2000000, big_trials, "cpu", th))
        print("  d = 10^6: %s" % fmt_t(R["tri_1e6"]), flush=True)
    # 3. largest d in a minute
    if 3 in parts:
        res["largest_d_log"] = log = []
        stop_dense = 4096 if o.quick else 65536
        res["largest_d"] = {
            "dense": largest_d(exe, "dense", 512, stop_dense, "cpu", th, o.minute, log),
            "bartlett": largest_d(exe, "bartlett", 512, stop_dense, "cpu", th, o.minute, log),
            "tridiagonal": largest_d(exe, "tridiagonal", 1000000 if not o.quick else 250000,
                                     2 ** 30 if not o.quick else 1000000, "cpu", th, o.minute, log),
        }
    # 4. the GPU
    gpu = None
    if 4 in parts and not o.no_gpu:
        gpu = gpu_part(exe, res)
    res["load_after"] = os.getloadavg()
    table(res, R, dd, gpu, o)
    if o.json:
        with open(o.json, "w") as f:
            json.dump(res, f, indent=1)
    return 0


def ratios(exe, th, dd, R):
    R["tri_%d" % dd] = run(exe, spectrum_args("tridiagonal", dd, 2 * dd, 400, "cpu", th))
    R["dense_%d" % dd] = run(exe, spectrum_args("dense", dd, 2 * dd, 2, "cpu", th))
    print("  d = %d: tridiagonal %s; dense %s" % (dd, fmt_t(R["tri_%d" % dd]), fmt_t(R["dense_%d" % dd])), flush=True)
    for sig, key in (("ar1:0.5", "ar1"), ("points:1:0.5,4:0.5", "points")):
        R["bartlett_1024_" + key] = run(exe, spectrum_args("bartlett", 1024, 4096, 8, "cpu", th, sig))
        R["dense_1024_" + key] = run(exe, spectrum_args("dense", 1024, 4096, 8, "cpu", th, sig))
        print("  d = 1024, n = 4096, %s: bartlett %s; dense %s" % (sig, fmt_t(R["bartlett_1024_" + key]),
                                                                  fmt_t(R["dense_1024_" + key])), flush=True)


def gpu_part(exe, res):
    """Part 4: the GPU's trials per second (None when --backend cuda does not run)."""
    probe = run(exe, spectrum_args("tridiagonal", 1000, 2000, 64, "cuda", 0))
    res["gpu_probe"] = probe
    if "error" in probe:
        return None
    res["gpu"] = g = {}
    for d, trials in ((10000, 20000), (100000, 4000), (1000000, 1000)):
        g["tri_%d" % d] = run(exe, spectrum_args("tridiagonal", d, 2 * d, trials, "cuda", 0))
        print("  GPU tridiagonal d = %d: %s" % (d, fmt_t(g["tri_%d" % d])), flush=True)
    for m, trials in (("tridiagonal", 4000), ("bartlett", 64), ("dense", 64)):
        g["%s_4096" % m] = run(exe, spectrum_args(m, 4096, 8192, trials, "cuda", 0))
        print("  GPU %s d = 4096: %s" % (m, fmt_t(g["%s_4096" % m])), flush=True)
    return True


def table(res, R, dd, gpu, o):
    """The Markdown table of what ran."""
    t, lines = R, []
    if "tri_%d" % dd in t:
        lines += ["", "| comparison (CPU backend) | fast | dense | ratio (wall per trial) | ratio (CPU per trial, "
                  "setup included) | target |", "|---|---|---|---|---|---|"]
        a, b = t["tri_%d" % dd], t["dense_%d" % dd]
        lines.append("| tridiagonal vs dense, d = %d, n = %d, identity | %s | %s | %s | %s | >= 100x |" % (
            dd, 2 * dd, fmt_t(a), fmt_t(b), fmt_r(ratio(a, b), 0), fmt_r(ratio(a, b, True), 0)))
        for key, sig in (("ar1", "ar1:0.5"), ("points", "points:1:0.5,4:0.5")):
            a, b = t["bartlett_1024_" + key], t["dense_1024_" + key]
            lines.append("| bartlett vs dense, d = 1024, n = 4096, %s | %s | %s | %s | %s | >= 1.5x |" % (
                sig, fmt_t(a), fmt_t(b), fmt_r(ratio(a, b), 2), fmt_r(ratio(a, b, True), 2)))
    if "tri_1e6" in t:
        b = t["tri_1e6"]
        lines += ["", "| the issue's run | wall | CPU | verdict | target |", "|---|---|---|---|---|",
                  "| `%s` | %s | %s | %s | < 60 s |" % (
                      b["command"], "%.1f s" % b["wall_s"], "%.1f s" % b["cpu_s"],
                      "%s, max abs z %.2f" % (b["verdict"], b["max_abs_z"]) if "error" not in b else b["error"][:80])]
    if "largest_d" in res:
        lines += ["", "| method | largest d (n = 2d), --trials 2 in %g s wall | its run | largest d, CPU time / threads "
                  "<= %g s | its run |" % (o.minute, o.minute), "|---|---|---|---|---|"]
        for m in ("dense", "bartlett", "tridiagonal"):
            cells = []
            for key in ("wall", "cpu"):
                rec = res["largest_d"][m][key]
                cells += ["{:,}".format(rec["d"]) if rec else "-",
                          "%.1f s wall, %.1f s CPU" % (rec["wall_s"], rec["cpu_s"]) if rec else "-"]
            lines.append("| %s | %s |" % (m, " | ".join(cells)))
    if gpu:
        lines += ["", "| GPU (%s) | trials/s | batch |" % res["gpu_probe"]["device"], "|---|---|---|"]
        for k, rec in res["gpu"].items():
            lines.append("| %s | %s | %s |" % (k, "%.4g" % rec["trials_per_second"] if "error" not in rec else
                                              rec["error"][:60], rec.get("batch", "-")))
    elif "gpu_probe" in res:
        lines.append("\n(no GPU run: --backend cuda did not run here: %s)" % res["gpu_probe"].get("error", "")[:100])
    else:
        lines.append("\n(no GPU run: --no-gpu, or part 4 not asked for)")
    lines.append("\nload average before %.1f, after %.1f (a loaded machine inflates wall times, not CPU times)" % (
        res["load_before"][0], res["load_after"][0]))
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
