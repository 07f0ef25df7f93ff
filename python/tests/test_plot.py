"""result.plot(): a smoke test for every study, and the message without matplotlib."""

import sys

import pytest

import rmtmc


SMALL = {
    "spectrum": dict(d=30, n=60, trials=8, observables="m,dm"),
    "ridge": dict(d=30, n=60, trials=6),
    "generative contexts": dict(trials=6),
    "generative mixture": dict(d=30, n=60, trials=6),
    "theory": dict(),
    "edge": dict(d=30, n=60, trials=40),
    "sweep": dict(param="d", values=[10, 20], trials=4),
}


@pytest.fixture
def small_results(tmp_path):
    """A small run of every study of the table; a study added later runs at
    its defaults with 4 trials."""
    from rmtmc import _studies

    out = {}
    for name, traits in _studies._TABLE.items():
        kw = SMALL.get(name, dict(trials=4) if traits["monte_carlo"] else {})
        if traits["needs_dir"]:
            kw = dict(kw, out=tmp_path / name.replace(" ", "_"))
        out[name] = rmtmc.run(name, **kw)
    return out


def test_plot_every_study(small_results, tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    for name, r in small_results.items():
        path = tmp_path / (name.replace(" ", "_") + ".png")
        fig = r.plot(path)
        assert path.stat().st_size > 5000, name
        assert len(fig.axes) >= 1
        plt.close(fig)


def test_plot_without_matplotlib(monkeypatch):
    r = rmtmc.theory_study()
    for mod in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib fails
    with pytest.raises(ImportError, match="pip install matplotlib"):
        r.plot()
