#!/usr/bin/env python3
"""Spectrum throughput: matrices per second of the whole spectrum pipeline
(draw X, d x n with n = 2d; S = X X^T / n; all eigenvalues of S), double
precision, at d = 64..1024 on 1000 matrices, for

    rmtmc cuda    `rmtmc spectrum --backend cuda` (its reductions included)
    rmtmc cpu     `rmtmc spectrum --backend cpu` (fewer matrices if slow)
    cupy          cupy.random.standard_normal, X @ X^T / n, cupy.linalg.eigvalsh
    torch         torch.randn, X @ X^T / n, torch.linalg.eigvalsh

each as a fraction of the hardware floor of the same work:

    FLOPs per matrix  F = n d^2 (Gram, one triangle: syrk) + (4/3) d^3
                      (Householder tridiagonalisation, eigenvalues only)
    bytes per matrix  B = 8 (d n + d^2)  (X and S each once, double)
    floor per matrix  max(F / FP64 rate, B / memory bandwidth)
    fraction          floor x matrices per second (1 = at the floor)

The two GPU ceilings are measured here, on the device: the FP64 rate by a
large DGEMM (8192^3 through torch or CuPy, median of 5), the bandwidth by a
large device-to-device copy (2 GiB, bytes read + written, median of 10); the
CPU's by numpy.  rmtmc's rate is matrices / (timing.seconds -
timing.setup_seconds): the CUDA context, handles and the batch's allocation
(paid once per process) stay out, as the peers' warm-up keeps them out of
theirs; the study's own figure (setup included) is kept too.  rmtmc cuda
gets `--batch` explicitly (all the matrices of a size in one batch, within
what fits on the GPU; the spectrum's automatic GPU batch is trials/16 within
[64, 2048], sized for progress reports, not for speed); --gpu-batch sets
another; rmtmc cpu keeps its automatic batch (64 MiB of batch memory).
The peers run in chunks that fit in 2 GiB, after one warm-up chunk; their
eigvalsh time alone is recorded beside.  Each runner stops after --seconds
per size (matrices done < 1000 then); the whole run stops starting new
sizes after --deadline seconds.  JSON (--json) is rewritten after every row.

    python3 bench/throughput.py [--rmtmc build/rmtmc] [--sizes 64,128,256,512,1024]
        [--trials 1000] [--seconds 8] [--deadline 0] [--runners cuda,cpu,cupy,torch]
        [--device 0] [--gpu-batch 0] [--json throughput.json]

Targets (issue 12): rmtmc cuda at least 5x both peers at d = 64..1024, and at
least 50% of the floor at d >= 1024.  Exit status 1 when a runner failed, 3
when sizes were dropped for time.  Not run by ctest.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time


def flops_bytes(d, n):
    return n * d * d + 4.0 / 3.0 * d ** 3, 8.0 * (d * n + d * d)


def run_rmtmc(exe, backend, d, n, trials, device, gpu_batch, seed=1):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "r.json")
        cmd = [exe, "spectrum", "--d", str(d), "--n", str(n), "--trials", str(trials),
               "--seed", str(seed), "--backend", backend, "--device", str(device)]
        if backend != "cpu":  # one batch (within what fits), not the progress-sized default
            cmd += ["--batch", str(min(trials, gpu_batch) if gpu_batch > 0 else trials)]
        cmd += ["--quiet", "--json", out]
        t0 = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if p.returncode != 0:
            return {"error": p.stderr.strip() or f"exit {p.returncode}"}
        r = json.load(open(out))
        b = r["backend"]
        t = r["timing"]
        loop = t["seconds"] - t.get("setup_seconds", 0.0)
        return {"trials": trials, "seconds": loop, "study_seconds": t["seconds"],
                "setup_seconds": t.get("setup_seconds"), "wall_seconds": wall,
                "device": b["device"], "batch": b["batch"], "solver": b.get("solver", ""),
                "solver_algorithm": b.get("solver_algorithm", ""),
                "solver_alg1_refused": b.get("solver_alg1_refused"), "command": " ".join(cmd[:-2])}


def rmtmc_runner(exe, backend, d, n, max_trials, budget, device, gpu_batch):
    """A pilot of max_trials/50 matrices sizes the run to the budget; the rate
    is trials / (timing.seconds - timing.setup_seconds): the CUDA context,
    handles and the batch's allocation (once per process) stay out, as the
    peers' warm-up keeps them out of theirs."""
    pilot = run_rmtmc(exe, backend, d, n, max(4, max_trials // 50), device, gpu_batch)
    if "error" in pilot:
        return pilot
    rate0 = pilot["trials"] / max(pilot["seconds"], 1e-9)
    trials = max_trials
    if trials / rate0 > budget:
        trials = max(pilot["trials"], int(budget * rate0))
    r = run_rmtmc(exe, backend, d, n, trials, device, gpu_batch)
    if "error" in r:
        return r
    r["trials_per_second"] = trials / max(r["seconds"], 1e-9)
    r["trials_per_second_study"] = trials / r["study_seconds"]
    r["complete"] = trials >= max_trials
    return r


def peer_runner(lib, d, n, max_trials, budget, device):
    """The same pipeline with CuPy or PyTorch, float64, in chunks."""
    try:
        if lib == "torch":
            import torch
            if not torch.cuda.is_available():
                return {"error": "torch: no CUDA device"}
            dev = torch.device("cuda", device)
            def sync():
                torch.cuda.synchronize(dev)
            def draw(b):
                return torch.randn(b, d, n, dtype=torch.float64, device=dev)
            def gram(X):
                return X @ X.transpose(1, 2) / n
            def eig(S):
                return torch.linalg.eigvalsh(S)
            version = torch.__version__
        else:
            import cupy as cp
            cp.cuda.Device(device).use()
            def sync():
                cp.cuda.Device(device).synchronize()
            def draw(b):
                return cp.random.standard_normal((b, d, n), dtype=cp.float64)
            def gram(X):
                return X @ X.transpose(0, 2, 1) / n
            def eig(S):
                return cp.linalg.eigvalsh(S)
            version = cp.__version__
    except Exception as e:  # not installed or no device
        return {"error": f"{lib} unavailable: {e}"}
    b = int(max(1, min(max_trials, (2 << 30) // (8 * (d * n + d * d)))))
    try:
        eig(gram(draw(b)))  # warm-up: handles, kernels, workspaces
        sync()
        done, t_all, t_eig = 0, 0.0, 0.0
        while done < max_trials and t_all < budget:
            k = min(b, max_trials - done)
            t0 = time.perf_counter()
            S = gram(draw(k))
            sync()
            t1 = time.perf_counter()
            w = eig(S)
            sync()
            t2 = time.perf_counter()
            del S, w
            t_all += t2 - t0
            t_eig += t2 - t1
            done += k
    except Exception as e:
        return {"error": f"{lib} failed at d={d}: {e}"}
    return {"trials": done, "seconds": t_all, "trials_per_second": done / t_all,
            "eigvalsh_seconds": t_eig, "eigvalsh_per_second": done / t_eig, "chunk": b,
            "version": version, "complete": done >= max_trials}


def median_time(fn, reps, sync):
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        sync()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def gpu_ceilings(device):
    """Measured DGEMM FLOP/s and copy bandwidth (bytes read + written / s)."""
    n = 8192
    try:
        import torch
        dev = torch.device("cuda", device)
        sync = lambda: torch.cuda.synchronize(dev)
        a = torch.randn(n, n, dtype=torch.float64, device=dev)
        c = a @ a
        sync()
        t = median_time(lambda: torch.matmul(a, a, out=c), 5, sync)
        flops = 2.0 * n ** 3 / t
        x = torch.randn((2 << 30) // 8, dtype=torch.float64, device=dev)
        y = torch.empty_like(x)
        y.copy_(x)
        sync()
        t = median_time(lambda: y.copy_(x), 10, sync)
        bw = 2.0 * x.numel() * 8 / t
        del a, c, x, y
        torch.cuda.empty_cache()
        return {"fp64_flops": flops, "copy_bytes_per_s": bw, "via": f"torch {torch.__version__}",
                "dgemm": f"{n}^3 float64, median of 5", "copy": "2 GiB device-to-device, median of 10"}
    except Exception as e:
        err = str(e)
    try:
        import cupy as cp
        cp.cuda.Device(device).use()
        sync = lambda: cp.cuda.Device(device).synchronize()
        a = cp.random.standard_normal((n, n))
        c = a @ a
        sync()
        t = median_time(lambda: cp.matmul(a, a, out=c), 5, sync)
        flops = 2.0 * n ** 3 / t
        x = cp.random.standard_normal((2 << 30) // 8)
        y = cp.empty_like(x)
        y[...] = x
        sync()
        t = median_time(lambda: cp.copyto(y, x), 10, sync)
        bw = 2.0 * x.size * 8 / t
        return {"fp64_flops": flops, "copy_bytes_per_s": bw, "via": f"cupy {cp.__version__}",
                "dgemm": f"{n}^3 float64, median of 5", "copy": "2 GiB device-to-device, median of 10"}
    except Exception as e:
        return {"error": f"no GPU ceilings: torch: {err}; cupy: {e}"}


def cpu_ceilings():
    try:
        import numpy as np
        n = 2048
        a = np.random.standard_normal((n, n))
        a @ a
        t = median_time(lambda: a @ a, 3, lambda: None)
        x = np.random.standard_normal((1 << 28) // 8)
        y = np.zeros_like(x)
        np.copyto(y, x)  # touch the pages first
        tc = median_time(lambda: np.copyto(y, x), 5, lambda: None)
        return {"fp64_flops": 2.0 * n ** 3 / t, "copy_bytes_per_s": 2.0 * x.nbytes / tc,
                "via": f"numpy {np.__version__}"}
    except Exception as e:
        return {"error": f"no CPU ceilings: {e}"}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rmtmc", default="build/rmtmc")
    ap.add_argument("--sizes", default="64,128,256,512,1024")
    ap.add_argument("--trials", type=int, default=1000, help="matrices per size and runner")
    ap.add_argument("--seconds", type=float, default=8.0, help="budget per runner and size")
    ap.add_argument("--deadline", type=float, default=0.0, help="no new size after this many seconds (0: none)")
    ap.add_argument("--runners", default="cuda,cpu,cupy,torch")
    ap.add_argument("--device", type=int, default=0)
    ap.add_argument("--gpu-batch", type=int, default=0,
                    help="rmtmc cuda's --batch (0: all the matrices of a size in one batch)")
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    start = time.perf_counter()
    runners = [r for r in a.runners.split(",") if r]
    gpu_wanted = any(r != "cpu" for r in runners)
    rec = {"bench": "throughput", "trials_target": a.trials, "n_over_d": 2,
           "flops_per_matrix": "n d^2 + (4/3) d^3", "bytes_per_matrix": "8 (d n + d^2)",
           "floor": "max(F / fp64_flops, B / copy_bytes_per_s)",
           "ceilings": {"gpu": gpu_ceilings(a.device) if gpu_wanted else None,
                        "cpu": cpu_ceilings() if "cpu" in runners else None},
           "rows": [], "dropped_sizes": []}
    def save():
        if a.json:
            with open(a.json, "w") as f:
                json.dump(rec, f, indent=1)
    for kind in ("gpu", "cpu"):
        c = rec["ceilings"][kind]
        if c and "error" not in c:
            print(f"{kind} ceilings ({c['via']}): FP64 {c['fp64_flops'] / 1e12:.2f} TFLOP/s, "
                  f"copy {c['copy_bytes_per_s'] / 1e12:.3f} TB/s", flush=True)
        elif c:
            print(f"{kind} ceilings: {c['error']}", flush=True)
    save()
    for d in [int(s) for s in a.sizes.split(",") if s]:
        if a.deadline > 0 and time.perf_counter() - start > a.deadline:
            rec["dropped_sizes"].append(d)
            print(f"d={d}: dropped (the {a.deadline:.0f} s deadline has passed)", flush=True)
            continue
        n = 2 * d
        F, B = flops_bytes(d, n)
        for name in runners:
            if name in ("cuda", "cpu"):
                r = rmtmc_runner(a.rmtmc, name, d, n, a.trials, a.seconds, a.device, a.gpu_batch)
                runner = f"rmtmc {name}"
            else:
                r = peer_runner(name, d, n, a.trials, a.seconds, a.device)
                runner = name
            c = rec["ceilings"]["cpu" if name == "cpu" else "gpu"] or {}
            if "trials_per_second" in r and "fp64_flops" in c:
                floor = max(F / c["fp64_flops"], B / c["copy_bytes_per_s"])
                r["floor_seconds_per_matrix"] = floor
                r["floor_bound"] = "flops" if F / c["fp64_flops"] >= B / c["copy_bytes_per_s"] else "bytes"
                r["fraction_of_floor"] = floor * r["trials_per_second"]
            row = dict(d=d, n=n, runner=runner, flops=F, bytes=B, **r)
            rec["rows"].append(row)
            save()
            if "trials_per_second" in r:
                extra = f"  eigvalsh alone {r['eigvalsh_per_second']:.1f}/s" if "eigvalsh_per_second" in r else ""
                print(f"d={d:5d} n={n:5d} {runner:11s} {r['trials_per_second']:11.1f} matrices/s "
                      f"({r['trials']} matrices)  floor fraction {r.get('fraction_of_floor', float('nan')):.3f}{extra}",
                      flush=True)
            else:
                print(f"d={d:5d} n={n:5d} {runner:11s} {r.get('error', '')}", flush=True)
    # the issue's targets, from what ran
    print("\n| d | rmtmc cuda /s | floor fraction | vs cupy | vs torch |\n|---|---|---|---|---|")
    by = {(w["d"], w["runner"]): w for w in rec["rows"]}
    summary = []
    for d in sorted({w["d"] for w in rec["rows"]}):
        g = by.get((d, "rmtmc cuda"), {})
        tps = g.get("trials_per_second")
        def ratio(peer):
            p = by.get((d, peer), {}).get("trials_per_second")
            return tps / p if tps and p else None
        rc, rt, ff = ratio("cupy"), ratio("torch"), g.get("fraction_of_floor")
        summary.append({"d": d, "rmtmc_cuda_per_s": tps, "fraction_of_floor": ff, "speedup_vs_cupy": rc,
                        "speedup_vs_torch": rt,
                        "meets_5x": (rc is not None and rt is not None and rc >= 5 and rt >= 5),
                        "meets_half_floor": (ff is not None and ff >= 0.5) if d >= 1024 else None})
        fmt = lambda v, f: (f % v) if v is not None else "n/a"
        print(f"| {d} | {fmt(tps, '%.1f')} | {fmt(ff, '%.3f')} | {fmt(rc, '%.2fx')} | {fmt(rt, '%.2fx')} |")
    rec["targets"] = summary
    save()
    failed = [f"{w['runner']} at d={w['d']}" for w in rec["rows"] if "error" in w]
    if failed:
        print(f"\nFAILED: {', '.join(failed)}", file=sys.stderr)
        sys.exit(1)
    if rec["dropped_sizes"]:
        print(f"\nINCOMPLETE: d = {rec['dropped_sizes']} dropped for time", file=sys.stderr)
        sys.exit(3)


if __name__ == "__main__":
    main()
