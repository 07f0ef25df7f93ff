#!/usr/bin/env python3
"""Throughput of the spectrum study (trials per second) for d in {64, 256,
1024, 4096} with n = 2d, on the GPU backend, the CPU backend, and peers on the
same machine when importable (CuPy cupy.linalg.eigvalsh and PyTorch
torch.linalg.eigvalsh on batched inputs), with the fraction of the hardware
floor reached:

    floor per trial = max(FLOPs / measured DGEMM rate, bytes / measured copy bandwidth)
    FLOPs = n d^2 (Gram) + (4/3) d^3 (eigenvalues),  bytes = 8 (d n + d^2)

The DGEMM rate and copy bandwidth are measured here (torch or cupy on the GPU;
numpy on the CPU).  Each configuration runs up to --trials trials or as many as
fit in --seconds (estimated from a pilot run).  Writes JSON (--json) and prints
a table.  Not run by ctest.

    python3 bench/throughput.py [--rmtmc build/rmtmc] [--sizes 64,256,1024,4096]
        [--trials 1000] [--seconds 60] [--backends cuda,cpu] [--json bench.json]
"""
import argparse, json, os, subprocess, tempfile, time


def run_rmtmc(exe, backend, d, n, trials, seed=1):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "r.json")
        cmd = [exe, "spectrum", "--d", str(d), "--n", str(n), "--trials", str(trials),
               "--seed", str(seed), "--backend", backend, "--quiet", "--json", out]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            return {"error": p.stderr.strip()}
        r = json.load(open(out))
        return {"trials": trials, "seconds": r["timing"]["seconds"],
                "trials_per_second": r["timing"]["trials_per_second"],
                "device": r["backend"]["device"], "batch": r["backend"]["batch"]}


def rmtmc_config(exe, backend, d, n, max_trials, budget):
    pilot = run_rmtmc(exe, backend, d, n, 4 if d >= 1024 else 16)
    if "error" in pilot:
        return pilot
    est = int(budget * pilot["trials_per_second"])
    trials = max(2, min(max_trials, est))
    return run_rmtmc(exe, backend, d, n, trials)


def peer(lib, d, n, max_trials, budget):
    """Batched eigvalsh of X X^T / n on the GPU with CuPy or PyTorch."""
    try:
        if lib == "torch":
            import torch
            if not torch.cuda.is_available():
                return {"error": "no CUDA device for torch"}
            dev = torch.device("cuda")
            def step(b):
                X = torch.randn(b, d, n, dtype=torch.float64, device=dev)
                S = X @ X.transpose(1, 2) / n
                torch.linalg.eigvalsh(S)
                torch.cuda.synchronize()
        else:
            import cupy as cp
            def step(b):
                X = cp.random.standard_normal((b, d, n), dtype=cp.float64)
                S = X @ X.transpose(0, 2, 1) / n
                cp.linalg.eigvalsh(S)
                cp.cuda.Stream.null.synchronize()
    except Exception as e:  # not installed
        return {"error": f"{lib} unavailable: {e}"}
    b = max(1, min(256, int(2**27 // (8 * (d * n + d * d)))))
    step(b)  # warm-up
    done, t0 = 0, time.perf_counter()
    while done < max_trials and time.perf_counter() - t0 < budget:
        step(b)
        done += b
    el = time.perf_counter() - t0
    return {"trials": done, "seconds": el, "trials_per_second": done / el, "batch": b}


def hardware_rates(gpu):
    """Measured DGEMM FLOP/s and copy bandwidth (bytes/s)."""
    n = 4096
    try:
        if gpu:
            import torch
            a = torch.randn(n, n, dtype=torch.float64, device="cuda")
            torch.cuda.synchronize()
            t0 = time.perf_counter()
            for _ in range(5):
                a @ a
            torch.cuda.synchronize()
            flops = 5 * 2 * n**3 / (time.perf_counter() - t0)
            x = torch.empty(2**28, dtype=torch.uint8, device="cuda")
            y = torch.empty_like(x)
            torch.cuda.synchronize()
            t0 = time.perf_counter()
            for _ in range(10):
                y.copy_(x)
            torch.cuda.synchronize()
            bw = 10 * 2 * x.numel() / (time.perf_counter() - t0)
            return flops, bw
        import numpy as np
        a = np.random.standard_normal((2048, 2048))
        t0 = time.perf_counter()
        a @ a
        flops = 2 * 2048**3 / (time.perf_counter() - t0)
        x = np.ones(2**27 // 8)
        y = np.zeros_like(x)
        np.copyto(y, x)  # touch the pages first
        t0 = time.perf_counter()
        for _ in range(5):
            np.copyto(y, x)
        bw = 5 * 2 * x.nbytes / (time.perf_counter() - t0)
        return flops, bw
    except Exception:
        return None, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rmtmc", default="build/rmtmc")
    ap.add_argument("--sizes", default="64,256,1024,4096")
    ap.add_argument("--trials", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--backends", default="cuda,cpu")
    ap.add_argument("--peers", default="cupy,torch")
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    rates = {"gpu": hardware_rates(True), "cpu": hardware_rates(False)}
    rows = []
    for d in [int(s) for s in a.sizes.split(",")]:
        n = 2 * d
        flops = n * d * d + 4.0 / 3.0 * d**3
        bytes_ = 8.0 * (d * n + d * d)
        runs = {b: rmtmc_config(a.rmtmc, b, d, n, a.trials, a.seconds) for b in a.backends.split(",") if b}
        for p in [p for p in a.peers.split(",") if p]:
            runs[p] = peer(p, d, n, a.trials, a.seconds)
        for name, r in runs.items():
            kind = "cpu" if name == "cpu" else "gpu"
            fl, bw = rates[kind]
            if "trials_per_second" in r and fl and bw:
                floor = max(flops / fl, bytes_ / bw)
                r["fraction_of_floor"] = floor * r["trials_per_second"]
            rows.append(dict(d=d, n=n, runner=name, **r))
            tps = r.get("trials_per_second")
            print(f"d={d:5d} n={n:5d} {name:6s} " +
                  (f"{tps:10.2f} trials/s  floor fraction {r.get('fraction_of_floor', float('nan')):.3f}"
                   if tps else r.get("error", "")), flush=True)
    rec = {"hardware_rates": {"gpu_dgemm_flops": rates["gpu"][0], "gpu_copy_bytes_per_s": rates["gpu"][1],
                              "cpu_dgemm_flops": rates["cpu"][0], "cpu_copy_bytes_per_s": rates["cpu"][1]},
           "rows": rows}
    if a.json:
        json.dump(rec, open(a.json, "w"), indent=2)


if __name__ == "__main__":
    main()
