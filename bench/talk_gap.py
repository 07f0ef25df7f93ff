#!/usr/bin/env python3
"""The finite-size gap of Proposition A at the talk's setting and above it:
k = 3, rho = 0.9, uniform alpha, fixed counts, c = d = 3^L contexts with
n = 5000 c / 81 samples (the talk's n/c), L = 4 (the talk: c = 81), 5, 6, ...
For each c and gamma: the relative gap (empirical E_train - theory) / theory
with its standard error, as a markdown table (docs/generative.md).

    python3 bench/talk_gap.py [--rmtmc build/rmtmc] [--levels 4,5,6]
        [--trials 400,200,100] [--seed 3] [--backend auto] [--json gap.json]

Not run by ctest.
"""
import argparse, json, os, subprocess, sys, tempfile


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rmtmc", default="build/rmtmc")
    ap.add_argument("--levels", default="4,5,6")
    ap.add_argument("--trials", default="400,200,100")
    ap.add_argument("--gamma", default="0.001,0.01,0.1,1")
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--backend", default="auto")
    ap.add_argument("--json")
    a = ap.parse_args()
    levels = [int(x) for x in a.levels.split(",")]
    trials = [int(x) for x in a.trials.split(",")]
    trials += [trials[-1]] * (len(levels) - len(trials))
    gammas = a.gamma.split(",")
    table, out = [], []
    for L, T in zip(levels, trials):
        c = 3 ** L
        n = 5000 * c // 81
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "r.json")
            cmd = [a.rmtmc, "generative", "contexts", "--k", "3", "--context-len", str(L), "--d", str(c),
                   "--n", str(n), "--rho", "0.9", "--gamma", a.gamma, "--trials", str(T), "--seed", str(a.seed),
                   "--backend", a.backend, "--quiet", "--json", path]
            p = subprocess.run(cmd, capture_output=True, text=True)
            if p.returncode != 0:
                print(f"L = {L}: {p.stderr.strip()}", file=sys.stderr)
                continue
            r = json.load(open(path))
        cells = []
        for w in r["etrain"]:
            rel = w["difference"]["mean"] / w["theory"]
            se = w["difference"]["stderr"] / w["theory"]
            cells.append((rel, se, w["zscore"]))
        table.append((c, n, T, r["timing"]["trials_per_second"], r["backend"]["name"], cells))
        out.append({"c": c, "d": c, "n": n, "trials": T, "command": " ".join(cmd[:-2]), "etrain": r["etrain"],
                    "timing": r["timing"], "backend": r["backend"]})
        print(f"c = d = {c}, n = {n}: {T} trials, {r['timing']['trials_per_second']:.1f} trials/s on "
              f"{r['backend']['name']}", file=sys.stderr)
    print("| c = d | n | trials | " + " | ".join(f"gamma = {g}" for g in gammas) + " |")
    print("|---|---|---|" + "---|" * len(gammas))
    for c, n, T, tps, be, cells in table:
        print(f"| {c} | {n} | {T} | " +
              " | ".join(f"{100 * rel:+.2f} % +- {100 * se:.2f} % (z {z:+.1f})" for rel, se, z in cells) + " |")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
