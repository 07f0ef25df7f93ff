#!/usr/bin/env python3
"""Trials per second of the generative and ridge studies on each backend, and
a table of empirical vs theory for each (the numbers of a study's JSON).

Configurations (the studies' defaults unless --quick):
    contexts  the talk's setting: k = 3, L = 4 (c = 81), d = 81, n = 5000,
              rho = 0.9, gamma 1e-3,1e-2,0.1,1
    mixture   c = 3, k = 4, d = 300, n = 600, gamma 0.01,0.1,0.5,1
    ridge     d = 300, n = 600, identity Sigma, lambda 0.01,0.1,0.5,1
              (+ the theory's optimal lambda and the ridgeless estimator)
plus, with --large, the same studies at d = 1024 (contexts c = d = 729).

    python3 bench/studies.py [--rmtmc build/rmtmc] [--backends cpu,cuda]
        [--trials 200] [--cpu-trials T] [--large | --only-large] [--device N] [--gpu-batch B]
        [--json studies.json]

Each run is one `rmtmc ... --json` call; trials/s is the study's own figure
(wall time of the run, theory included); the backend's set-up (on a GPU the
CUDA context, handles and the batch's allocation: timing.setup_seconds) is
printed beside it.  A GPU backend gets `--batch` explicitly: all the trials
in one batch, within what fits (--gpu-batch sets another; the automatic GPU
batch, trials/16 within [64, 2048], is sized for progress, not speed); the
cpu backend keeps its automatic batch.  Not run by ctest.
"""
import argparse, json, os, subprocess, sys, tempfile

CONFIGS = [
    ("contexts (talk)", ["generative", "contexts", "--k", "3", "--context-len", "4", "--d", "81",
                         "--n", "5000", "--rho", "0.9", "--gamma", "0.001,0.01,0.1,1"]),
    ("mixture", ["generative", "mixture"]),
    ("ridge", ["ridge"]),
]
LARGE = [
    ("contexts c=d=729", ["generative", "contexts", "--k", "3", "--context-len", "6", "--d", "729",
                          "--n", "45000", "--rho", "0.9", "--gamma", "0.001,0.01,0.1,1"]),
    ("mixture d=1024", ["generative", "mixture", "--d", "1024", "--n", "2048"]),
    ("ridge d=1024", ["ridge", "--d", "1024", "--n", "2048"]),
]


def run(exe, args, backend, trials, seed, device, gpu_batch):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "r.json")
        cmd = [exe] + args + ["--trials", str(trials), "--seed", str(seed), "--backend", backend,
                              "--device", str(device)]
        if backend != "cpu":
            cmd += ["--batch", str(min(trials, gpu_batch) if gpu_batch > 0 else trials)]
        cmd += ["--quiet", "--json", out]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            return {"command": " ".join(cmd), "error": p.stderr.strip()}
        r = json.load(open(out))
        r["command"] = " ".join(cmd[:-2])
        return r


def rows_of(r):
    """(label, x, empirical, stderr, theory, bias, z) of the rows a study
    reports; z is the bias-corrected z-score where a finite-size bias is
    known (then bias is not None), as in the study's verdict."""
    out = []
    def add(label, xname, rows):
        for w in rows:
            z = w["zscore_corrected"] if w.get("zscore_corrected") is not None else w["zscore"]
            out.append((label, w[xname], w["empirical"]["mean"], w["empirical"]["stderr"], w["theory"],
                        w.get("bias"), z))
    if r.get("model") == "contexts":
        add("E_train", "gamma", r["etrain"])
        add("shrinkage", "gamma", r["shrinkage"])
        add("spread of phat", "gamma", r["phat_spread"])
    elif r.get("model") == "mixture":
        add("E_test", "gamma", r["etest"])
    else:
        add("risk", "lambda", r["risk"])
        add("GCV", "lambda", r["gcv"])
        if r["optimum"].get("risk"):
            add("risk at lambda*", "lambda", [r["optimum"]["risk"]])
        if r["ridgeless"].get("risk"):
            add("ridgeless risk", "lambda", [r["ridgeless"]["risk"]])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rmtmc", default="build/rmtmc")
    ap.add_argument("--backends", default="cpu")
    ap.add_argument("--trials", type=int, default=200)
    ap.add_argument("--cpu-trials", type=int, default=0, help="trials on the cpu backend (0: --trials)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--large", action="store_true")
    ap.add_argument("--only-large", action="store_true", help="the --large set alone")
    ap.add_argument("--device", type=int, default=0)
    ap.add_argument("--gpu-batch", type=int, default=0, help="--batch on a GPU backend (0: all the trials)")
    ap.add_argument("--json")
    a = ap.parse_args()
    results = []
    for backend in a.backends.split(","):
        for name, args in (LARGE if a.only_large else CONFIGS + (LARGE if a.large else [])):
            trials = a.cpu_trials if backend == "cpu" and a.cpu_trials > 0 else a.trials
            r = run(a.rmtmc, args, backend, trials, a.seed, a.device, a.gpu_batch)
            results.append({"study": name, "backend": backend, **{k: r[k] for k in ("command", "error") if k in r},
                            "result": r if "error" not in r else None})
            if "error" in r:
                print(f"{name} [{backend}]: {r['error']}", file=sys.stderr)
                continue
            t = r["timing"]
            b = r["backend"]
            solver = f", {b['solver']}" + (f" {b['solver_algorithm']}" if b.get("solver_algorithm") else "") if b.get("solver") else ""
            print(f"\n## {name} on {b['name']} ({b['device']}, batch {b['batch']}{solver}):"
                  f" {t['trials_per_second']:.1f} trials/s ({trials} trials in {t['seconds']:.2f} s,"
                  f" set-up {t.get('setup_seconds', float('nan')):.2f} s)", flush=True)
            print(f"`{r['command']}`\n")
            print("| quantity | x | empirical | stderr | theory | finite-size bias | z |\n|---|---|---|---|---|---|---|")
            for label, x, e, se, th, bias, z in rows_of(r):
                bs = f"{bias:.3g}" if bias is not None else ""
                zs = f"{z:+.2f}" if z is not None else "n/a"
                print(f"| {label} | {x:.4g} | {e:.6g} | {se:.2g} | {th:.6g} | {bs} | {zs} |")
            print(f"\nmax |z| = {r['max_abs_z']:.2f}" if r.get("max_abs_z") is not None else "\nmax |z| = n/a")
            if a.json:  # rewritten after every study: a run cut short keeps what it did
                with open(a.json, "w") as f:
                    json.dump(results, f, indent=1)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)
    failed = [f"{r['study']} [{r['backend']}]" for r in results if "error" in r]
    if failed:
        print(f"\nFAILED: {', '.join(failed)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
