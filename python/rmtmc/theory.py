"""Closed forms of the deterministic equivalents, vectorised over numpy arrays.

The C library evaluates them (docs/theory.md); these functions broadcast
their array arguments (any shape) against each other and return arrays of
the broadcast shape (a Python scalar for scalar inputs).

Conventions (docs/conventions.md): S = X X^T / n, X = Sigma^(1/2) G
(d x n), eta = d / n, m(z) = int dnu(x) / (x - z) (Im z > 0 gives Im m > 0),
the companion mc(z) = eta m(z) - (1 - eta) / z.

The population covariance ``sigma`` is a spec as on the command line
(``"identity"``, ``"points:1:0.5,4:0.5"``, ``"ar1:0.5"``, ``"spike:3"``,
realised at dimension ``d`` as the studies realise it; for ``spike:`` the
bulk is the Marchenko-Pastur law and the outliers are BBP's), a 1-d array
of Sigma's eigenvalues, or a pair ``(atoms, weights)``.

Bad input (a real z on the support, eta <= 0, a malformed spec) raises
rmtmc.InputError with the library's message, naming the element of an
array that failed.
"""

import numpy as np

from . import _core

__all__ = [
    "Population",
    "population",
    "stieltjes",
    "density",
    "support",
    "atom",
    "moments",
    "bias",
    "ridge",
    "bbp",
    "tracy_widom_cdf",
    "tracy_widom_pdf",
    "tracy_widom_quantile",
    "study",
]


class Population:
    """A population spectrum H = sum_j w_j delta_{t_j}: ``atoms``, ``weights``
    (the bulk the theory uses), ``spikes`` (spike: specs) and the whole
    finite-d spectrum ``full_atoms``, ``full_weights`` (moments use it)."""

    def __init__(self, atoms, weights, full_atoms=None, full_weights=None, spikes=()):
        self.atoms = np.ascontiguousarray(atoms, dtype=np.float64)
        self.weights = np.ascontiguousarray(weights, dtype=np.float64)
        if self.atoms.ndim != 1 or self.atoms.shape != self.weights.shape or self.atoms.size == 0:
            raise _core.InputError("sigma: atoms and weights must be 1-d arrays of one length (at least one atom)")
        self.full_atoms = self.atoms if full_atoms is None else np.ascontiguousarray(full_atoms, dtype=np.float64)
        self.full_weights = self.weights if full_weights is None else np.ascontiguousarray(full_weights, dtype=np.float64)
        self.spikes = np.asarray(spikes, dtype=np.float64)

    def __repr__(self):
        return f"Population({self.atoms.size} atoms, {self.spikes.size} spikes)"


def population(sigma="identity", d=1000):
    """The Population of a sigma argument (see the module text)."""
    if isinstance(sigma, Population):
        return sigma
    if isinstance(sigma, str):
        t, w, tf, wf, sp = _core.population(sigma, int(d))
        f = lambda b: np.frombuffer(b, dtype=np.float64)  # noqa: E731
        return Population(f(t), f(w), f(tf), f(wf), f(sp))
    if isinstance(sigma, tuple) and len(sigma) == 2:
        return Population(sigma[0], sigma[1])
    eig = np.asarray(sigma, dtype=np.float64).ravel()
    if eig.size == 0:
        raise _core.InputError("sigma: no eigenvalues")
    return Population(eig, np.full(eig.size, 1.0 / eig.size))


def _broadcast(*args, dtypes):
    arrs = np.broadcast_arrays(*[np.asarray(a) for a in args])
    shape = arrs[0].shape
    return shape, [np.ascontiguousarray(a, dtype=t).ravel() for a, t in zip(arrs, dtypes)]


def _shaped(out, shape):
    out = out.reshape(shape)
    return out[()] if shape == () else out


def stieltjes(z, eta, sigma="identity", d=1000, companion=False):
    """m(z) (or the companion mc(z)) of the limit law at ratio eta."""
    H = population(sigma, d)
    shape, (zz, ee) = _broadcast(z, eta, dtypes=(np.complex128, np.float64))
    out = np.empty(zz.size, dtype=np.complex128)
    _core.stieltjes(H.atoms, H.weights, ee, zz, out, 1.0 if companion else 0.0)
    return _shaped(out, shape)


def bias(z, eta, sigma="identity", d=1000, kurtosis=0.0):
    """The O(1/d) bias coefficient mu(z): E m_d(z) ~ m(z) + mu(z)/d
    (real entries; ``kurtosis`` = E g^4 - 3 of the entries adds the
    fourth-cumulant term, valid for a diagonal Sigma)."""
    H = population(sigma, d)
    shape, (zz, ee) = _broadcast(z, eta, dtypes=(np.complex128, np.float64))
    out = np.empty(zz.size, dtype=np.complex128)
    _core.bias(H.atoms, H.weights, ee, zz, out, float(kurtosis))
    return _shaped(out, shape)


def density(x, eta, sigma="identity", d=1000):
    """Density of the absolutely continuous part of the limit law at real x."""
    H = population(sigma, d)
    shape, (xx, ee) = _broadcast(x, eta, dtypes=(np.float64, np.float64))
    out = np.empty(xx.size, dtype=np.float64)
    _core.density(H.atoms, H.weights, ee, xx, out)
    return _shaped(out, shape)


class Support:
    """The support of the a.c. part: ``intervals`` (k x 2), ``mass`` (k),
    the atom at 0 ``atom`` and ``hard_edge_at_zero``."""

    def __init__(self, lo, hi, mass, atom, hard):
        f = lambda b: np.frombuffer(b, dtype=np.float64)  # noqa: E731
        self.intervals = np.stack([f(lo), f(hi)], axis=1) if len(lo) else np.zeros((0, 2))
        self.mass = f(mass)
        self.atom = atom
        self.hard_edge_at_zero = hard

    def __repr__(self):
        iv = ", ".join(f"[{a:.6g}, {b:.6g}]" for a, b in self.intervals)
        return f"Support({iv}; atom at 0: {self.atom:.6g})"


def support(eta, sigma="identity", d=1000):
    """The support of the limit law at ratio eta (any number of intervals)."""
    H = population(sigma, d)
    return Support(*_core.support(H.atoms, H.weights, float(eta)))


def atom(eta, sigma="identity", d=1000):
    """Mass of the limit law's atom at 0."""
    return support(eta, sigma, d).atom


def moments(eta, sigma="identity", d=1000):
    """Limit moments (1/d) tr S^k, k = 1, 2, 3 (of the whole finite-d population)."""
    H = population(sigma, d)
    return np.array(_core.moments(H.full_atoms, H.full_weights, float(eta)))


_RIDGE = ("kappa", "df1", "df2", "lam_over_kappa", "bias", "variance", "risk", "train", "gcv")


def ridge(lam, eta, sigma="identity", d=1000, signal=1.0, noise=1.0):
    """Limits of ridge regression with an isotropic beta (||beta||^2 =
    ``signal``, noise variance ``noise``) at ridge ``lam`` (lam = 0: the
    ridgeless limit), n = d / eta: a dict of arrays kappa, df1, df2,
    lam_over_kappa, bias, variance, risk (excess), train, gcv
    (docs/theory.md 4)."""
    H = population(sigma, d)
    shape, (ll,) = _broadcast(lam, dtypes=(np.float64,))
    out = np.empty((ll.size, len(_RIDGE)), dtype=np.float64)
    count = H.weights * float(d)
    _core.ridge(H.atoms, np.ascontiguousarray(count), float(signal), float(d) / float(eta), float(noise), ll, out)
    return {k: _shaped(np.ascontiguousarray(out[:, i]), shape) for i, k in enumerate(_RIDGE)}


def bbp(ell, eta):
    """BBP transition of a spike of population eigenvalue ell at ratio eta:
    dict of threshold, lambda1 (the top eigenvalue's limit), cos2 (squared
    overlap) and sd_sqrt_n, as arrays."""
    shape, (ll, ee) = _broadcast(ell, eta, dtypes=(np.float64, np.float64))
    vals = np.array([_core.bbp(e, l) for l, e in zip(ll, ee)]).reshape(-1, 4)
    keys = ("threshold", "lambda1", "cos2", "sd_sqrt_n")
    return {k: _shaped(np.ascontiguousarray(vals[:, i]), shape) for i, k in enumerate(keys)}


def _tw(s, beta, pdf):
    shape, (ss,) = _broadcast(s, dtypes=(np.float64,))
    cdf = np.empty(ss.size)
    dens = np.empty(ss.size) if pdf else None
    _core.tracy_widom(int(beta), ss, cdf, dens)
    return _shaped(dens if pdf else cdf, shape)


def tracy_widom_cdf(s, beta=1):
    """The Tracy-Widom distribution function F_beta(s), beta = 1, 2, 4."""
    return _tw(s, beta, False)


def tracy_widom_pdf(s, beta=1):
    """The Tracy-Widom density F_beta'(s), beta = 1, 2, 4."""
    return _tw(s, beta, True)


def tracy_widom_quantile(p, beta=1):
    """The s with F_beta(s) = p, 0 < p < 1."""
    shape, (pp,) = _broadcast(p, dtypes=(np.float64,))
    out = np.empty(pp.size)
    _core.tracy_widom_quantile(int(beta), pp, out)
    return _shaped(out, shape)


def study(**options):
    """The ``rmtmc theory`` command (the closed forms for one population,
    as a Result with the CLI's JSON); the same as rmtmc.theory_study."""
    from ._studies import run

    return run("theory", **options)
