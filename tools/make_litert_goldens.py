#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""LiteRT reference outputs for the shared int8 models' golden inputs.

../shared/models/golden/<stem>/out_<k>.bin were computed by TensorFlow Lite Micro, whose
FULLY_CONNECTED rounds twice; LiteRT's reference FULLY_CONNECTED rounds once
(tools/litert_vs_tflm.md). This tool runs every int8 model in SHARED/models (input 0 of type
int8; float32 and hybrid models are skipped) with ai-edge-litert's Interpreter and
OpResolverType.BUILTIN_REF on the same five inputs, read in place from
SHARED/models/golden/<stem>/in_<k>.bin, and writes the output tensor's raw bytes to

  OUT/<stem>/out_<k>.bin     k = 1..N
  OUT/GENERATOR.txt          versions, command, and per model the sha256 of the model and of
                             each input, plus which outputs differ from TFLM's goldens

tests/models/test_shared_models.cpp checks tinyml's default mode against these byte for byte.

Usage:
  python tools/make_litert_goldens.py [--shared ../shared] [--out tests/data/litert_goldens] [-n 5]
"""
import argparse
import hashlib
import importlib.metadata as md
import os
import shlex
import sys

import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def read(path):
    with open(path, "rb") as f:
        return f.read()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--out", default=os.path.join(ROOT, "tests", "data", "litert_goldens"))
    ap.add_argument("-n", type=int, default=5, help="inputs per model (default 5)")
    args = ap.parse_args()
    models = os.path.join(args.shared, "models")
    if not os.path.isdir(os.path.join(models, "golden")):
        sys.exit(f"error: no {models}/golden")

    log = [
        "LiteRT reference outputs for the shared models' golden inputs (tools/make_litert_goldens.py)",
        f"ai-edge-litert {md.version('ai-edge-litert')}, numpy {np.__version__}, "
        "Interpreter(experimental_op_resolver_type=OpResolverType.BUILTIN_REF)",
        "command: python " + " ".join(shlex.quote(a) for a in
                                      ["tools/make_litert_goldens.py"] + sys.argv[1:]),
        "inputs: <shared>/models/golden/<stem>/in_<k>.bin (read in place, not copied)",
        "",
    ]
    for name in sorted(os.listdir(models)):
        if not name.endswith(".tflite"):
            continue
        stem = name[:-len(".tflite")]
        path = os.path.join(models, name)
        gdir = os.path.join(models, "golden", stem)
        it = Interpreter(model_path=path, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
        it.allocate_tensors()
        in0, out0 = it.get_input_details()[0], it.get_output_details()[0]
        if in0["dtype"] != np.int8:
            print(f"skip {stem}: input 0 is {np.dtype(in0['dtype']).name}")
            continue
        if not os.path.isdir(gdir):
            sys.exit(f"error: {stem} has no golden folder {gdir}")
        odir = os.path.join(args.out, stem)
        os.makedirs(odir, exist_ok=True)
        log.append(f"{stem}: model sha256 {sha256(path)}")
        differ = []
        for k in range(1, args.n + 1):
            x = read(os.path.join(gdir, f"in_{k}.bin"))
            if len(x) != in0["shape"].prod():
                sys.exit(f"error: {stem} in_{k}.bin has {len(x)} bytes, input needs "
                         f"{in0['shape'].prod()}")
            it.set_tensor(in0["index"], np.frombuffer(x, np.int8).reshape(in0["shape"]))
            it.invoke()
            y = it.get_tensor(out0["index"]).tobytes()
            opath = os.path.join(odir, f"out_{k}.bin")
            if y == read(os.path.join(gdir, f"out_{k}.bin")):
                # Equal to TFLite Micro's golden: storing it would copy ../shared data; the
                # tests read the shared golden when this file is absent.
                if os.path.exists(opath):
                    os.remove(opath)
            else:
                with open(opath, "wb") as f:
                    f.write(y)
            tflm = os.path.join(gdir, f"out_{k}.bin")
            if os.path.exists(tflm) and read(tflm) != y:
                n = int(np.count_nonzero(np.frombuffer(read(tflm), np.int8) !=
                                         np.frombuffer(y, np.int8)))
                differ.append(f"k={k} ({n}/{len(y)} bytes)")
            log.append(f"  in_{k}.bin sha256 {hashlib.sha256(x).hexdigest()}")
        log.append("  differs from the TFLM golden: " + (", ".join(differ) if differ else "none"))
        print(f"{stem}: {args.n} outputs; differ from TFLM: {', '.join(differ) or 'none'}")
    with open(os.path.join(args.out, "GENERATOR.txt"), "w") as f:
        f.write("\n".join(log) + "\n")


if __name__ == "__main__":
    main()
