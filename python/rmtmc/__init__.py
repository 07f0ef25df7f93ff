"""rmtmc: Monte Carlo of random matrix theory against its deterministic equivalents.

    import rmtmc
    r = rmtmc.spectrum(d=400, n=800, trials=200, sigma="ar1:0.5", z=[-1, 1 + 0.2j])
    r.stieltjes.empirical, r.stieltjes.stderr, r.stieltjes.theory   # numpy arrays
    r.plot("spectrum.png")

One function per study of the C library's table (spectrum, ridge,
generative_contexts, generative_mixture, sweep, theory_study, and any
study added to it), keyword arguments named like the command line's flags
with its defaults; the same numbers as the command line, bit for bit.
``rmtmc.theory`` holds the closed forms, vectorised over numpy arrays.

Errors: InputError (a ValueError) for bad input, Error for a failed run,
both with the library's message.  Nothing here prints or exits; long runs
release the GIL and stop on Ctrl-C (KeyboardInterrupt).
"""

from . import _core
from ._core import Error, InputError
from ._result import Record, Result, Table, Trials, result_class
from ._studies import FUNCTIONS as _FUNCTIONS
from ._studies import STUDIES, run
from . import theory

__version__ = _core.version()[0]
#: the compiled-in backends, e.g. ["cpu", "cuda"]
BACKENDS = _core.backends().split(",")

globals().update(_FUNCTIONS)

SpectrumResult = result_class("spectrum")

__all__ = [
    "Error",
    "InputError",
    "Record",
    "Result",
    "SpectrumResult",
    "Table",
    "Trials",
    "STUDIES",
    "BACKENDS",
    "run",
    "theory",
] + sorted(_FUNCTIONS)


def version():
    """(version text, RMTMC_VERSION_NUMBER) of the C library."""
    return _core.version()
