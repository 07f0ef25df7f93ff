"""result.plot(): a smoke test for every study, and the message without matplotlib."""

import sys

import pytest

import rmtmc


@pytest.fixture
def small_results(tmp_path):
    return {
        "spectrum": rmtmc.spectrum(d=30, n=60, trials=8, observables="m,dm"),
        "ridge": rmtmc.ridge(d=30, n=60, trials=6),
        "generative contexts": rmtmc.generative_contexts(trials=6),
        "generative mixture": rmtmc.generative_mixture(d=30, n=60, trials=6),
        "theory": rmtmc.theory_study(),
        "sweep": rmtmc.sweep(param="d", values=[10, 20], trials=4, out=tmp_path / "sw"),
    }


def test_plot_every_study(small_results, tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    assert set(small_results) == set(rmtmc.STUDIES), "a study without a plot test"
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
