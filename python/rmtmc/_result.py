"""Results: the library's JSON (docs/schema*.md) as numpy arrays.

One rule for every study, so a new study's result needs no code here:

* a JSON object becomes a :class:`Record` (attribute access);
* ``{"re": .., "im": ..}`` becomes a complex number;
* keys ``x_re`` and ``x_im`` side by side become one complex field ``x``;
* a list of numbers becomes a float64 array (null, the JSON of a number
  that is not finite or not known, becomes NaN); a list of equal-length
  lists of numbers a 2-d array;
* a list of objects (the rows of a table: the Stieltjes table, the ridge
  risk, ...) becomes a :class:`Table` whose columns are arrays: the
  ``empirical`` column of the Stieltjes table is a complex array, that of
  the ridge risk a table with ``mean``, ``stderr`` and ``sd`` arrays.

JSON numbers are written with 17 significant digits and read back by
Python's correctly rounded parser, so the arrays hold the CLI's doubles bit
for bit.  ``Result.json`` keeps the parsed JSON, ``Result.to_json()`` the
text.
"""

import json as _json
import numbers

import numpy as np


def _is_number(v):
    return v is None or (isinstance(v, numbers.Real) and not isinstance(v, bool))


def _is_complex_obj(v):
    return isinstance(v, dict) and len(v) == 2 and "re" in v and "im" in v


def _nan(v):
    return np.nan if v is None else float(v)


def _complex(v):
    return complex(_nan(v["re"]), _nan(v["im"]))


def _pairs(keys):
    """Names x with both x_re and x_im among keys, in order."""
    ks = set(keys)
    return [k[:-3] for k in keys if k.endswith("_re") and k[:-3] + "_im" in ks]


def convert(v):
    """A parsed JSON value -> its Python/numpy form (see the module text)."""
    if isinstance(v, dict):
        return _complex(v) if _is_complex_obj(v) else Record(v)
    if isinstance(v, list):
        return _convert_list(v)
    return v


def _convert_list(items):
    if not items:
        return np.zeros(0)
    if all(_is_number(x) for x in items):
        return np.array([_nan(x) for x in items], dtype=np.float64)
    if all(_is_complex_obj(x) for x in items):
        return np.array([_complex(x) for x in items], dtype=np.complex128)
    if all(isinstance(x, bool) for x in items):
        return np.array(items, dtype=bool)
    if all(isinstance(x, list) and all(_is_number(y) for y in x) for x in items):
        if len({len(x) for x in items}) == 1:
            return np.array([[_nan(y) for y in x] for x in items], dtype=np.float64).reshape(len(items), -1)
    if all(isinstance(x, dict) for x in items):
        return Table(items)
    if all(isinstance(x, str) for x in items):
        return list(items)
    return [convert(x) for x in items]


class _Fields:
    """Named fields with attribute access (``x.name`` or ``x["name"]``)."""

    _fields = {}

    def __getattr__(self, name):
        try:
            return self.__dict__["_fields"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, name):
        return self._fields[name]

    def __contains__(self, name):
        return name in self._fields

    def __dir__(self):
        return list(self._fields)

    def keys(self):
        return list(self._fields)

    def items(self):
        return list(self._fields.items())


class Record(_Fields):
    """A JSON object with attribute access (``r.field`` or ``r["field"]``)."""

    def __init__(self, obj):
        self._fields = {}
        pairs = _pairs(list(obj))
        skip = {p + s for p in pairs for s in ("_re", "_im")}
        for k, v in obj.items():
            if k in skip:
                if k.endswith("_re"):
                    p = k[:-3]
                    self._fields[p] = complex(_nan(obj[p + "_re"]), _nan(obj[p + "_im"]))
                continue
            self._fields[k] = convert(v)

    def __repr__(self):
        return "Record(" + ", ".join(f"{k}={_short(v)}" for k, v in self._fields.items()) + ")"


class Table(_Fields):
    """The rows of a JSON table as columns: ``t.empirical`` is the array of
    every row's ``empirical``; ``len(t)`` is the number of rows and
    ``t.row(i)`` one row as a :class:`Record`."""

    def __init__(self, rows):
        self._rows = rows
        keys = []
        for r in rows:
            for k in r:
                if k not in keys:
                    keys.append(k)
        pairs = _pairs(keys)
        skip = {p + s for p in pairs for s in ("_re", "_im")}
        self._fields = {}
        for k in keys:
            if k in skip:
                if k.endswith("_re"):
                    p = k[:-3]
                    self._fields[p] = np.array(
                        [complex(_nan(r.get(p + "_re")), _nan(r.get(p + "_im"))) for r in rows], dtype=np.complex128
                    )
                continue
            col = [r.get(k) for r in rows]
            if all(isinstance(x, dict) and not _is_complex_obj(x) for x in col):
                self._fields[k] = Table(col)
            else:
                self._fields[k] = _convert_list(col)

    def __len__(self):
        return len(self._rows)

    @property
    def columns(self):
        """The column names."""
        return list(self._fields)

    def row(self, i):
        return Record(self._rows[i])

    def __repr__(self):
        return f"Table({len(self)} rows: " + ", ".join(self._fields) + ")"


def _short(v):
    if isinstance(v, np.ndarray):
        return f"array{v.shape}"
    if isinstance(v, (Record, Table)):
        return type(v).__name__
    s = repr(v)
    return s if len(s) <= 40 else s[:37] + "..."


class Trials:
    """The per-trial table (``save_trials=True``; docs/per_trial.md):
    ``data`` (trials x columns, float64), ``columns`` (their names),
    ``t["stieltjes_re_z0"]`` one column, ``eigenvalues`` (trials x d,
    each row ascending) with ``save_eigenvalues=True``, else None."""

    def __init__(self, d):
        rows, cols = d["rows"], d["cols"]
        self.data = np.frombuffer(d["data"], dtype=np.float64).reshape(rows, cols)
        self.columns = [c["name"] for c in d["columns"]]
        self.meanings = [c["meaning"] for c in d["columns"]]
        self.params = [(c["param"], c["value"]) if c["param"] else None for c in d["columns"]]
        e = d["eigenvalues"]
        self.eigenvalues = (
            np.frombuffer(e, dtype=np.float64).reshape(rows, d["eig_cols"]) if e is not None else None
        )

    def __len__(self):
        return self.data.shape[0]

    def __getitem__(self, name):
        return self.data[:, self.columns.index(name)]

    def __repr__(self):
        eig = "" if self.eigenvalues is None else f", eigenvalues {self.eigenvalues.shape}"
        return f"Trials({self.data.shape[0]} trials x {self.data.shape[1]} columns{eig})"


class Result:
    """What a study returned.

    Every top-level JSON key is an attribute (``r.config``, ``r.backend``,
    ``r.stieltjes``, ...: see the module text for the conversion), plus

    * ``study``: the study's name; ``note``: why the backend is not the one
      asked for ("" when it is); ``trials``: a :class:`Trials` or None;
      ``notices``: the lines the study reported while running (the sweep);
    * ``json``: the parsed JSON; ``to_json()``: the JSON text, the same as
      the command line's ``--json`` file for the same arguments;
    * ``summary()``: the command line's summary, as text;
    * ``plot()``: the study's comparison drawn with matplotlib.
    """

    def __init__(self, raw):
        self.study = raw["study"]
        self._text = raw["json"]
        self.json = _json.loads(self._text)
        self.note = raw["note"]
        self.complete = raw["complete"]
        self._summary = raw["summary"]
        self.trials = Trials(raw["trials"]) if raw["trials"] is not None else None
        self.notices = [line for _, line in raw["notices"]]
        self._fields = Record(self.json)

    def __getattr__(self, name):
        fields = self.__dict__.get("_fields")
        if fields is not None and name in fields:
            return fields[name]
        raise AttributeError(f"{type(self).__name__} has no field {name!r} (fields: {', '.join(self.keys())})")

    def __getitem__(self, name):
        return self._fields[name]

    def __contains__(self, name):
        return name in self._fields

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self.keys()))

    def keys(self):
        """The JSON's top-level keys."""
        return self._fields.keys()

    def to_json(self):
        """The JSON text (docs/schema*.md), as the command line writes it."""
        return self._text

    def summary(self):
        """The command line's human-readable summary, ending in its verdict."""
        return self._summary

    def plot(self, path=None, **kwargs):
        """Draw the study's comparison (matplotlib); save it to ``path`` when
        given.  Returns the figure."""
        from . import _plot

        return _plot.plot(self, path=path, **kwargs)

    def __repr__(self):
        return f"{type(self).__name__}(study={self.study!r}, fields=[{', '.join(self.keys())}])"


def result_class(study):
    """The Result subclass of a study: ``SpectrumResult``,
    ``GenerativeContextsResult``, ..."""
    name = "".join(w.capitalize() for w in study.replace("-", " ").split()) + "Result"
    return _CLASSES.setdefault(study, type(name, (Result,), {"__doc__": f"The result of the {study} study."}))


_CLASSES = {}
