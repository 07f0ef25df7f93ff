"""result.plot(): the study's comparison of simulation and theory (matplotlib).

The spectrum, theory and sweep studies have their own pictures; every
other study (and any study added later) gets the generic one: each table
of the result whose rows have an ``empirical`` value and a ``theory`` value
is drawn against the table's parameter column (gamma, lambda, ...), the
empirical means with 2-standard-error bars beside the theory curve.
"""

import numpy as np

from ._result import Table


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError(
            "result.plot() draws with matplotlib, which is not installed: "
            "python3 -m pip install matplotlib (or pip install 'rmtmc[plot]')"
        ) from None
    return plt


def plot(result, path=None, **kwargs):
    plt = _pyplot()
    draw = _STUDY.get(result.study, _generic)
    fig = draw(result, plt, **kwargs)
    fig.suptitle(_title(result), fontsize=10)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path, dpi=kwargs.get("dpi", 120))
    return fig


def _title(r):
    c = r.json.get("config", {})
    bits = [f"rmtmc {r.study}"]
    for k in ("d", "n", "trials", "sigma", "entries"):
        if k in c:
            bits.append(f"{k} = {c[k]}")
    return ", ".join(bits)


# ---- spectrum: density and m(z) ----
def _spectrum(r, plt, **kw):
    tables = [k for k in r.keys() if k.startswith("stieltjes") and isinstance(r[k], Table)]
    fig, axes = plt.subplots(1, 1 + len(tables), figsize=(5.2 * (1 + len(tables)), 4.2), squeeze=False)
    ax = axes[0, 0]
    den = r.density
    width = (den.hi - den.lo) / den.bins
    ax.bar(den.centers, den.empirical, width=width, color="#9ecae1", edgecolor="#6baed6", label="pooled eigenvalues")
    ax.plot(den.centers, den.theory, color="#d62728", lw=1.5, label="theory (bin average)")
    for lo, hi in np.atleast_2d(r.theory.support):
        for e in (lo, hi):
            ax.axvline(e, color="#555555", lw=0.8, ls="--")
    ax.set_xlabel("eigenvalue x")
    ax.set_ylabel("density")
    ax.set_title(f"eigenvalue density (L1 = {den.l1:.3g}, KS = {den.ks:.3g})", fontsize=9)
    ax.legend(fontsize=8)
    for j, key in enumerate(tables):
        t = r[key]
        ax = axes[0, 1 + j]
        k = np.arange(len(t))
        for part, col, off in (("Re", "#1f77b4", -0.12), ("Im", "#2ca02c", 0.12)):
            f = np.real if part == "Re" else np.imag
            diff, se, bias = f(t.empirical) - f(t.theory), f(t.stderr), f(t.bias)
            if part == "Im" and not np.any(f(t.z)):
                continue  # real z only: m is real
            ax.errorbar(k + off, diff, yerr=2 * se, fmt="o", ms=4, color=col, capsize=3,
                        label=f"{part}: mean - theory, 2 se bars")
            ok = np.isfinite(bias)
            ax.plot((k + off)[ok], bias[ok], "_", color="#d62728", ms=14, mew=2)
        ax.plot([], [], "_", color="#d62728", ms=14, mew=2, label="predicted bias mu(z)/d")
        ax.axhline(0, color="#555555", lw=0.8)
        ax.set_xticks(k)
        ax.set_xticklabels([_zlabel(z) for z in t.z], rotation=30, fontsize=8)
        ax.set_xlabel("z")
        ax.set_title(f"{key.replace('_', ' ')}: simulation minus theory", fontsize=9)
        ax.legend(fontsize=8)
    return fig


def _zlabel(z):
    return f"{z.real:.3g}" if z.imag == 0 else f"{z.real:.3g}{z.imag:+.3g}i"


# ---- theory: the density curve ----
def _theory(r, plt, **kw):
    fig, ax = plt.subplots(figsize=(6, 4.2))
    ax.plot(r.density.x, r.density.f, color="#d62728")
    for lo, hi in np.atleast_2d(r.support):
        ax.axvspan(lo, hi, color="#fdd0a2", alpha=0.4)
    ax.set_xlabel("x")
    ax.set_ylabel("density of the limit law")
    return fig


# ---- sweep: |mean m_d - m| and sd against the size ----
def _sweep(r, plt, **kw):
    pts = r.json["points"]
    fig, ax = plt.subplots(figsize=(6, 4.2))
    if pts:
        v = np.array([p["value"] for p in pts], dtype=float)
        nz = len(pts[0]["stieltjes"])
        for k in range(nz):
            err = np.array([p["stieltjes"][k]["abs_error"] for p in pts], dtype=float)
            sd = np.array([p["stieltjes"][k]["sd_abs"] for p in pts], dtype=float)
            z = pts[0]["stieltjes"][k]
            lab = _zlabel(complex(z["z_re"], z["z_im"]))
            ax.loglog(v, err, "o-", label=f"|mean m_d - m|, z = {lab}")
            ax.loglog(v, sd, "s--", label=f"sd of m_d, z = {lab}")
    ax.set_xlabel(r.json["config"]["param"])
    ax.legend(fontsize=8)
    return fig


# ---- any other study: every table with empirical and theory columns ----
def _comparable(t):
    if not isinstance(t, Table) or "empirical" not in t or "theory" not in t:
        return False
    return isinstance(t.theory, np.ndarray) and t.theory.dtype.kind == "f"


def _param(t):
    for k in t.columns:
        if k in ("empirical", "theory", "difference", "zscore", "bias", "zscore_corrected", "stderr", "sd"):
            continue
        v = t[k]
        if isinstance(v, np.ndarray) and v.dtype.kind == "f":
            return k, v
    return None, np.arange(len(t), dtype=float)


def _generic(r, plt, **kw):
    tables = [(k, r[k]) for k in r.keys() if _comparable(r[k]) and len(r[k]) > 0]
    if not tables:
        raise ValueError(f"the {r.study} result has no table of empirical and theory values to draw")
    ncol = min(3, len(tables))
    nrow = (len(tables) + ncol - 1) // ncol
    fig, axes = plt.subplots(nrow, ncol, figsize=(5.0 * ncol, 3.8 * nrow), squeeze=False)
    for ax in axes.ravel()[len(tables):]:
        ax.set_visible(False)
    for ax, (key, t) in zip(axes.ravel(), tables):
        pname, x = _param(t)
        emp = t.empirical
        mean = emp.mean if isinstance(emp, Table) else emp
        se = emp.stderr if isinstance(emp, Table) and "stderr" in emp else np.zeros_like(mean)
        order = np.argsort(x)
        ax.errorbar(x, mean, yerr=2 * se, fmt="o", ms=4, capsize=3, color="#1f77b4", label="simulation: mean +- 2 se")
        ax.plot(x[order], t.theory[order], "-", color="#d62728", label="theory")
        if pname and np.all(x > 0) and x.max() / x.min() > 50:
            ax.set_xscale("log")
        ax.set_xlabel(pname or "row")
        ax.set_title(key.replace("_", " "), fontsize=9)
        ax.legend(fontsize=8)
    return fig


_STUDY = {"spectrum": _spectrum, "theory": _theory, "sweep": _sweep}
