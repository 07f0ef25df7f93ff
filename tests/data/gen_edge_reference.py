#!/usr/bin/env python3
"""Regenerate the Airy part of tests/data/edge_reference.json (development
tool; the tests read the JSON and need no Python).  Requires mpmath
(pip install mpmath); values are computed with 40 significant digits and
written with 20.  The Tracy-Widom part of the file is literature values,
kept by hand (see its "provenance" fields)."""
import json
import sys

import mpmath as mp

mp.mp.dps = 40
XS = [-15, -12.5, -10.5, -10, -9.75, -8, -7.3, -6, -5, -4.99, -3, -2, -1,
      -0.5, -0.1, 0, 0.1, 0.3, 0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 9.5, 10,
      10.5, 12, 15, 20, 25, 31.9, 32.5, 40, 60]


def s(v):
    return float(mp.nstr(v, 20))


def main(path):
    with open(path) as f:
        data = json.load(f)
    data["airy"] = {
        "provenance": "mpmath 1.3.0 airyai(x), airyai(x, 1) at 40 significant digits "
                      "(tests/data/gen_edge_reference.py)",
        "x": XS,
        "ai": [s(mp.airyai(mp.mpf(x))) for x in XS],
        "aip": [s(mp.airyai(mp.mpf(x), 1)) for x in XS],
    }
    data["airy_zeros"] = {
        "provenance": "zeros a_k of Ai and a'_k of Ai' (DLMF Table 9.9.1, Abramowitz-Stegun "
                      "Table 10.13), with Ai'(a_k) and Ai(a'_k); digits from mpmath.airyaizero",
        "a": [s(mp.airyaizero(k)) for k in range(1, 11)],
        "aip_at_a": [s(mp.airyai(mp.airyaizero(k), 1)) for k in range(1, 11)],
        "ap": [s(mp.airyaizero(k, 1)) for k in range(1, 6)],
        "ai_at_ap": [s(mp.airyai(mp.airyaizero(k, 1))) for k in range(1, 6)],
    }
    with open(path, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/data/edge_reference.json")
