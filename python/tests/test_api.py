"""The package's API: one function per study, results as numpy arrays."""

import inspect

import numpy as np
import pytest

import rmtmc

SMALL = dict(d=30, n=60, trials=16)


def test_every_study_has_a_function():
    for s in rmtmc.STUDIES:
        name = "theory_study" if s == "theory" else s.replace(" ", "_")
        f = getattr(rmtmc, name)
        assert callable(f) and "usage: rmtmc" in f.__doc__
    assert {"spectrum", "ridge", "generative_contexts", "generative_mixture", "sweep"} <= set(dir(rmtmc))


def test_signature_has_the_cli_flags():
    sig = inspect.signature(rmtmc.spectrum).parameters
    for k in ("d", "n", "trials", "seed", "sigma", "entries", "z", "bins", "backend", "threads", "batch",
              "save_trials", "progress"):
        assert k in sig and sig[k].kind is inspect.Parameter.KEYWORD_ONLY
    assert "lambda_" in inspect.signature(rmtmc.ridge).parameters
    assert "out" in inspect.signature(rmtmc.sweep).parameters
    assert "--trials" in rmtmc.spectrum.__doc__


def test_version_and_backends():
    text, number = rmtmc.version()
    assert rmtmc.__version__ == text and number == 10000 * int(text.split(".")[0]) + 100 * int(text.split(".")[1]) + int(text.split(".")[2])
    assert "cpu" in rmtmc.BACKENDS


def test_spectrum_result_arrays():
    r = rmtmc.spectrum(**SMALL, z=[-1, 1 + 0.2j, 5.0])
    assert isinstance(r, rmtmc.SpectrumResult) and r.study == "spectrum"
    t = r.stieltjes
    assert len(t) == 3
    np.testing.assert_array_equal(t.z, np.array([-1, 1 + 0.2j, 5.0]))
    for col in ("empirical", "stderr", "sd", "theory", "bias", "zscore", "zscore_corrected"):
        assert t[col].dtype == np.complex128 and t[col].shape == (3,)
    # the table's numbers are the JSON's doubles
    js = r.json["stieltjes"]
    assert t.empirical[1].real == js[1]["empirical"]["re"] and t.theory[2].real == js[2]["theory"]["re"]
    # real z: imaginary z-score not defined (JSON null -> NaN)
    assert np.isnan(t.zscore[0].imag)
    assert r.edges.lambda_max.mean > r.edges.lambda_min.mean > 0
    assert r.moments.k.tolist() == [1, 2, 3, 4] and r.moments.mean.dtype == np.float64
    assert r.density.centers.shape == (r.config.bins,) and r.density.empirical.shape == r.density.theory.shape
    assert isinstance(r.verdict["pass"], bool)
    assert r.config.d == 30 and r.config.trials == 16
    assert r.backend.name == "cpu" and isinstance(r.note, str)
    assert np.asarray(r.theory.support).shape == (1, 2)
    assert "verdict" in r.summary() or "Verdict" in r.summary() or "PASS" in r.summary().upper()
    assert r.trials is None


def test_trials_and_eigenvalues():
    r = rmtmc.spectrum(**SMALL, save_trials=True, save_eigenvalues=True)
    tr = r.trials
    assert tr.data.shape == (16, len(tr.columns)) and tr.eigenvalues.shape == (16, 30)
    assert np.all(np.diff(tr.eigenvalues, axis=1) >= 0)
    # the mean of the per-trial column is the table's mean
    m = tr["stieltjes_re_z0"].mean()
    assert abs(m - r.stieltjes.empirical[0].real) <= 1e-12 * abs(m)
    assert tr.params[0][0] == "z"
    r2 = rmtmc.spectrum(**SMALL, save_trials=True)
    assert r2.trials.eigenvalues is None
    np.testing.assert_array_equal(r2.trials.data, tr.data)


def test_reproducible_and_seeded():
    a = rmtmc.spectrum(**SMALL, seed=5, threads=1, batch=3)
    b = rmtmc.spectrum(**SMALL, seed=5, threads=2)
    c = rmtmc.spectrum(**SMALL, seed=6)
    np.testing.assert_array_equal(a.stieltjes.empirical, b.stieltjes.empirical)
    assert not np.array_equal(a.stieltjes.empirical, c.stieltjes.empirical)


def test_sigma_as_eigenvalue_array_is_the_file_spec(tmp_path):
    eig = np.linspace(0.5, 2.0, 30)
    a = rmtmc.spectrum(**SMALL, sigma=eig)
    p = tmp_path / "sigma.txt"
    p.write_text("".join(repr(float(x)) + "\n" for x in eig))
    b = rmtmc.spectrum(**SMALL, sigma="file:" + str(p))
    np.testing.assert_array_equal(a.stieltjes.empirical, b.stieltjes.empirical)
    np.testing.assert_array_equal(a.stieltjes.theory, b.stieltjes.theory)


def test_other_studies():
    r = rmtmc.ridge(d=40, n=80, trials=8, lambda_=[0.1, 1.0])
    assert type(r).__name__ == "RidgeResult"
    np.testing.assert_array_equal(r.risk["lambda"], [0.1, 1.0])
    assert r.risk.empirical.mean.shape == (2,) and r.risk.empirical.stderr.dtype == np.float64
    assert r.risk.theory.shape == (2,)
    c = rmtmc.generative_contexts(trials=8)
    assert c.etrain.gamma.shape == c.etrain.theory.shape and c.parameters.P.ndim == 2
    m = rmtmc.generative_mixture(d=40, n=80, trials=8)
    assert m.etest.empirical.mean.shape == m.etest.gamma.shape
    t = rmtmc.theory_study(sigma="points:1:0.5,4:0.5", z=[-1, 2 + 0.1j])
    assert t.stieltjes.m.dtype == np.complex128 and t.density.x.shape == t.density.f.shape
    assert rmtmc.theory.study(z=-1).json == rmtmc.run("theory", z=-1).json


def test_sweep_in_a_directory(tmp_path):
    r = rmtmc.sweep(param="d", values=[10, 20], trials=8, out=tmp_path / "sw")
    assert r.complete and len(r.points) == 2 and (tmp_path / "sw" / "points.jsonl").exists()
    assert len(r.notices) == 2 and "point 1/2" in r.notices[0]


def test_progress_callback():
    calls = []
    rmtmc.spectrum(**SMALL, batch=4, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(4, 16), (8, 16), (12, 16), (16, 16)]


def test_tqdm_progress():
    pytest.importorskip("tqdm")  # optional
    rmtmc.spectrum(**SMALL, progress=True)


def test_nothing_printed(capfd):
    rmtmc.spectrum(**SMALL, backend="auto")  # falls back to the CPU: a note, not a print
    out, err = capfd.readouterr()
    assert out == "" and err == ""
