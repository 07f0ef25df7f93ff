"""Keyword arguments -> the command line's option texts.

Every value is passed to the library as the text the command line would
get, so a run from Python and the same run from the CLI parse the same
numbers: floats as their shortest round-trip repr, complex numbers as
``a+bi``, sequences comma-separated, True for a flag.
"""

import numbers
import os
import tempfile

import numpy as np


def _number(v):
    if isinstance(v, (bool, np.bool_)):
        raise TypeError("a number is expected, not a bool")
    if isinstance(v, numbers.Integral):
        return str(int(v))
    if isinstance(v, numbers.Real):
        return repr(float(v))
    if isinstance(v, numbers.Complex):
        c = complex(v)
        re, im = repr(c.real), repr(abs(c.imag))
        sign = "-" if (c.imag < 0 or (c.imag == 0 and np.signbit(c.imag))) else "+"
        return f"{re}{sign}{im}i"
    raise TypeError(f"not a number: {v!r}")


def text(option, v):
    """The text of one option value (str, number, sequence of numbers)."""
    if isinstance(v, str):
        return v
    if isinstance(v, (numbers.Number, np.generic)):
        return _number(v)
    if isinstance(v, np.ndarray) or isinstance(v, (list, tuple)):
        items = np.asarray(v).ravel().tolist() if isinstance(v, np.ndarray) else list(v)
        if not items:
            raise ValueError(f"{option}: an empty sequence")
        return ",".join(s if isinstance(s, str) else _number(s) for s in items)
    raise TypeError(f"{option}: cannot pass {type(v).__name__} {v!r}")


class Options:
    """The (option, value) pairs of one run, and temporary files to remove."""

    def __init__(self, study, kwargs, is_flag):
        self.pairs = []
        self._files = []
        try:
            for key, v in kwargs.items():
                if v is None:
                    continue
                # lambda_ -> lambda (a Python keyword), save_trials -> save-trials
                opt = (key[:-1] if key.endswith("_") else key).replace("_", "-")
                if is_flag(opt):
                    if not isinstance(v, (bool, np.bool_)):
                        raise TypeError(f"{key} is a flag: pass True or False")
                    if v:
                        self.pairs.append((opt, None))
                    continue
                if isinstance(v, (bool, np.bool_)):
                    raise TypeError(f"{key} takes a value, not {v!r}")
                if opt == "sigma" and not isinstance(v, str):
                    v = self._sigma_file(v)
                self.pairs.append((opt, text(key, v)))
        except BaseException:
            self.close()
            raise

    def _sigma_file(self, eigenvalues):
        """An array of population eigenvalues -> a file:PATH spec (one
        eigenvalue per line, round-trip precision)."""
        a = np.asarray(eigenvalues, dtype=np.float64)
        if a.ndim != 1:
            raise ValueError("sigma: give a spec string or a 1-d array of Sigma's d eigenvalues")
        fd, path = tempfile.mkstemp(prefix="rmtmc-sigma-", suffix=".txt")
        self._files.append(path)
        with os.fdopen(fd, "w") as f:
            f.write("".join(repr(float(x)) + "\n" for x in a))
        return "file:" + path

    def close(self):
        for p in self._files:
            try:
                os.unlink(p)
            except OSError:
                pass
        self._files = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
