"""One Python function per study of the library's table of studies.

The functions are made from the table (``_core.studies()``), so a study
added to the C library (src/study/registry.c) appears here with no Python
code: ``rmtmc.<name>(**options)`` with the command line's option names
(``--save-trials`` is ``save_trials``), its docstring the CLI's usage text.
"""

import inspect
import keyword as keyword_module
import re

from . import _core
from ._result import result_class
from ._values import Options

#: Options of the command line itself, not of the study.
_CLI_ONLY = {"json", "out", "quiet", "no-plots", "help"}

_TABLE = {s["name"]: s for s in _core.studies()}


def python_name(study):
    """'generative contexts' -> 'generative_contexts'; the theory study is
    ``theory_study`` (``rmtmc.theory`` holds the closed forms)."""
    n = study.replace(" ", "_").replace("-", "_")
    return "theory_study" if n == "theory" else n


def keyword(option):
    """The keyword argument of an option: save-trials -> save_trials, and a
    Python keyword takes a trailing underscore (--lambda -> lambda_)."""
    k = option.replace("-", "_")
    return k + "_" if keyword_module.iskeyword(k) else k


def _options_of(study):
    """The option names in the study's usage text, in order."""
    names = []
    for m in re.finditer(r"^\s+--([a-z][a-z0-9-]*)", _TABLE[study]["usage"], re.M):
        n = m.group(1)
        if n not in _CLI_ONLY and n not in names:
            names.append(n)
    return names


def _progress_fn(progress, study):
    if progress is None or progress is False:
        return None, None
    if progress is True:
        try:
            from tqdm.auto import tqdm
        except ImportError:
            raise ImportError(
                "progress=True shows a tqdm bar: install tqdm (python3 -m pip install tqdm) "
                "or pass a function progress(done, total)"
            ) from None
        bar = tqdm(total=None, desc=f"rmtmc {study}", unit="trial")

        def update(done, total):
            if bar.total != total:
                bar.reset(total=total)
            bar.update(done - bar.n)

        return update, bar
    if callable(progress):
        return progress, None
    raise TypeError("progress: None, True (a tqdm bar) or a function progress(done, total)")


def run(study, *, progress=None, out=None, **options):
    """Run the study named ``study`` (as the command line spells it:
    "spectrum", "generative contexts", ...) with the command line's options
    as keyword arguments; returns its Result.

    progress: None (default), True for a tqdm bar, or a function
    ``progress(done, total)`` called after every batch of trials; an
    exception it raises (or Ctrl-C) stops the run and propagates.
    out: the directory a study that keeps state there writes (the sweep).
    Raises InputError (a ValueError) for bad input, Error when the run fails.
    """
    if study not in _TABLE:
        raise _core.InputError(f"unknown study {study!r} (studies: {', '.join(_TABLE)})")
    if out is not None and not _TABLE[study]["needs_dir"]:
        raise _core.InputError(
            f"out=: the {study} study keeps no directory (write result.to_json() or result.plot(path) instead)"
        )
    fn, bar = _progress_fn(progress, study)
    try:
        with Options(study, options, lambda o: _core.is_flag(study, o)) as opts:
            raw = _core.run(study, opts.pairs, fn, None if out is None else str(out))
    finally:
        if bar is not None:
            bar.close()
    return result_class(study)(raw)


def _make(study):
    info = _TABLE[study]

    def f(*, progress=None, **options):
        return run(study, progress=progress, **options)

    f.__name__ = f.__qualname__ = python_name(study)
    f.__doc__ = (
        f"{info['summary']}.\n\n"
        f"Keyword arguments are the command line's options (``--save-trials`` is ``save_trials=True``), "
        f"values as numbers, strings or sequences; omitted ones take the CLI's defaults. Returns "
        f"{result_class(study).__name__}. See rmtmc.run for progress and errors.\n\n"
        f"The command line's usage text:\n\n{info['usage']}"
    )
    params = [
        inspect.Parameter(keyword(o), inspect.Parameter.KEYWORD_ONLY, default=None) for o in _options_of(study)
    ]
    params.append(inspect.Parameter("progress", inspect.Parameter.KEYWORD_ONLY, default=None))
    if info["needs_dir"]:
        params.append(inspect.Parameter("out", inspect.Parameter.KEYWORD_ONLY, default=None))
    f.__signature__ = inspect.Signature(params)
    return f


#: python name -> function, one per study in the table
FUNCTIONS = {python_name(s): _make(s) for s in _TABLE}

#: the studies' names as the library spells them
STUDIES = list(_TABLE)
