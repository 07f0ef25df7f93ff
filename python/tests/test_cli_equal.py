"""The same numbers as the command line for the same arguments, bit for bit:
the JSON (less timing and the backend note), the arrays and the per-trial
table."""

import json
import subprocess

import numpy as np
import pytest

import rmtmc
from conftest import masked, masked_lines, run_cli

CASES = [
    ("spectrum", ["spectrum"], dict()),
    ("spectrum", ["spectrum", "--sigma", "ar1:0.4", "--entries", "rademacher", "--z=-1,0.3+0.05i,7",
                  "--observables", "m,dm", "--bins", "17"],
     dict(sigma="ar1:0.4", entries="rademacher", z=[-1, 0.3 + 0.05j, 7], observables="m,dm", bins=17)),
    ("ridge", ["ridge", "--lambda", "0.05,0.5"], dict(lambda_=[0.05, 0.5])),
    ("generative contexts", ["generative", "contexts"], dict()),
    ("generative mixture", ["generative", "mixture"], dict()),
    ("edge", ["edge", "--sigma", "spike:2", "--entries", "complex-gaussian"],
     dict(sigma="spike:2", entries="complex-gaussian")),
]
SIZES = {"spectrum": ["--d", "40", "--n", "70", "--trials", "24", "--seed", "7"],
         "ridge": ["--d", "40", "--n", "90", "--trials", "12", "--seed", "7"],
         "generative contexts": ["--trials", "12", "--seed", "7"],
         "generative mixture": ["--d", "40", "--n", "80", "--trials", "12", "--seed", "7"],
         "edge": ["--d", "30", "--n", "60", "--trials", "70", "--seed", "7"]}


def kw_of(args):
    """--d 40 --n 70 ... -> dict(d=40, n=70, ...), values as text."""
    return {args[i][2:]: args[i + 1] for i in range(0, len(args), 2)}


@pytest.mark.parametrize("study, argv, extra", CASES, ids=[c[0] + str(i) for i, c in enumerate(CASES)])
def test_json_equals_cli(cli, tmp_path, study, argv, extra):
    size = SIZES[study]
    text, cli_json = run_cli(cli, argv + size, tmp_path)
    kw = {k: int(v) for k, v in kw_of(size).items()}
    r = rmtmc.run(study, **kw, **extra)
    assert masked(json.loads(r.to_json())) == masked(cli_json)
    assert masked_lines(r.to_json()) == masked_lines(text)


def test_arrays_are_the_cli_doubles(cli, tmp_path):
    _, js = run_cli(cli, ["spectrum", "--d", "30", "--n", "50", "--trials", "10", "--z=-2,1+0.1i"], tmp_path)
    r = rmtmc.spectrum(d=30, n=50, trials=10, z=[-2, 1 + 0.1j])
    emp = np.array([complex(row["empirical"]["re"], row["empirical"]["im"]) for row in js["stieltjes"]])
    assert r.stieltjes.empirical.tobytes() == emp.tobytes()
    assert r.density.empirical.tobytes() == np.array(js["density"]["empirical"], dtype=float).tobytes()
    assert r.edges.lambda_max.mean == js["edges"]["lambda_max"]["mean"]


def test_per_trial_table_equals_cli(cli, tmp_path):
    d = tmp_path / "trials"
    p = subprocess.run([cli, "spectrum", "--d", "20", "--n", "30", "--trials", "12", "--save-trials", str(d),
                        "--save-eigenvalues", "--quiet", "--json", str(tmp_path / "x.json")], capture_output=True)
    assert p.returncode == 0, p.stderr
    r = rmtmc.spectrum(d=20, n=30, trials=12, save_trials=True, save_eigenvalues=True)
    obs = np.load(d / "observables.npy")
    eig = np.load(d / "eigenvalues.npy")
    assert obs.tobytes() == r.trials.data.tobytes() and eig.tobytes() == r.trials.eigenvalues.tobytes()
    cols = json.loads((d / "columns.json").read_text())
    assert [c["name"] for c in cols["observables"]["columns"]] == r.trials.columns
    assert [c["meaning"] for c in cols["observables"]["columns"]] == r.trials.meanings


def test_theory_command_equals_cli(cli, tmp_path):
    args = ["theory", "--sigma", "points:1:0.3,3:0.7", "--eta", "0.3", "--z=-1,2+0.5i", "--grid", "50"]
    text, js = run_cli(cli, args, tmp_path)
    r = rmtmc.theory_study(sigma="points:1:0.3,3:0.7", eta=0.3, z=[-1, 2 + 0.5j], grid=50)
    assert r.to_json() == text  # no timing in the theory command's JSON


def test_sweep_equals_cli(cli, tmp_path):
    args = ["--param", "d", "--values", "10,20", "--trials", "6", "--z=-1,3"]
    p = subprocess.run([cli, "sweep", *args, "--out", str(tmp_path / "c"), "--quiet", "--no-plots"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    cli_json = json.loads((tmp_path / "c" / "sweep.json").read_text())
    r = rmtmc.sweep(param="d", values=[10, 20], trials=6, z=[-1, 3], out=tmp_path / "p")
    assert masked(r.json) == masked(cli_json)


def _mc_studies():
    from rmtmc import _studies

    return [s for s, t in _studies._TABLE.items() if t["monte_carlo"] and not t["needs_dir"]]


@pytest.mark.parametrize("study", _mc_studies())
def test_every_study_equals_cli_at_its_defaults(cli, tmp_path, study):
    """Every Monte Carlo study of the table (a study added later included),
    at its defaults with 4 trials: the same JSON from Python and the CLI."""
    text, cli_json = run_cli(cli, study.split() + ["--trials", "4", "--seed", "3"], tmp_path)
    r = rmtmc.run(study, trials=4, seed=3)
    assert masked(r.json) == masked(cli_json)
    assert masked_lines(r.to_json()) == masked_lines(text)
