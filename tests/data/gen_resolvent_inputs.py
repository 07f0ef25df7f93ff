#!/usr/bin/env python3
"""gen_resolvent_inputs.py: writes the resolvent tests' input files (Python
standard library only; run from tests/data):
  resolvent_sigma12.txt  a 12 x 12 symmetric positive definite Sigma = B B^T / 12
                         + 0.05 I, B with entries from a fixed linear
                         congruential generator, written with 17 digits
  resolvent_sigma12.npy  the same matrix as a NumPy .npy file (<f8, C order)
  resolvent_vector12.txt a vector of 12 numbers (not unit length: the study
                         normalises it)"""
import struct

d = 12
state = 12345


def uniform():
    global state
    state = (1103515245 * state + 12345) % 2 ** 31
    return state / 2 ** 31 - 0.5


B = [[uniform() for _ in range(d)] for _ in range(d)]
S = [[sum(B[i][k] * B[j][k] for k in range(d)) / d + (0.05 if i == j else 0.0) for j in range(d)] for i in range(d)]
with open("resolvent_sigma12.txt", "w") as f:
    f.write("# 12 x 12 covariance for the resolvent tests (gen_resolvent_inputs.py)\n")
    for i in range(d):
        f.write(" ".join("%.17g" % S[i][j] for j in range(d)) + "\n")
header = "{'descr': '<f8', 'fortran_order': False, 'shape': (%d, %d), }" % (d, d)
header += " " * (64 - (10 + len(header) + 1) % 64) + "\n"
with open("resolvent_sigma12.npy", "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1"))
    for i in range(d):
        for j in range(d):
            f.write(struct.pack("<d", S[i][j]))
with open("resolvent_vector12.txt", "w") as f:
    f.write(" ".join("%.17g" % (1.0 + 0.25 * i) for i in range(d)) + "\n")
