#!/usr/bin/env python3
"""Strong scaling of one fixed study from 1 to 2 MPI ranks on this machine
(docs/cluster.md), on the CPU backend, beside the same study in one process
with 1 and 2 OpenMP threads.

    python3 bench/mpi_scaling.py [--rmtmc build/rmtmc] [--launcher mpirun]
        [--ranks 1,2] [--repeat 3] [--json mpi_scaling.json] [--quick]

The study (fixed for every run): rmtmc spectrum --d 300 --n 600 --trials 1024
--seed 1 --backend cpu (--quick: d = 150, n = 300, 512 trials).  Runs:
    process, 1 thread      rmtmc ... --threads 1
    process, K threads     rmtmc ... --threads K (for each K of --ranks > 1)
    mpirun -n K            the launcher with K ranks (each rank's threads by
                           rmtmc's rule: the CPUs the launcher bound it to, or
                           the node's cores divided among its ranks)
For each: the median over --repeat runs of the wall time of the whole command
(launch included) and of the JSON's timing.seconds (the trials: rank 0's wall
clock from its first batch to the merged result), the CPU time of the
command and its children (user + sys, every rank), and whether every JSON
number equals the first run's (tests/golden/compare.py's rule: everything but
timing, backend, ranks and the --threads key).  Speedup of K ranks =
T(mpirun -n 1) / T(mpirun -n K), efficiency = speedup / K; both for the
trials' seconds and for the wall time.

On a shared machine the figures are indicative only: the CPU-time column
shows how much of the machine the run had.  Not run by ctest.
"""
import argparse, json, os, resource, shutil, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "golden"))
import compare  # noqa: E402  (the golden comparer: the rule for "same numbers")

EXCLUDED = compare.EXCLUDED + ["config/threads"]


def launcher_args(exe):
    args = [exe]
    v = subprocess.run([exe, "--version"], capture_output=True, text=True)
    if "Open MPI" in v.stdout + v.stderr or "OpenRTE" in v.stdout + v.stderr:
        args.append("--oversubscribe")
        if os.geteuid() == 0:
            args.append("--allow-run-as-root")
    return args


def run_once(cmd, out):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd + ["--json", out], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        raise SystemExit("failed: %s\n%s" % (" ".join(cmd), p.stderr))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, json.load(open(out)), open(out).read()


def same_numbers(a_text, b_text):
    diffs = []
    compare.diff(compare.load(a_text), compare.load(b_text), [], EXCLUDED, True, diffs)
    return not diffs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rmtmc", default="build/rmtmc")
    ap.add_argument("--launcher", default=shutil.which("mpirun") or shutil.which("mpiexec"))
    ap.add_argument("--ranks", default="1,2")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", default=None)
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    if not a.launcher:
        raise SystemExit("no MPI launcher (mpirun / mpiexec) found")
    ranks = [int(k) for k in a.ranks.split(",")]
    d, n, trials = (150, 300, 512) if a.quick else (300, 600, 1024)
    study = [a.rmtmc, "spectrum", "--d", str(d), "--n", str(n), "--trials", str(trials), "--seed", "1",
             "--backend", "cpu", "--quiet"]
    launch = launcher_args(a.launcher)
    runs = [("process, 1 thread", study + ["--threads", "1"], 1)]
    runs += [("process, %d threads" % k, study + ["--threads", str(k)], 1) for k in ranks if k > 1]
    runs += [("mpirun -n %d" % k, launch + ["-n", str(k)] + study, k) for k in ranks]
    rows, first = [], None
    with tempfile.TemporaryDirectory() as tmp:
        for label, cmd, k in runs:
            walls, cpus, secs, same = [], [], [], True
            for r in range(a.repeat):
                wall, cpu, js, text = run_once(cmd, os.path.join(tmp, "r.json"))
                first = first or text
                same = same and same_numbers(first, text)
                walls.append(wall)
                cpus.append(cpu)
                secs.append(js["timing"]["seconds"])
            rows.append({"run": label, "ranks": k, "command": " ".join(cmd),
                         "wall_seconds": statistics.median(walls), "trial_seconds": statistics.median(secs),
                         "cpu_seconds": statistics.median(cpus), "all_wall": walls, "all_trial_seconds": secs,
                         "threads_per_rank": js["ranks"]["devices"][0]["threads"],
                         "json_numbers_identical_to_first_run": same})
    base = {r["ranks"]: r for r in rows if r["run"].startswith("mpirun")}
    print("study: %s  (%d repeats, medians)" % (" ".join(study[1:]), a.repeat))
    print("%-22s %5s %8s %9s %9s %9s %9s %9s  %s" % ("run", "ranks", "thr/rank", "wall s", "trials s",
                                                     "cpu s", "speedup", "effic.", "same numbers"))
    for r in rows:
        sp = ef = None
        if r["run"].startswith("mpirun") and 1 in base:
            sp = base[1]["trial_seconds"] / r["trial_seconds"]
            ef = sp / r["ranks"]
            r["speedup_trials"], r["efficiency_trials"] = sp, ef
            r["speedup_wall"] = base[1]["wall_seconds"] / r["wall_seconds"]
            r["efficiency_wall"] = r["speedup_wall"] / r["ranks"]
        print("%-22s %5d %8d %9.3f %9.3f %9.3f %9s %9s  %s" % (
            r["run"], r["ranks"], r["threads_per_rank"], r["wall_seconds"], r["trial_seconds"], r["cpu_seconds"],
            "%.2f" % sp if sp else "", "%.0f%%" % (100 * ef) if ef else "",
            "yes" if r["json_numbers_identical_to_first_run"] else "NO"))
    print("(speedup and efficiency from the trials' seconds, against mpirun -n 1; the machine has %d CPUs)"
          % os.cpu_count())
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"study": study[1:], "cpus": os.cpu_count(), "repeat": a.repeat, "runs": rows}, f, indent=1)


if __name__ == "__main__":
    main()
