"""Shared fixtures of the Python package's tests (python/tests).

RMTMC_CLI names the command-line tool the results are compared with (ctest
passes the build tree's build/rmtmc); by default the rmtmc that `pip install`
put beside this Python.  Pictures are drawn with matplotlib's Agg backend.
"""

import json
import os
import shutil
import subprocess
import sys

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")


def _cli():
    p = os.environ.get("RMTMC_CLI")
    if p:
        return p
    here = os.path.join(os.path.dirname(sys.executable), "rmtmc")
    return here if os.path.exists(here) else shutil.which("rmtmc")


@pytest.fixture(scope="session")
def cli():
    p = _cli()
    if not p:
        pytest.fail("no rmtmc command: set RMTMC_CLI to build/rmtmc")
    return p


def run_cli(cli, args, tmp_path, name="cli.json"):
    """Run the CLI with --json into tmp_path; returns (text, parsed)."""
    out = tmp_path / name
    r = subprocess.run([cli, *args, "--json", str(out), "--quiet"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    return text, json.loads(text)


# Keys whose values depend on the run's timing (or on which build ran it).
VARYING = {"timing", "note", "point_seconds", "seconds"}


def masked(obj):
    """The JSON without the keys that differ between two runs."""
    if isinstance(obj, dict):
        return {k: masked(v) for k, v in obj.items() if k not in VARYING}
    if isinstance(obj, list):
        return [masked(v) for v in obj]
    return obj


def masked_lines(text):
    """The JSON text without the lines of those keys (and of their members)."""
    out, depth = [], 0
    for line in text.splitlines():
        key = line.strip().split('"')[1] if line.strip().startswith('"') else None
        if depth:
            depth += line.count("{") + line.count("[") - line.count("}") - line.count("]")
            continue
        if key in VARYING:
            depth = line.count("{") + line.count("[") - line.count("}") - line.count("]")
            continue
        out.append(line.rstrip(","))
    return out
