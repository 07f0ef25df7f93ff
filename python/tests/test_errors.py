"""Errors: bad input raises InputError (a ValueError) with the library's
message, a failed run Error; a stop request (an exception in the progress
callback, Ctrl-C) ends the run; the GIL is released while it runs."""

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import rmtmc


def test_exception_types():
    assert issubclass(rmtmc.InputError, ValueError) and issubclass(rmtmc.InputError, rmtmc.Error)
    assert issubclass(rmtmc.Error, RuntimeError) and not issubclass(rmtmc.Error, ValueError)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(d=0), "--d must be >= 1"),
        (dict(trials=1), "--trials must be >= 2"),
        (dict(foo=3), "unknown option --foo"),
        (dict(sigma="ar1:2"), "ar1"),
        (dict(entries="student:3"), "student"),
        (dict(z=[1.0]), "support"),  # a real z on the support of the MP law (eta = 0.5)
        (dict(backend="tpu"), "--backend 'tpu'"),
        (dict(sigma="file:/nonexistent/sigma.txt"), "sigma.txt"),
    ],
)
def test_bad_input(kwargs, message):
    with pytest.raises(rmtmc.InputError) as e:
        rmtmc.spectrum(d=kwargs.pop("d", 20), n=40, trials=kwargs.pop("trials", 4), **kwargs)
    assert message in str(e.value), str(e.value)
    assert e.value.status


def test_bad_python_values():
    with pytest.raises(TypeError):
        rmtmc.spectrum(save_trials="yes")  # a flag takes True or False
    with pytest.raises(TypeError):
        rmtmc.spectrum(d=True)
    with pytest.raises(rmtmc.InputError, match="unknown study"):
        rmtmc.run("nonsense")
    with pytest.raises(rmtmc.InputError, match="out=DIR"):
        rmtmc.sweep(param="d", values=[10, 20], trials=4)
    with pytest.raises(rmtmc.InputError, match="keeps no directory"):
        rmtmc.spectrum(out="somewhere")


def test_cuda_without_a_device_is_input_error():
    if "cuda" not in rmtmc.BACKENDS:
        with pytest.raises(rmtmc.InputError, match="no cuda backend"):
            rmtmc.spectrum(d=10, n=20, trials=4, backend="cuda")
    else:
        try:
            rmtmc.spectrum(d=10, n=20, trials=4, backend="cuda")
        except rmtmc.InputError as e:  # no device on this machine
            assert "device" in str(e).lower() or "cuda" in str(e).lower()


def test_callback_exception_stops_the_run():
    calls = []

    def progress(done, total):
        calls.append(done)
        if done >= 8:
            raise StopIteration("enough")

    with pytest.raises(StopIteration, match="enough"):
        rmtmc.spectrum(d=20, n=40, trials=64, batch=4, progress=progress)
    assert calls == [4, 8]  # no batch after the one that raised


def test_gil_released_during_a_run():
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.005)

    th = threading.Thread(target=ticker)
    th.start()
    t0 = time.perf_counter()
    # one batch: no callback in between; the dense method, long enough to
    # time (the default, auto, runs the O(d) tridiagonal method here)
    rmtmc.spectrum(d=200, n=400, trials=64, batch=64, threads=1, method="dense")
    t1 = time.perf_counter()
    stop.set()
    th.join()
    during = [t for t in ticks if t0 < t < t1]
    # with the GIL held the ticker could not run during the batch
    assert t1 - t0 > 0.05 and len(during) >= (t1 - t0) / 0.005 / 4, (t1 - t0, len(during))


def test_ctrl_c_stops_a_long_run():
    code = textwrap.dedent(
        """
        import sys, time, rmtmc
        print("ready", flush=True)
        t = time.time()
        try:
            rmtmc.spectrum(d=100, n=200, trials=1000000, batch=16, threads=1)
        except KeyboardInterrupt:
            print("interrupted %.2f" % (time.time() - t), flush=True)
            sys.exit(0)
        print("finished", flush=True)
        """
    )
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "ready"
    time.sleep(1.0)
    t0 = time.time()
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 0 and out.startswith("interrupted"), (out, err)
    assert time.time() - t0 < 10
    assert err == ""


def test_stopping_a_sweep_keeps_its_points(tmp_path):
    seen = []

    def progress(done, total):
        seen.append((done, total))
        if len(seen) == 3:  # the second point's first batch
            raise KeyboardInterrupt

    out = tmp_path / "sw"
    with pytest.raises(KeyboardInterrupt):
        rmtmc.sweep(param="d", values=[10, 20, 30], trials=8, batch=4, out=out, progress=progress)
    lines = (out / "points.jsonl").read_text().splitlines()
    assert len(lines) == 2  # the header and the one point done
    r = rmtmc.sweep(param="d", values=[10, 20, 30], trials=8, batch=4, out=out)  # resumes
    assert r.complete and r.json["run"]["resumed_points"] == 1
