#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Compare two golden directories (as written by tools/make_goldens.py) byte for byte.

For each k present in the reference directory REF: in_<k>.bin must be equal (else the
comparison is meaningless), out_<k>.bin is compared, and every tensor listed in
REF/tensors_<k>/tensors.txt is compared with the same t<index>.bin in CAND. Prints one
summary line per k and, for the first differing tensor (operator order), the number
of differing elements and the largest absolute difference. Exit status 1 on any
difference.

Usage:
  python tools/compare_goldens.py REF_DIR CAND_DIR
"""
import argparse
import glob
import os
import re
import sys

import numpy as np

DTYPES = {"INT8": np.int8, "UINT8": np.uint8, "INT16": np.int16, "INT32": np.int32,
          "INT64": np.int64, "FLOAT32": np.float32, "BOOL": np.bool_}


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def diff_stats(a, b, typ):
    """(differing elements, max |a-b|) for equal-length buffers of type typ."""
    dt = DTYPES.get(typ, np.uint8)
    x, y = np.frombuffer(a, dt).astype(np.float64), np.frombuffer(b, dt).astype(np.float64)
    d = np.abs(x - y)
    return int(np.count_nonzero(d)), float(d.max()) if d.size else 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("ref")
    ap.add_argument("cand")
    args = ap.parse_args()
    ok = True
    ks = sorted(int(re.findall(r"\d+", os.path.basename(p))[0])
                for p in glob.glob(os.path.join(args.ref, "in_*.bin")))
    for k in ks:
        name = lambda d, f: os.path.join(d, f)  # noqa: E731
        if read(name(args.ref, f"in_{k}.bin")) != read(name(args.cand, f"in_{k}.bin")):
            print(f"k={k}: INPUTS DIFFER, skipped")
            ok = False
            continue
        out_same = read(name(args.ref, f"out_{k}.bin")) == read(name(args.cand, f"out_{k}.bin"))
        listing = name(args.ref, f"tensors_{k}/tensors.txt")
        same = total = 0
        first = None
        if os.path.exists(listing):
            for line in open(listing):
                f = line.split()
                t, typ, op = f[0], f[2], f"{f[5]} {f[6]}"
                a = read(name(args.ref, f"tensors_{k}/t{t}.bin"))
                b = read(name(args.cand, f"tensors_{k}/t{t}.bin"))
                total += 1
                if a == b:
                    same += 1
                elif first is None:
                    if b is None or len(a) != len(b):
                        first = f"t{t} (op {op}): missing or size differs"
                    else:
                        n, m = diff_stats(a, b, typ)
                        first = (f"t{t} (op {op}) {f[3]}: {n}/{len(a) // np.dtype(DTYPES.get(typ, np.uint8)).itemsize}"
                                 f" elements differ, max |diff| {m:g}")
        ok = ok and out_same and same == total
        print(f"k={k}: output {'identical' if out_same else 'DIFFERS'}; "
              f"tensors identical {same}/{total}" + (f"; first diff {first}" if first else ""))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
