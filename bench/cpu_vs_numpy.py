#!/usr/bin/env python3
"""Wall time per trial of the spectrum study at d = n = 1024 (default) on the
CPU backend against numpy: for each trial numpy draws X (d x n, Gaussian),
forms S = X X^T / n and calls numpy.linalg.eigvalsh, i.e. the same work as one
rmtmc trial (rmtmc also reduces the eigenvalues, which is negligible).

Usage: python3 bench/cpu_vs_numpy.py [--d 1024] [--n 1024] [--trials 8]
       [--threads 1] [--rmtmc build/rmtmc] [--json bench_out.json]
Both sides use the same number of threads (OPENBLAS_NUM_THREADS for numpy,
--threads for rmtmc, which runs one trial per thread with single-threaded BLAS).
Writes a JSON record; not run by ctest."""
import argparse, json, os, subprocess, sys, tempfile, time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--d", type=int, default=1024)
    ap.add_argument("--n", type=int, default=1024)
    ap.add_argument("--trials", type=int, default=8)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rmtmc", default="build/rmtmc")
    ap.add_argument("--json", default=None)
    a = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "r.json")
        cmd = [a.rmtmc, "spectrum", "--d", str(a.d), "--n", str(a.n), "--trials", str(a.trials),
               "--threads", str(a.threads), "--backend", "cpu", "--quiet", "--json", out]
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True)
        wall = time.perf_counter() - t0
        r = json.load(open(out))
    rm_per_trial = r["timing"]["seconds_per_trial"]

    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(a.threads), OMP_NUM_THREADS=str(a.threads))
    code = f"""
import numpy as np, time, json
rng = np.random.default_rng(1)
d, n, T = {a.d}, {a.n}, {a.trials}
ts, te = [], []
for t in range(T):
    t0 = time.perf_counter()
    X = rng.standard_normal((d, n))
    S = X @ X.T / n
    t1 = time.perf_counter()
    ev = np.linalg.eigvalsh(S)
    t2 = time.perf_counter()
    ts.append(t2 - t0)
    te.append(t2 - t1)
print(json.dumps({{"per_trial": sum(ts) / T, "eigvalsh_only": sum(te) / T, "numpy": np.__version__}}))
"""
    res = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    np_res = json.loads(res.stdout)
    rec = {"d": a.d, "n": a.n, "trials": a.trials, "threads": a.threads,
           "rmtmc_seconds_per_trial": rm_per_trial, "rmtmc_wall_seconds_total": wall,
           "numpy_seconds_per_trial": np_res["per_trial"],
           "numpy_eigvalsh_seconds_per_trial": np_res["eigvalsh_only"], "numpy_version": np_res["numpy"],
           "speedup_vs_numpy": np_res["per_trial"] / rm_per_trial,
           "backend": r["backend"]}
    print(json.dumps(rec, indent=2))
    if a.json:
        json.dump(rec, open(a.json, "w"), indent=2)


if __name__ == "__main__":
    main()
