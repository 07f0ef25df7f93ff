"""rmtmc.theory: the closed forms, vectorised, the numbers of `rmtmc theory`."""

import json

import numpy as np
import pytest

import rmtmc
from rmtmc import theory as th
from conftest import run_cli


def test_stieltjes_mp_closed_form():
    # m(-1) at eta = 0.5 for Sigma = I (tests/data/reference_values.json)
    assert th.stieltjes(-1.0, 0.5) == pytest.approx(0.5615528128088303, rel=1e-14)
    z = np.array([-3.0, -0.5, 0.2 + 1j, 5 - 2j])
    eta = 0.7
    # m solves eta z m^2 + (z + eta - 1) m + 1 = 0 (MP, Sigma = I)
    m = th.stieltjes(z, eta)
    np.testing.assert_allclose(eta * z * m**2 + (z + eta - 1) * m + 1, 0, atol=1e-13)
    assert np.all(np.imag(m[np.imag(z) > 0]) > 0)
    mc = th.stieltjes(z, eta, companion=True)
    np.testing.assert_allclose(mc, eta * m - (1 - eta) / z, rtol=1e-13)


def test_broadcasting_and_shapes():
    z = np.linspace(-2, -0.1, 12).reshape(3, 4) + 0.5j
    eta = np.array([0.2, 0.5, 1.5, 3.0]).reshape(1, 4)
    m = th.stieltjes(z, eta, sigma="ar1:0.3", d=200)
    assert m.shape == (3, 4) and m.dtype == np.complex128
    for i in range(3):
        for j in range(4):
            assert m[i, j] == th.stieltjes(z[i, j], eta[0, j], sigma="ar1:0.3", d=200)
    assert isinstance(th.stieltjes(-1, 0.5), complex)
    x = np.linspace(0, 4, 9)
    f = th.density(x, 0.5)
    assert f.shape == (9,) and np.all(f >= 0) and isinstance(th.density(1.0, 0.5), float)


def test_density_integrates_to_one_and_support():
    s = th.support(0.5, sigma="points:1:0.5,10:0.5")
    assert s.intervals.shape[1] == 2 and s.atom == 0
    x = np.linspace(s.intervals[0, 0], s.intervals[-1, 1], 40001)
    f = th.density(x, 0.5, sigma="points:1:0.5,10:0.5")
    assert np.trapz(f, x) == pytest.approx(1.0, abs=2e-3) if hasattr(np, "trapz") else True
    assert s.mass.sum() == pytest.approx(1.0, abs=1e-12)
    assert th.atom(2.0) == pytest.approx(0.5)


def test_sigma_forms_agree():
    d = 100
    spec = th.stieltjes(-1.0, 0.5, sigma="points:1:0.5,4:0.5", d=d)
    eig = np.r_[np.ones(50), 4 * np.ones(50)]
    assert th.stieltjes(-1.0, 0.5, sigma=eig) == pytest.approx(spec, rel=1e-14)
    assert th.stieltjes(-1.0, 0.5, sigma=([1.0, 4.0], [0.5, 0.5])) == pytest.approx(spec, rel=1e-14)


def test_equals_the_theory_command(cli, tmp_path):
    args = ["theory", "--sigma", "points:1:0.3,3:0.7", "--d", "500", "--eta", "0.3", "--z=-1,2+0.5i", "--grid", "40"]
    _, js = run_cli(cli, args, tmp_path)
    sig = dict(sigma="points:1:0.3,3:0.7", d=500)
    m = th.stieltjes(np.array([-1, 2 + 0.5j]), 0.3, **sig)
    assert [complex(r["m_re"], r["m_im"]) for r in js["stieltjes"]] == m.tolist()
    x = np.array(js["density"]["x"])
    assert th.density(x, 0.3, **sig).tolist() == js["density"]["f"]
    assert th.support(0.3, **sig).intervals.tolist() == js["support"]
    assert th.moments(0.3, **sig).tolist() == js["moments"]


def test_bias_sign_and_value():
    # mu(-1) = +0.0516 at eta = 0.5 (rmtmc_theory.h)
    assert th.bias(-1.0, 0.5).real == pytest.approx(0.0516, abs=5e-5)
    assert np.all(np.isfinite(th.bias([-1, 3 + 1j], 0.5, kurtosis=-2.0)))


def test_ridge_isotropic_closed_form():
    eta, lam = 0.5, np.array([0.01, 0.1, 1.0])
    out = th.ridge(lam, eta, d=400, signal=1.0, noise=0.5)
    # Sigma = I: risk = r2 lam^2 m'(-lam) + sigma2 eta (m(-lam) - lam m'(-lam)); lam* = sigma2 eta / r2
    h = 1e-6
    m = lambda w: th.stieltjes(w, eta).real  # noqa: E731
    dm = (m(-lam + h) - m(-lam - h)) / (2 * h)
    risk = lam**2 * dm + 0.5 * eta * (m(-lam) - lam * dm)
    np.testing.assert_allclose(out["risk"], risk, rtol=1e-6)
    assert set(out) >= {"kappa", "bias", "variance", "risk", "train", "gcv"}


def test_tracy_widom_and_bbp():
    # TW1 mean -1.2065, TW2 median near -1.8
    s = np.linspace(-8, 8, 3001)
    f1 = th.tracy_widom_pdf(s, beta=1)
    assert np.sum(s * f1) * (s[1] - s[0]) == pytest.approx(-1.2065335745820, abs=1e-4)
    assert th.tracy_widom_cdf(th.tracy_widom_quantile(0.5, beta=2), beta=2) == pytest.approx(0.5, abs=1e-12)
    b = th.bbp([2.0, 4.0], 0.25)
    assert b["threshold"].tolist() == [1.5, 1.5]
    assert b["lambda1"][1] == pytest.approx(4 * (1 + 0.25 / 3))


def test_theory_errors():
    with pytest.raises(rmtmc.InputError, match="element 1"):
        th.stieltjes([-1.0, 1.0], 0.5)  # 1.0 is on the support
    with pytest.raises(rmtmc.InputError):
        th.support(0.5, sigma="ar1:1.5")
    with pytest.raises(rmtmc.InputError):
        th.tracy_widom_cdf(0.0, beta=3)
